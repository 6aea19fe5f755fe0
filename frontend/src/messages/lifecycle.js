// Strings of the account lifecycle pages (guide §7 « Désactiver son compte », §8 « Réactiver son compte », and the ways
// into an account around the login: sign-up, activation, forgotten password, unlock, expired password), in French and
// English. Merged by i18n.js; the guide's French labels are kept word for word.

export const FR = {
  'title.signup': 'Créer un compte - Chorus Pro',
  'title.activation': 'Activation du compte utilisateur - Chorus Pro',
  'title.reset': 'Mot de passe oublié - Chorus Pro',
  'title.unlock': 'Débloquer mon identifiant - Chorus Pro',
  'title.reactivation': 'Réactiver mon compte - Chorus Pro',
  'title.reactivation_form': 'Activation du compte utilisateur - Chorus Pro',
  'title.expired': 'Mot de passe expiré - Chorus Pro',

  'required.note': "Les champs marqués d'un * sont obligatoires.",
  'link.login': 'Se connecter',
  'link.back_login': 'Retour à la connexion',
  'loading.link': 'Vérification du lien…',

  // Login page
  'login.signup': 'Créer un compte',
  'login.forgot': 'Mot de passe oublié ?',
  'login.reactivate': 'Réactiver mon compte',
  'login.throttled_title': 'Trop de tentatives',
  'login.deactivated_title': 'Compte désactivé',
  'login.deactivated_done_title': 'Votre compte est désactivé',
  'login.deactivated_done': 'Votre compte a été désactivé. Vous pourrez le réactiver dans un délai de 60 jours avec « Réactiver mon compte ».',

  // Shared: password rules and fields of the lifecycle pages
  'lifecycle.rules': 'Pour être accepté, votre mot de passe doit comporter au minimum 12 caractères et comporter au moins 3 types de caractères parmi les 4 groupes suivants :',
  'lifecycle.rule_special': 'et des caractères spéciaux (ponctuation, accents, etc...)',
  'lifecycle.password': 'Mot de passe',
  'lifecycle.confirmation': 'Confirmation',
  'lifecycle.login_email': 'Adresse électronique de connexion',
  'lifecycle.invalid_link_title': 'Lien non valide',
  'lifecycle.missing_link': "Ce lien n'est pas valide : il est incomplet. Ouvrez le lien reçu par courriel, en entier.",
  'lifecycle.done_title': 'C’est fait',
  'lifecycle.sent_title': 'Demande envoyée',

  // « Créer un compte »
  'signup.h1': 'Créer un compte',
  'signup.intro': "Renseignez votre adresse électronique de connexion et votre identité. Un courriel d'activation vous sera envoyé ; son lien est valable 60 minutes.",
  'signup.contact_hint': "Par défaut, l'adresse électronique de connexion. Toutes les notifications y seront envoyées.",
  'signup.login_hint': 'Format attendu : nom@domaine.fr',

  // « Activation du compte utilisateur » (after sign-up and reactivation)
  'activation.h1': 'Activation du compte utilisateur',
  'activation.intro': 'Choisissez votre mot de passe et votre question secrète pour activer votre compte.',
  'activation.ask_again': 'Créer un compte à nouveau',
  'reactivation.intro': 'Choisissez un nouveau mot de passe, une nouvelle question secrète et sa réponse pour réactiver votre compte.',
  'reactivation.too_late_title': 'Délai de réactivation dépassé',
  'reactivation.ask_again': 'Demander un nouveau lien',

  // « Réactiver mon compte » (without a link)
  'reactivation.h1': 'Réactiver mon compte',
  'reactivation.request_intro': "Indiquez votre identifiant de connexion puis cliquez sur « Valider » : un courriel contenant un lien de réactivation, valable 24 heures, vous sera envoyé. La réactivation est possible dans un délai de 60 jours après la désactivation.",

  // « Mot de passe oublié ? »
  'reset.h1': 'Mot de passe oublié',
  'reset.request_intro': "Indiquez votre identifiant de connexion puis cliquez sur « Valider » : un courriel contenant un lien, valable 30 minutes, sera envoyé à cette adresse.",
  'reset.intro': 'Répondez à votre question secrète et choisissez un nouveau mot de passe.',
  'reset.question': 'Votre question secrète',
  'reset.ask_again': 'Demander un nouveau lien',

  // « Débloquer mon identifiant »
  'unlock.h1': 'Débloquer mon identifiant',
  'unlock.intro': "Votre identifiant a été bloqué après trop de tentatives de connexion. Cliquez sur le bouton ci-dessous pour le débloquer, puis connectez-vous. Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié ? ».",
  'unlock.button': 'Débloquer mon identifiant',

  // « Mot de passe expiré »
  'expired.h1': 'Votre mot de passe a expiré',
  'expired.intro': 'Pour continuer, choisissez un nouveau mot de passe.',

  // « Désactiver mon compte » (Mon Compte)
  'deactivate.button': 'Désactiver mon compte',
  'deactivate.title': 'Désactiver mon compte',
  'deactivate.question': 'Êtes-vous sûr de vouloir désactiver votre compte ?',
  'deactivate.reactivation': 'Vous pourrez réactiver votre compte dans un délai de 60 jours.',
  'deactivate.unsaved': 'Toute modification en cours sur votre compte sera perdue.',
  'deactivate.principal': 'Vous devez désigner un nouveau gestionnaire principal pour toutes les structures dont vous êtes gestionnaire principal.',
  'deactivate.after': "Vous n'aurez plus accès aux fonctionnalités de Chorus Pro et ne recevrez plus de courriels de notification.",
  'deactivate.designate': 'Désigner un nouveau gestionnaire principal',
  'deactivate.step2_intro': 'Vous êtes gestionnaire principal des structures suivantes :',
  'deactivate.mode_legend': 'Mode de désignation',
  'deactivate.mode_same': 'Désigner un même gestionnaire principal pour toutes mes structures',
  'deactivate.mode_each': 'Désigner un gestionnaire principal différent pour chaque structure',
  'deactivate.same_group': 'Nouveau gestionnaire principal de toutes mes structures',
  'deactivate.search_label_same': 'Rechercher un utilisateur actif de toutes vos structures',
  'deactivate.none_common': "Aucun utilisateur actif n'est rattaché à toutes vos structures : désignez un gestionnaire principal différent pour chaque structure.",
  'deactivate.none_common_found': 'Aucun utilisateur actif de toutes vos structures ne correspond à cette recherche.',
  'deactivate.error_title': "Votre compte n'a pas été désactivé",
};

