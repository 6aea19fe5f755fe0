"""What the API says to people, in French first and English second.

Keys come from the rules (``chalicelib.domain.errors.Problem``) and from request parsing; ``{field}`` is replaced by the
screen label of the field concerned, so every message names its field as the guide asks.
"""

FIELD_LABELS = {
    "fr": {
        "login": "Identifiant de connexion",
        "password": "Mot de passe",
        "contact_email": "Adresse électronique de contact",
        "last_name": "Nom",
        "first_name": "Prénom",
        "address": "Adresse postale",
        "address.line1": "Adresse",
        "address.line2": "Complément adresse 1",
        "address.line3": "Complément adresse 2",
        "address.postal_code": "Code postal",
        "address.city": "Ville",
        "address.country": "Pays",
        "phone": "Téléphone",
        "fax": "Fax",
        "language": "Langue",
        "notifications": "Recevoir des notifications",
        "version": "Version",
        "password.current": "Mot de passe actuel",
        "password.new": "Nouveau mot de passe",
        "password.confirmation": "Confirmer le nouveau mot de passe",
        "secret_question": "Question secrète",
        "secret_question.question": "Question secrète",
        "secret_question.answer": "Réponse",
        "identifier_type": "Type d'identifiant",
        "identifier": "Identifiant",
        "designation": "Raison sociale",
        "label": "Libellé de la structure",
        "structure_type": "Type",
        "status": "Statut",
        "postal_code": "Code postal",
        "city": "Ville",
        "country": "Pays",
        "page": "Page",
        "per_page": "Lignes par page",
        "services": "Liste des services",
        "valid_from": "Date de début de validité",
        "valid_until": "Date de fin de validité",
        "comment": "Commentaire",
        "successor_user_id": "Nouveau gestionnaire principal",
        "q": "Recherche",
        "role": "Rôle",
        "manager_scope": "Portée",
        "decision": "Décision",
        "reason": "Motif",
        "requests": "Demandes",
        "services.code": "Code du service",
        "services.name": "Nom du service",
        "space": "Espace",
        "habilitation": "Habilitation",
        "rows": "Services",
        "rows.service_code": "Service",
        "rows.habilitation": "Habilitation",
        "subscriptions": "Abonnements",
        "services.valid_from": "Date Début",
        "services.valid_until": "Date Fin",
        "services.comment": "Commentaires",
        "requests.validated_services": "Services à valider",
        "requests.refused_services": "Services à refuser",
        "token": "Lien",
        "confirmation": "Confirmation",
        "secret_answer": "Réponse",
        "current": "Mot de passe actuel",
        "new": "Nouveau mot de passe",
        "successors": "Nouveau gestionnaire principal",
        # administration of a structure (api/structure_admin.py)
        "code": "Code du service",
        "name": "Nom du service",
        # « Pièces jointes »: ``attachment:`` labels are those of its routes (``endpoint(labels="attachment")``)
        "file_name": "Sélection de la pièce jointe",
        "size": "Taille du fichier",
        "attachment_type": "Type de pièce jointe",
        "attachment:designation": "Désignation",
        "upload_id": "Téléversement",
        "ids": "Pièces jointes",
        # « Sécurité et confidentialité »
        "second_factor:code": "Code de vérification",
        "challenge": "Connexion en cours",
        "session_id": "Session",
        # « Sécurité et confidentialité » (issue 13)
        "target": "Adresse à modifier",
        "email_change:address": "Nouvelle adresse électronique",
    },
    "en": {
        "login": "Login",
        "password": "Password",
        "contact_email": "Contact e-mail address",
        "last_name": "Last name",
        "first_name": "First name",
        "address": "Postal address",
        "address.line1": "Address",
        "address.line2": "Address line 2",
        "address.line3": "Address line 3",
        "address.postal_code": "Postal code",
        "address.city": "City",
        "address.country": "Country",
        "phone": "Phone",
        "fax": "Fax",
        "language": "Language",
        "notifications": "Receive notifications",
        "version": "Version",
        "password.current": "Current password",
        "password.new": "New password",
        "password.confirmation": "Confirm the new password",
        "secret_question": "Secret question",
        "secret_question.question": "Secret question",
        "secret_question.answer": "Answer",
        "identifier_type": "Identifier type",
        "identifier": "Identifier",
        "designation": "Company name",
        "label": "Structure label",
        "structure_type": "Type",
        "status": "Status",
        "postal_code": "Postal code",
        "city": "City",
        "country": "Country",
        "page": "Page",
        "per_page": "Lines per page",
        "services": "Services",
        "valid_from": "Start of validity",
        "valid_until": "End of validity",
        "comment": "Comment",
        "successor_user_id": "New principal manager",
        "q": "Search",
        "role": "Role",
        "manager_scope": "Scope",
        "decision": "Decision",
        "reason": "Reason",
        "requests": "Requests",
        "services.code": "Service code",
        "services.name": "Service name",
        "space": "Space",
        "habilitation": "Authorisation",
        "rows": "Services",
        "rows.service_code": "Service",
        "rows.habilitation": "Authorisation",
        "subscriptions": "Subscriptions",
        "services.valid_from": "Start date",
        "services.valid_until": "End date",
        "services.comment": "Comments",
        "requests.validated_services": "Services to validate",
        "requests.refused_services": "Services to refuse",
        "token": "Link",
        "confirmation": "Confirmation",
        "secret_answer": "Answer",
        "current": "Current password",
        "new": "New password",
        "successors": "New principal manager",
        # administration of a structure (api/structure_admin.py)
        "code": "Service code",
        "name": "Service name",
        # « Pièces jointes »
        "file_name": "Attachment file",
        "size": "File size",
        "attachment_type": "Attachment type",
        "attachment:designation": "Designation",
        "upload_id": "Upload",
        "ids": "Attachments",
        # « Sécurité et confidentialité »
        "second_factor:code": "Verification code",
        "challenge": "Login in progress",
        "session_id": "Session",
        # « Sécurité et confidentialité » (issue 13)
        "target": "Address to change",
        "email_change:address": "New e-mail address",
    },
}

