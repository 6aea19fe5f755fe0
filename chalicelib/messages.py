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
    },
}

MESSAGES = {
    "fr": {
        # whole-request errors
        "validation_error": "Certains champs sont à corriger : rien n'a été enregistré.",
        "malformed_json": "La requête n'est pas un document JSON valide.",
        "unsupported_media_type": "Le type de contenu doit être application/json.",
        "payload_too_large": "La requête dépasse la taille maximale de {max_kb} Ko.",
        "csrf_header_missing": "Requête refusée : l'en-tête X-Requested-With est absent.",
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
    },
    "en": {
        "validation_error": "Some fields need correcting: nothing was saved.",
        "malformed_json": "The request is not a valid JSON document.",
        "unsupported_media_type": "The content type must be application/json.",
        "payload_too_large": "The request is larger than the {max_kb} KB limit.",
        "csrf_header_missing": "Request refused: the X-Requested-With header is missing.",
        "not_authenticated": "Your session has expired or you are not logged in. Please log in again.",
        "invalid_credentials": "Wrong login or password.",
        "wrong_current_password": "The current password is wrong: nothing was saved.",
        "version_conflict": "Your account was changed meanwhile (in another tab or session). "
        "Reload the page to see the saved values: nothing was overwritten.",
        "not_found": "Not found.",
        "method_not_allowed": "Method not allowed.",
        "internal_error": "A technical error occurred. Please try again in a moment.",
        "field.required": "The field « {field} » is mandatory.",
        "field.unknown": "The field « {field} » is not accepted.",
        "field.type": "The field « {field} » has the wrong format.",
        "field.too_long": "The field « {field} » is longer than {max} characters.",
        "field.choice": "The field « {field} » must be one of the proposed values.",
        "email.invalid": "The field « {field} » must be a valid e-mail address (for example name@domain.com).",
        "phone.invalid": "The field « {field} » must be a valid number, in international format "
        "(for example +33 1 23 45 67 89).",
        "postal_code.france": "The field « {field} » must have 5 digits for an address in France.",
        "postal_code.invalid": "The field « {field} » is not a valid postal code.",
        "country.invalid": "The field « {field} » must be a country of the list.",
        "password.too_short": "The field « {field} » must have at least {min} characters.",
        "password.too_long": "The field « {field} » must have at most {max} characters.",
        "password.classes": "The field « {field} » must mix at least {classes} kinds of characters among: "
        "upper case, lower case, digits, special characters.",
        "password.personal": "The field « {field} » must not contain your name or your e-mail address.",
        "password.guessable": "The field « {field} » is too easy to guess (common word, sequence or known pattern): "
        "make it longer or mix unrelated words.",
        "password.same_as_current": "The field « {field} » must differ from the current password.",
        "password.mismatch": "The field « {field} » must match the new password.",
        "password.current_required": "The field « {field} » is mandatory to change the password.",
        "password.wrong": "The current password is wrong.",
        "secret_answer.required": "The field « {field} » is mandatory to change the secret question.",
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


def field_label(path: str, language: str) -> str:
    return FIELD_LABELS[language].get(path, path)


def say(key: str, language: str, field: str | None = None, **params) -> str:
    template = MESSAGES[language].get(key) or MESSAGES[language]["validation_error"]
    if field is not None:
        params["field"] = field_label(field, language)
    return template.format(**params)