export const EN = {
  'title.signup': 'Create an account - Chorus Pro',
  'title.activation': 'User account activation - Chorus Pro',
  'title.reset': 'Forgotten password - Chorus Pro',
  'title.unlock': 'Unlock my login - Chorus Pro',
  'title.reactivation': 'Reactivate my account - Chorus Pro',
  'title.reactivation_form': 'User account activation - Chorus Pro',
  'title.expired': 'Password expired - Chorus Pro',

  'required.note': 'Fields marked with * are required.',
  'link.login': 'Log in',
  'link.back_login': 'Back to the login page',
  'loading.link': 'Checking the link…',

  'login.signup': 'Create an account',
  'login.forgot': 'Forgotten password?',
  'login.reactivate': 'Reactivate my account',
  'login.throttled_title': 'Too many attempts',
  'login.deactivated_title': 'Account deactivated',
  'login.deactivated_done_title': 'Your account is deactivated',
  'login.deactivated_done': 'Your account has been deactivated. You can reactivate it within 60 days with “Reactivate my account”.',

  'lifecycle.rules': 'To be accepted, your password must have at least 12 characters and at least 3 kinds of characters among these 4 groups:',
  'lifecycle.rule_special': 'and special characters (punctuation, accented letters, etc.)',
  'lifecycle.password': 'Password',
  'lifecycle.confirmation': 'Confirmation',
  'lifecycle.login_email': 'Login e-mail address',
  'lifecycle.invalid_link_title': 'Invalid link',
  'lifecycle.missing_link': 'This link is not valid: it is incomplete. Open the link received by e-mail, in full.',
  'lifecycle.done_title': 'Done',
  'lifecycle.sent_title': 'Request sent',

  'signup.h1': 'Create an account',
  'signup.intro': 'Enter your login e-mail address and your identity. An activation e-mail will be sent to you; its link is valid for 60 minutes.',
  'signup.contact_hint': 'By default, the login e-mail address. All notifications will be sent there.',
  'signup.login_hint': 'Expected format: name@domain.com',

  'activation.h1': 'User account activation',
  'activation.intro': 'Choose your password and your secret question to activate your account.',
  'activation.ask_again': 'Create an account again',
  'reactivation.intro': 'Choose a new password, a new secret question and its answer to reactivate your account.',
  'reactivation.too_late_title': 'Reactivation period over',
  'reactivation.ask_again': 'Ask for a new link',

  'reactivation.h1': 'Reactivate my account',
  'reactivation.request_intro': 'Enter your login identifier, then click “Save”: an e-mail with a reactivation link, valid for 24 hours, will be sent to you. Reactivation is possible within 60 days of the deactivation.',

  'reset.h1': 'Forgotten password',
  'reset.request_intro': 'Enter your login identifier, then click “Save”: an e-mail with a link, valid for 30 minutes, will be sent to that address.',
  'reset.intro': 'Answer your secret question and choose a new password.',
  'reset.question': 'Your secret question',
  'reset.ask_again': 'Ask for a new link',

  'unlock.h1': 'Unlock my login',
  'unlock.intro': 'Your login was locked after too many login attempts. Click the button below to unlock it, then log in. If you have forgotten your password, use “Forgotten password?”.',
  'unlock.button': 'Unlock my login',

  'expired.h1': 'Your password has expired',
  'expired.intro': 'To go on, choose a new password.',

  'deactivate.button': 'Deactivate my account',
  'deactivate.title': 'Deactivate my account',
  'deactivate.question': 'Are you sure you want to deactivate your account?',
  'deactivate.reactivation': 'You can reactivate your account within 60 days.',
  'deactivate.unsaved': 'Any unsaved change to your account will be lost.',
  'deactivate.principal': 'You must designate a new principal manager for every structure of which you are the principal manager.',
  'deactivate.after': 'You will no longer have access to the features of Chorus Pro and will no longer receive notification e-mails.',
  'deactivate.designate': 'Designate a new principal manager',
  'deactivate.step2_intro': 'You are the principal manager of the following structures:',
  'deactivate.mode_legend': 'How to designate',
  'deactivate.mode_same': 'Designate the same principal manager for all my structures',
  'deactivate.mode_each': 'Designate a different principal manager for each structure',
  'deactivate.same_group': 'New principal manager of all my structures',
  'deactivate.search_label_same': 'Search for an active user of all your structures',
  'deactivate.none_common': 'No active user is linked to all your structures: designate a different principal manager for each structure.',
  'deactivate.none_common_found': 'No active user of all your structures matches this search.',
  'deactivate.error_title': 'Your account was not deactivated',
};