MESSAGES = {
    "fr": {
        # whole-request errors
        "validation_error": "Certains champs sont à corriger : rien n'a été enregistré.",
        "malformed_json": "La requête n'est pas un document JSON valide.",
        "unsupported_media_type": "Le type de contenu doit être application/json.",
        "payload_too_large": "La requête dépasse la taille maximale de {max_kb} Ko.",
        "csrf_header_missing": "Requête refusée : l'en-tête X-Requested-With est absent ou n'a pas la valeur attendue.",
        "not_authenticated": "Votre session a expiré ou vous n'êtes pas connecté. Veuillez vous reconnecter.",
        "invalid_credentials": "Identifiant de connexion ou mot de passe incorrect.",
        "wrong_current_password": "Le mot de passe actuel est incorrect : rien n'a été enregistré.",
        "version_conflict": "Votre compte a été modifié entre-temps (dans un autre onglet ou une autre session). "
        "Rechargez la page pour voir les valeurs enregistrées : rien n'a été écrasé.",
        "not_found": "Ressource introuvable.",
        "method_not_allowed": "Méthode non autorisée.",
        "internal_error": "Une erreur technique est survenue. Réessayez dans quelques instants.",
        # field errors
        "field.required": "Le champ « {field} » est obligatoire.",
        "field.unknown": "Le champ « {field} » n'est pas accepté.",
        "field.type": "Le champ « {field} » n'a pas le bon format.",
        "field.too_long": "Le champ « {field} » dépasse {max} caractères.",
        "field.choice": "Le champ « {field} » doit valoir l'une des valeurs proposées.",
        "field.control_characters": "Le champ « {field} » contient des caractères non autorisés (caractères de "
        "contrôle ou invisibles).",
        "email.invalid": "Le champ « {field} » doit être une adresse électronique valide (exemple : nom@domaine.fr).",
        "phone.invalid": "Le champ « {field} » doit être un numéro valide, au format international "
        "(exemple : +33 1 23 45 67 89).",
        "postal_code.france": "Le champ « {field} » doit comporter 5 chiffres pour une adresse en France.",
        "postal_code.invalid": "Le champ « {field} » n'est pas un code postal valide.",
        "country.invalid": "Le champ « {field} » doit être un pays de la liste.",
        "password.too_short": "Le champ « {field} » doit comporter au moins {min} caractères.",
        "password.too_long": "Le champ « {field} » doit comporter au plus {max} caractères.",
        "password.classes": "Le champ « {field} » doit comporter au moins {classes} types de caractères parmi : "
        "majuscules, minuscules, chiffres, caractères spéciaux.",
        "password.personal": "Le champ « {field} » ne doit pas contenir votre nom ou votre adresse électronique.",
        "password.guessable": "Le champ « {field} » est trop facile à deviner (mot courant, suite ou motif connu) : "
        "allongez-le ou mélangez des mots sans rapport.",
        "password.same_as_current": "Le champ « {field} » doit être différent du mot de passe actuel.",
        "password.mismatch": "Le champ « {field} » doit être identique au nouveau mot de passe.",
        "password.current_required": "Le champ « {field} » est obligatoire pour changer de mot de passe.",
        "password.wrong": "Le mot de passe actuel est incorrect.",
        "secret_answer.required": "Le champ « {field} » est obligatoire pour changer de question secrète.",
        "too_many_attempts": "Trop de tentatives de connexion pour cet identifiant. Réessayez dans {minutes} minute(s).",
        "account_deactivated": "Votre compte est désactivé. Utilisez « Réactiver mon compte » pour recevoir un lien de réactivation.",
        "password_expired": "Votre mot de passe a expiré : choisissez-en un nouveau avant de continuer.",
        "invalid_link": "Ce lien n'est pas valide : il a déjà servi, il a expiré ou il est incomplet. Demandez-en un nouveau.",
        "reactivation_too_late": "Le délai de réactivation de 60 jours est dépassé : pour réactiver votre compte, contactez le support en saisissant une sollicitation.",
        "signup.sent": "Demande enregistrée. Si cette adresse peut recevoir un compte, un courriel d'activation vient d'y être envoyé ; son lien est valable 60 minutes.",
        "reset.sent": "Demande enregistrée. Si un compte actif a cet identifiant, un courriel vient d'être envoyé à son adresse de connexion ; son lien est valable 30 minutes.",
        "reactivation.sent": "Demande enregistrée. Si un compte désactivé a cet identifiant, un courriel vient d'être envoyé à son adresse de connexion ; son lien est valable 24 heures.",
        "activation.done": "Votre compte est activé. Vous pouvez vous connecter.",
        "reset.done": "Votre mot de passe est modifié. Vous pouvez vous connecter.",
        "unlock.done": "Votre identifiant est déverrouillé. Vous pouvez vous connecter.",
        "reactivation.done": "Votre compte est réactivé. Vous pouvez vous connecter.",
        "secret_answer.wrong": "La réponse à la question secrète est incorrecte.",
        "successor.required": "Désignez un nouveau gestionnaire principal pour cette structure.",
        "successor.alone": "Vous êtes le seul utilisateur actif de cette structure : rattachez-y d'abord un autre utilisateur, qui deviendra gestionnaire principal.",
        "successor.not_led": "Vous n'êtes pas le gestionnaire principal de cette structure.",
        "concurrent_change": "Quelqu'un a modifié ces informations entre-temps : rien n'a été changé. Rechargez la page et recommencez.",
        "forbidden": "Vous n'avez pas les droits nécessaires pour cette action sur cette structure.",
        "identifier_taken": "Une structure existe déjà avec cet identifiant : recherchez-la et demandez à vous y rattacher.",
        "membership_exists": "Vous êtes déjà rattaché à cette structure ou une demande est en cours de validation.",
        "successor_required": "Vous êtes gestionnaire principal : désignez d'abord un nouveau gestionnaire principal parmi "
        "les utilisateurs actifs de la structure.",
        "sole_principal": "Vous êtes le seul utilisateur actif de cette structure : aucun autre utilisateur ne peut "
        "devenir gestionnaire principal, vous ne pouvez donc pas la quitter. Rattachez d'abord un autre utilisateur.",
        "user_not_found": "Aucun compte utilisateur ne correspond.",
        "search_needs_criterion": "Saisissez au moins un critère parmi : raison sociale, identifiant, libellé, nom, "
        "prénom, code postal ou ville.",
        "request_not_pending": "Cette demande n'est plus en attente ou ne relève pas de vos structures : rien n'a changé.",
        "request_of_inactive_account": "Le compte de l'auteur de cette demande n'est plus actif : elle ne peut pas être "
        "décidée, rien n'a changé.",
        "principal_needs_successor": "Le gestionnaire principal d'une structure ne change de rôle et ne perd son "
        "rattachement qu'après avoir désigné un nouveau gestionnaire principal (« Supprimer rattachements » ou "
        "« Désactiver mon compte »).",
        "search.term_too_short": "Le champ « {field} » doit comporter au moins {min} lettres ou chiffres en plus de *.",
        "search.prefix_only": "Le champ « {field} » accepte * seulement à la fin (exemple : 1260*).",
        "identifier.siret": "Le champ « {field} » doit être un SIRET valide : 14 chiffres dont la clé de contrôle.",
        "identifier.eu_vat": "Le champ « {field} » doit être un numéro de TVA intracommunautaire valide d'un pays de "
        "l'Union européenne autre que la France.",
        "identifier.hors_ue": "Le champ « {field} » doit comporter de 2 à 40 lettres ou chiffres.",
        "identifier.ridet": "Le champ « {field} » doit être un RIDET : 9 ou 10 chiffres.",
        "identifier.tahiti": "Le champ « {field} » doit être un numéro TAHITI : 6 caractères et 3 chiffres.",
        "identifier.autre": "Le champ « {field} » doit comporter de 2 à 80 lettres ou chiffres.",
        "identifier.particulier": "Le champ « {field} » doit comporter de 2 à 80 lettres ou chiffres.",
        "identifier.taken": "Une structure existe déjà avec cet identifiant.",
        "service.unknown": "Le service {code} n'existe pas dans cette structure.",
        "service.duplicate": "Ce code de service est déjà utilisé dans la liste.",
        "subscription_not_pending": "Cette demande d'abonnement n'est plus en attente : rien n'a changé.",
        "subscription.service_not_attached": "Vous n'êtes pas rattaché à ce service ({code}) : demandez d'abord un "
        "rattachement à ce service.",
        "subscription.duplicate_row": "Cette ligne (service et habilitation) figure deux fois dans la demande.",
        "subscription.exists": "Vous avez déjà cet abonnement, ou une demande est en cours de validation.",
        "subscription.unknown": "Cet abonnement n'existe pas ou a déjà été supprimé : rien n'a changé.",
        "subscription.kept": "Cet espace est donné par le rattachement : il ne peut pas être supprimé seul.",
        "subscription.principal_keeps_manager_space": "Vous êtes le gestionnaire principal de cette structure : vous "
        "gardez l'espace « Activité du gestionnaire » tant que vous n'avez pas désigné de successeur.",
        "space.not_requestable": "Le champ « {field} » doit être l'un des espaces que l'on peut demander : Factures "
        "émises, Factures reçues, Sollicitations émises ou Sollicitations reçues.",
        "space.removed": "Cet espace a été retiré de la structure par son gestionnaire : il ne peut plus être demandé.",
        "date.past": "Le champ « {field} » ne peut pas être une date passée.",
        "dates.order": "La date de fin de validité doit suivre la date de début.",
        "dates.past_service": "La « {field} » du service {code} ne peut pas être antérieure à aujourd'hui.",
        "dates.order_service": "La « {field} » du service {code} ne peut pas précéder sa date de début.",
        # « Prolonger » (issue 12)
        "extension.undated": "Ce rattachement n'a pas de date de fin : il n'y a rien à prolonger.",
        "extension.later": "La nouvelle « {field} » doit suivre la date de fin actuelle ({date}) et ne pas être passée.",
        "service_not_in_request": "Le service {code} ne fait pas partie de cette demande : rien n'a changé pour elle.",
        "service_decided_twice": "Le service {code} ne peut pas être à la fois validé et refusé : rien n'a changé pour "
        "cette demande.",
        "user.not_found": "Aucun utilisateur n'a cet identifiant de connexion.",
        "successor.not_member": "Le nouveau gestionnaire principal doit être un utilisateur actif de la structure.",
        # administration of a structure (api/structure_admin.py)
        "structure_version_conflict": "La fiche de la structure a été modifiée entre-temps (par un autre gestionnaire "
        "ou dans un autre onglet). Rechargez la page pour voir les valeurs enregistrées : rien n'a été écrasé.",
        "service.taken": "Le code de service {code} est déjà utilisé dans cette structure (y compris par un service "
        "désactivé).",
        # « Pièces jointes » (api/attachments.py)
        "attachment_quota": "Vous avez atteint la limite de {limit} pièces jointes : supprimez-en une avant d'en "
        "ajouter une autre.",
        "attachment_version_conflict": "Cette pièce jointe a été modifiée entre-temps (dans un autre onglet). "
        "Rechargez la page pour voir les valeurs enregistrées : rien n'a été écrasé.",
        "attachment.extension": "Le champ « {field} » doit être un fichier d'un type accepté ({extensions}).",
        "attachment.empty": "Le fichier du champ « {field} » est vide.",
        "attachment.too_large": "Le fichier du champ « {field} » dépasse {max_mb} Mo.",
        "attachment.content": "Le contenu du fichier « {file_name} » ne correspond pas à son extension ({extension}) : "
        "il n'a pas été enregistré.",
        "attachment.upload_missing": "Le fichier du champ « {field} » n'a pas été reçu (ou son lien a expiré) : "
        "ajoutez-le de nouveau.",
        # « Sécurité et confidentialité »
        "second_factor_required": "Saisissez le code à 6 chiffres de votre application d'authentification.",
        "invalid_second_factor_code": "Ce code n'est pas valide : il est erroné, a déjà servi ou a expiré. Saisissez le code affiché maintenant par votre application, ou un code de secours.",
        "second_factor_expired": "Cette étape de connexion a expiré : saisissez à nouveau votre identifiant et votre mot de passe.",
        "second_factor_already_on": "La double authentification est déjà activée.",
        "second_factor_not_on": "La double authentification n'est pas activée (ou le code secret affiché a changé) : recommencez.",
        "session.closed": "La session est fermée.",
        # « Sécurité et confidentialité » (issue 13)
        "email_change.same": "Le champ « {field} » doit être différent de l'adresse actuelle.",
        "email_change.done": "Votre nouvelle adresse électronique est confirmée : elle est désormais enregistrée.",
        "email_change.cancelled": "La modification d'adresse électronique est annulée : l'adresse précédente est "
        "conservée.",
        "email_change_taken": "Cette adresse électronique est déjà l'identifiant de connexion d'un autre compte : la "
        "modification ne peut pas être confirmée. Rien n'a été modifié.",
        "email_change_locked": "Votre dernière modification d'adresse électronique peut encore être annulée par "
        "l'ancienne adresse jusqu'au {until} : une nouvelle modification sera possible ensuite. Rien n'a été envoyé.",
        "export_in_progress": "Une archive de vos données est déjà en préparation : vous recevrez un courriel dès "
        "qu'elle sera prête.",
        "export_not_ready": "Aucune archive de vos données n'est disponible : demandez-en une nouvelle.",
        # AWS busy through the retries (domain/errors.ServiceUnavailable)
        "service_unavailable": "Le service est momentanément surchargé : rien n'a été enregistré. Réessayez dans "
        "{seconds} secondes, vos saisies sont conservées.",
    },
    "en": {
        "validation_error": "Some fields need correcting: nothing was saved.",
        "malformed_json": "The request is not a valid JSON document.",
        "unsupported_media_type": "The content type must be application/json.",
        "payload_too_large": "The request is larger than the {max_kb} KB limit.",
        "csrf_header_missing": "Request refused: the X-Requested-With header is missing or does not have the expected "
        "value.",
        "not_authenticated": "Your session has expired or you are not logged in. Please log in again.",
        "invalid_credentials": "Wrong login or password.",
        "wrong_current_password": "The current password is wrong: nothing was saved.",
        "version_conflict": "Your account was changed meanwhile (in another tab or session). "
        "Reload the page to see the saved values: nothing was overwritten.",
        "not_found": "Not found.",
        "method_not_allowed": "Method not allowed.",
        "internal_error": "A technical error occurred. Please try again in a moment.",
        "field.required": "The field “{field}” is mandatory.",
        "field.unknown": "The field “{field}” is not accepted.",
        "field.type": "The field “{field}” has the wrong format.",
        "field.too_long": "The field “{field}” is longer than {max} characters.",
        "field.choice": "The field “{field}” must be one of the proposed values.",
        "field.control_characters": "The field “{field}” contains characters that are not allowed (control or "
        "invisible characters).",
        "email.invalid": "The field “{field}” must be a valid e-mail address (for example name@domain.com).",
        "phone.invalid": "The field “{field}” must be a valid number, in international format "
        "(for example +33 1 23 45 67 89).",
        "postal_code.france": "The field “{field}” must have 5 digits for an address in France.",
        "postal_code.invalid": "The field “{field}” is not a valid postal code.",
        "country.invalid": "The field “{field}” must be a country of the list.",
        "password.too_short": "The field “{field}” must have at least {min} characters.",
        "password.too_long": "The field “{field}” must have at most {max} characters.",
        "password.classes": "The field “{field}” must mix at least {classes} kinds of characters among: "
        "upper case, lower case, digits, special characters.",
        "password.personal": "The field “{field}” must not contain your name or your e-mail address.",
        "password.guessable": "The field “{field}” is too easy to guess (common word, sequence or known pattern): "
        "make it longer or mix unrelated words.",
        "password.same_as_current": "The field “{field}” must differ from the current password.",
        "password.mismatch": "The field “{field}” must match the new password.",
        "password.current_required": "The field “{field}” is mandatory to change the password.",
        "password.wrong": "The current password is wrong.",
        "secret_answer.required": "The field “{field}” is mandatory to change the secret question.",
        "too_many_attempts": "Too many login attempts for this login. Try again in {minutes} minute(s).",
        "account_deactivated": "Your account is deactivated. Use “Reactivate my account” to receive a reactivation link.",
        "password_expired": "Your password has expired: choose a new one before going on.",
        "invalid_link": "This link is not valid: it was used already, it expired or it is incomplete. Ask for a new one.",
        "reactivation_too_late": "The 60-day reactivation period is over: to reactivate your account, contact the support by filing a request (sollicitation).",
        "signup.sent": "Request recorded. If this address can hold an account, an activation mail was just sent to it; its link is valid 60 minutes.",
        "reset.sent": "Request recorded. If an active account has this login, a mail was just sent to its login address; its link is valid 30 minutes.",
        "reactivation.sent": "Request recorded. If a deactivated account has this login, a mail was just sent to its login address; its link is valid 24 hours.",
        "activation.done": "Your account is activated. You can log in.",
        "reset.done": "Your password is changed. You can log in.",
        "unlock.done": "Your login is unlocked. You can log in.",
        "reactivation.done": "Your account is reactivated. You can log in.",
        "secret_answer.wrong": "The answer to the secret question is wrong.",
        "successor.required": "Designate a new principal manager for this structure.",
        "successor.alone": "You are the only active user of this structure: first attach another user, who will become its principal manager.",
        "successor.not_led": "You are not the principal manager of this structure.",
        "concurrent_change": "Someone changed this information meanwhile: nothing was changed. Reload the page and try again.",
        "forbidden": "You do not have the rights needed for this action on this structure.",
        "identifier_taken": "A structure already exists with this identifier: search for it and ask to join it.",
        "membership_exists": "You are already linked to this structure or a request is awaiting validation.",
        "successor_required": "You are a principal manager: first designate a new principal manager among the "
        "structure's active users.",
        "sole_principal": "You are the only active user of this structure: nobody else can become its principal "
        "manager, so you cannot leave it. Attach another user first.",
        "user_not_found": "No user account matches.",
        "search_needs_criterion": "Fill in at least one of: company name, identifier, label, last name, first name, "
        "postal code or city.",
        "request_not_pending": "This request is no longer pending or is not one of your structures': nothing changed.",
        "request_of_inactive_account": "The account of this request's author is no longer active: it cannot be "
        "decided, nothing changed.",
        "principal_needs_successor": "The principal manager of a structure changes role or loses its link only "
        "after designating a new principal manager (“Delete links” or “Deactivate my account”).",
        "search.term_too_short": "The field “{field}” needs at least {min} letters or digits besides *.",
        "search.prefix_only": "The field “{field}” accepts * only at the end (for example 1260*).",
        "identifier.siret": "The field “{field}” must be a valid SIRET: 14 digits including the check digit.",
        "identifier.eu_vat": "The field “{field}” must be a valid VAT number of a European Union country other than "
        "France.",
        "identifier.hors_ue": "The field “{field}” must have 2 to 40 letters or digits.",
        "identifier.ridet": "The field “{field}” must be a RIDET: 9 or 10 digits.",
        "identifier.tahiti": "The field “{field}” must be a TAHITI number: 6 characters and 3 digits.",
        "identifier.autre": "The field “{field}” must have 2 to 80 letters or digits.",
        "identifier.particulier": "The field “{field}” must have 2 to 80 letters or digits.",
        "identifier.taken": "A structure already exists with this identifier.",
        "service.unknown": "The service {code} does not exist in this structure.",
        "service.duplicate": "This service code is already in the list.",
        "subscription_not_pending": "This subscription request is no longer pending: nothing changed.",
        "subscription.service_not_attached": "You are not attached to this service ({code}): ask to be attached to it "
        "first.",
        "subscription.duplicate_row": "This row (service and authorisation) appears twice in the request.",
        "subscription.exists": "You already have this subscription, or a request for it is pending.",
        "subscription.unknown": "This subscription does not exist or was already removed: nothing changed.",
        "subscription.kept": "This space comes with the link to the structure: it cannot be removed on its own.",
        "subscription.principal_keeps_manager_space": "You are the principal manager of this structure: you keep the "
        "space “Manager activity” until you name a successor.",
        "space.not_requestable": "The field “{field}” must be one of the spaces one may ask for: Invoices sent, "
        "Invoices received, Requests sent or Requests received.",
        "space.removed": "The manager of the structure took this space off it: it can no longer be asked for.",
        "date.past": "The field “{field}” cannot be a date in the past.",
        "dates.order": "The end of validity must come after its start.",
        "dates.past_service": "The “{field}” of the service {code} cannot be before today.",
        "dates.order_service": "The “{field}” of the service {code} cannot come before its start date.",
        # « Prolonger » (issue 12)
        "extension.undated": "This membership has no end date: there is nothing to extend.",
        "extension.later": "The new “{field}” must come after the current end date ({date}) and not be past.",
        "service_not_in_request": "The service {code} is not part of this request: nothing changed for it.",
        "service_decided_twice": "The service {code} cannot be both validated and refused: nothing changed for this "
        "request.",
        "user.not_found": "No user has this login.",
        "successor.not_member": "The new principal manager must be an active user of the structure.",
        # administration of a structure (api/structure_admin.py)
        "structure_version_conflict": "The structure's record was changed meanwhile (by another manager or in another "
        "tab). Reload the page to see the saved values: nothing was overwritten.",
        "service.taken": "The service code {code} is already used in this structure (deactivated services included).",
        # « Pièces jointes » (api/attachments.py)
        "attachment_quota": "You have reached the limit of {limit} attachments: delete one before adding another.",
        "attachment_version_conflict": "This attachment was changed meanwhile (in another tab). Reload the page to see "
        "the saved values: nothing was overwritten.",
        "attachment.extension": "The field “{field}” must be a file of an accepted type ({extensions}).",
        "attachment.empty": "The file of the field “{field}” is empty.",
        "attachment.too_large": "The file of the field “{field}” is larger than {max_mb} MB.",
        "attachment.content": "The content of the file “{file_name}” does not match its extension ({extension}): it "
        "was not saved.",
        "attachment.upload_missing": "The file of the field “{field}” was not received (or its link expired): add it "
        "again.",
        # « Sécurité et confidentialité »
        "second_factor_required": "Enter the 6-digit code of your authenticator application.",
        "invalid_second_factor_code": "This code is not valid: it is wrong, was used already or expired. Enter the code your application shows now, or a recovery code.",
        "second_factor_expired": "This login step expired: enter your login and password again.",
        "second_factor_already_on": "Two-factor authentication is already on.",
        "second_factor_not_on": "Two-factor authentication is not on (or the secret shown changed): start again.",
        "session.closed": "The session is closed.",
        # « Sécurité et confidentialité » (issue 13)
        "email_change.same": "The field “{field}” must differ from the current address.",
        "email_change.done": "Your new e-mail address is confirmed: it is now saved.",
        "email_change.cancelled": "The e-mail address change is cancelled: the previous address is kept.",
        "email_change_taken": "This e-mail address is already another account's login: the change cannot be "
        "confirmed. Nothing was changed.",
        "email_change_locked": "Your last e-mail address change may still be cancelled by the previous address until "
        "{until}: a new change will be possible then. Nothing was sent.",
        "export_in_progress": "An archive of your data is already being prepared: you will get a mail as soon as it "
        "is ready.",
        "export_not_ready": "No archive of your data is available: ask for a new one.",
        # AWS busy through the retries (domain/errors.ServiceUnavailable)
        "service_unavailable": "The service is busy for a moment: nothing was saved. Try again in {seconds} seconds; "
        "what you entered is kept.",
    },
}

LANGUAGES = ("fr", "en")


def language_from_header(accept_language: str | None) -> str:
    """The first of our languages named in an ``Accept-Language`` header, French otherwise."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "fr"


def field_label(path: str, language: str, scope: str | None = None) -> str:
    """The screen label of a field path; list positions (``services.2.code``) share their item's label. ``scope``
    names the screen where a field of a shared name has its own label (``attachment:designation``)."""
    labels = FIELD_LABELS[language]
    if scope and f"{scope}:{path}" in labels:
        return labels[f"{scope}:{path}"]
    general = ".".join(part for part in path.split(".") if not part.isdigit())
    if path in labels or general in labels:
        return labels.get(path) or labels[general]
    # Keys chosen by the request (``successors.<structure id>``) take their parent's label.
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:end]) in labels:
            return labels[".".join(parts[:end])]
    return path


def say(key: str, language: str, field: str | None = None, scope: str | None = None, **params) -> str:
    template = MESSAGES[language].get(key) or MESSAGES[language]["validation_error"]
    if field is not None:
        params["field"] = field_label(field, language, scope)
    return template.format(**params)
