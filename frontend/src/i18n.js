// Every string shown on screen, in French and English, and the language switch.
// Static HTML carries the French text plus a data-i18n key; applyTranslations() rewrites it.
//   data-i18n="key"                   -> textContent
//   data-i18n-attr="attr:key;attr:key" -> attributes (aria-label, title, ...)
import { EN as LIFECYCLE_EN, FR as LIFECYCLE_FR } from './messages-lifecycle.js';
import { EN as STRUCTURES_EN, FR as STRUCTURES_FR } from './messages-structures.js';

const STORAGE_KEY = 'mc.lang';
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };
const TIME_ZONE = 'Europe/Paris';

const MESSAGES = {
  fr: {
    'site.name': 'Chorus Pro',
    'site.home_title': 'Accueil - Chorus Pro',
    'site.tagline': 'Portail de la facturation électronique',
    'skip.content': 'Accéder au contenu',
    'skip.menu': 'Accéder au menu',
    'skip.footer': 'Accéder au pied de page',
    'skiplinks.label': 'Accès rapide',
    'header.menu': 'Menu',
    'header.close': 'Fermer',
    'header.nav_label': 'Menu principal',
    'header.last_login': 'Dernière connexion le {date}',
    'header.first_login': 'Première connexion',
    'header.logout': 'Déconnexion',
    'header.switch_lang': 'English',
    'header.switch_lang_title': 'Display the site in English',
    'nav.home': 'Accueil connecté',
    'nav.account': 'Mon Compte',
    'footer.desc': "Chorus Pro est le portail de facturation électronique de l'État pour les fournisseurs du secteur public.",
    'footer.title_info': 'info.gouv.fr - nouvelle fenêtre',
    'footer.title_sp': 'service-public.fr - nouvelle fenêtre',
    'footer.title_legifrance': 'legifrance.gouv.fr - nouvelle fenêtre',
    'footer.title_data': 'data.gouv.fr - nouvelle fenêtre',
    'footer.brand_title': "Retour à l'accueil - Chorus Pro",
    'footer.licence': 'Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés sous',
    'footer.licence_link': 'licence etalab-2.0',
    'footer.licence_title': 'Licence etalab - nouvelle fenêtre',

    'title.login': 'Connexion - Chorus Pro',
    'title.home': 'Accueil connecté - Chorus Pro',
    'title.account': 'Mon Compte - Chorus Pro',

    'login.h1': 'Connexion à Chorus Pro',
    'login.legend': 'Se connecter avec son compte',
    'login.login': 'Identifiant de connexion',
    'login.login_hint': 'Format attendu : nom@domaine.fr',
    'login.password': 'Mot de passe',
    'login.show': 'Afficher',
    'login.show_label': 'Afficher le mot de passe',
    'login.submit': 'Se connecter',
    'login.error_title': 'Connexion impossible',

    'home.h1': 'Accueil connecté',
    'home.welcome': 'Bienvenue {name}.',
    'home.intro': 'Consultez et modifiez vos informations personnelles, vos paramètres, votre mot de passe, et retrouvez vos rattachements aux structures, vos abonnements aux espaces et vos pièces jointes dans « Mon Compte ».',

    'account.h1': 'Mon Compte',
    'account.required': "Les champs marqués d'un * sont obligatoires.",
    'account.loading': 'Chargement de votre compte…',
    'account.personal': 'Mes informations personnelles',
    'account.general': 'Informations générales',
    'account.postal': 'Adresse postale',
    'account.settings': 'Mes paramètres',
    'account.password': 'Gestion du mot de passe',
    'account.secret': 'Question secrète',

    'field.login': 'Identifiant de connexion',
    'field.contact_email': 'Adresse électronique de contact',
    'hint.contact_email': 'Votre adresse de contact sera utilisée pour toutes les notifications.',
    'field.last_name': 'Nom',
    'field.first_name': 'Prénom',
    'field.address.line1': 'Adresse',
    'field.address.line2': 'Complément adresse 1',
    'field.address.line3': 'Complément adresse 2',
    'field.address.postal_code': 'Code postal',
    'field.address.city': 'Ville',
    'field.address.country': 'Pays',
    'field.phone': 'Téléphone',
    'field.fax': 'Fax',
    'hint.phone': 'Format international, par exemple +33 1 23 45 67 89',
    'field.created_at': 'Date de création',
    'field.reactivated_at': 'Date de réactivation',
    'field.deactivated_at': 'Date de désactivation',
    'field.updated_at': 'Date de modification',
    'field.status': 'Etat du compte',
    'field.language': 'Langue',
    'field.notifications': 'Recevoir des notifications',
    'hint.notifications': 'Un message quotidien sur les nouveaux événements et le cycle de vie de vos factures, et un récapitulatif hebdomadaire, envoyés à votre adresse de contact.',
    'field.password.current': 'Mot de passe actuel',
    'field.password.new': 'Nouveau mot de passe',
    'field.password.confirmation': 'Confirmer le nouveau mot de passe',
    'field.secret_question.question': 'Question secrète',
    'field.secret_question.answer': 'Réponse',
    'hint.secret_answer': 'À remplir uniquement pour changer la question ou sa réponse. Si vous changez la question, la réponse est obligatoire.',
    'field.version': 'Version du compte',
    'lang.FR': 'Français',
    'lang.EN': 'English',
    'password.show': 'Afficher',
    'password.show_label': 'Afficher le mot de passe',
    'password.intro': 'Remplissez ces trois champs uniquement pour changer de mot de passe.',
    'password.rules': 'Pour être accepté, votre mot de passe doit comporter au minimum {min} caractères (au maximum {max}) et au moins 3 types de caractères parmi les 4 groupes suivants :',
    'password.rule_upper': 'des majuscules,',
    'password.rule_lower': 'des minuscules,',
    'password.rule_digit': 'des chiffres,',
    'password.rule_special': 'et des caractères spéciaux (ponctuation, accents, etc.).',
    'password.rule_common': 'Il ne doit pas être un mot de passe courant.',
    'password.strength': 'Complexité du mot de passe',
    'punct.colon': ' : ',
    'strength.0': 'Insuffisante',
    'strength.1': 'Faible',
    'strength.2': 'Moyenne',
    'strength.3': 'Forte',
    'strength.4': 'Très forte',
    'password.expires_in': 'Votre mot de passe expire dans {n} jours',
    'password.expires_in_one': 'Votre mot de passe expire dans 1 jour',
    'password.expires_today': "Votre mot de passe expire aujourd'hui",
    'password.expired': 'Votre mot de passe a expiré',

    'button.cancel': 'Annuler',
    'button.submit': 'Valider',
    'button.reload': 'Recharger les valeurs enregistrées',

    'alert.saved_title': 'Modifications enregistrées',
    'alert.saved': 'Vos informations ont été enregistrées.',
    'alert.errors_title': 'Le formulaire contient des erreurs',
    'alert.errors_intro_one': '1 champ est à corriger :',
    'alert.errors_intro': '{n} champs sont à corriger :',
    'alert.conflict_title': 'Votre compte a été modifié entre-temps',
    'alert.field_message': '{label} : {message}',
    'alert.error_title': 'Une erreur est survenue',
    'error.network': 'Le service est momentanément indisponible. Vérifiez votre connexion et réessayez.',
    'error.generic': 'Une erreur inattendue est survenue. Réessayez plus tard.',
    'error.load': 'Impossible de charger votre compte.',

    'table.memberships': 'Mes rattachements aux structures',
    'table.subscriptions': 'Mes abonnements aux espaces',
    'table.attachments': 'Pièces jointes',
    'col.structure_identifier': 'Identifiant Structure',
    'col.structure_identifier_lc': 'Identifiant structure',
    'col.designation': 'Désignation',
    'col.role': 'Rôle',
    'col.status': 'Statut',
    'col.service': 'Service',
    'col.space': "Nom de l'espace",
    'col.habilitation': 'Habilitation',
    'col.type': 'Type',
    'col.extension': 'Extension',
    'col.file_name': 'Nom du fichier',
    'empty.memberships': "Vous n'êtes rattaché à aucune structure.",
    'empty.subscriptions': "Vous n'avez aucun abonnement à un espace.",
    'empty.attachments': 'Aucune pièce jointe.',
  },
  en: {
    'site.name': 'Chorus Pro',
    'site.home_title': 'Home - Chorus Pro',
    'site.tagline': 'E-invoicing portal',
    'skip.content': 'Skip to content',
    'skip.menu': 'Skip to menu',
    'skip.footer': 'Skip to footer',
    'skiplinks.label': 'Quick access',
    'header.menu': 'Menu',
    'header.close': 'Close',
    'header.nav_label': 'Main menu',
    'header.last_login': 'Last login on {date}',
    'header.first_login': 'First login',
    'header.logout': 'Log out',
    'header.switch_lang': 'Français',
    'header.switch_lang_title': 'Afficher le site en français',
    'nav.home': 'Connected home',
    'nav.account': 'My Account',
    'footer.desc': "Chorus Pro is the French State's e-invoicing portal for suppliers of the public sector.",
    'footer.title_info': 'info.gouv.fr - new window',
    'footer.title_sp': 'service-public.fr - new window',
    'footer.title_legifrance': 'legifrance.gouv.fr - new window',
    'footer.title_data': 'data.gouv.fr - new window',
    'footer.brand_title': 'Back to home - Chorus Pro',
    'footer.licence': 'Unless otherwise stated for third-party intellectual property, the contents of this site are available under the',
    'footer.licence_link': 'etalab-2.0 licence',
    'footer.licence_title': 'Etalab licence - new window',

    'title.login': 'Log in - Chorus Pro',
    'title.home': 'Connected home - Chorus Pro',
    'title.account': 'My Account - Chorus Pro',

    'login.h1': 'Log in to Chorus Pro',
    'login.legend': 'Log in with your account',
    'login.login': 'Login identifier',
    'login.login_hint': 'Expected format: name@domain.com',
    'login.password': 'Password',
    'login.show': 'Show',
    'login.show_label': 'Show password',
    'login.submit': 'Log in',
    'login.error_title': 'Unable to log in',

    'home.h1': 'Connected home',
    'home.welcome': 'Welcome {name}.',
    'home.intro': 'View and change your personal information, your settings and your password, and find your links to structures, your subscriptions to spaces and your attachments in “My Account”.',

    'account.h1': 'My Account',
    'account.required': 'Fields marked with * are required.',
    'account.loading': 'Loading your account…',
    'account.personal': 'My personal information',
    'account.general': 'General information',
    'account.postal': 'Postal address',
    'account.settings': 'My settings',
    'account.password': 'Password management',
    'account.secret': 'Secret question',

    'field.login': 'Login identifier',
    'field.contact_email': 'Contact e-mail address',
    'hint.contact_email': 'Your contact address will be used for all notifications.',
    'field.last_name': 'Last name',
    'field.first_name': 'First name',
    'field.address.line1': 'Address',
    'field.address.line2': 'Address line 2',
    'field.address.line3': 'Address line 3',
    'field.address.postal_code': 'Postal code',
    'field.address.city': 'City',
    'field.address.country': 'Country',
    'field.phone': 'Phone',
    'field.fax': 'Fax',
    'hint.phone': 'International format, for example +33 1 23 45 67 89',
    'field.created_at': 'Creation date',
    'field.reactivated_at': 'Reactivation date',
    'field.deactivated_at': 'Deactivation date',
    'field.updated_at': 'Last modified',
    'field.status': 'Account status',
    'field.language': 'Language',
    'field.notifications': 'Receive notifications',
    'hint.notifications': 'A daily message about new events and the lifecycle of your invoices, and a weekly summary, sent to your contact address.',
    'field.password.current': 'Current password',
    'field.password.new': 'New password',
    'field.password.confirmation': 'Confirm the new password',
    'field.secret_question.question': 'Secret question',
    'field.secret_question.answer': 'Answer',
    'hint.secret_answer': 'Fill it in only to change the question or its answer. If you change the question, the answer is required.',
    'field.version': 'Account version',
    'lang.FR': 'Français',
    'lang.EN': 'English',
    'password.show': 'Show',
    'password.show_label': 'Show password',
    'password.intro': 'Fill in these three fields only to change your password.',
    'password.rules': 'To be accepted, your password must have at least {min} characters (at most {max}) and at least 3 kinds of characters among these 4 groups:',
    'password.rule_upper': 'upper case letters,',
    'password.rule_lower': 'lower case letters,',
    'password.rule_digit': 'digits,',
    'password.rule_special': 'and special characters (punctuation, accented letters, etc.).',
    'password.rule_common': 'It must not be a common password.',
    'password.strength': 'Password strength',
    'punct.colon': ': ',
    'strength.0': 'Insufficient',
    'strength.1': 'Weak',
    'strength.2': 'Medium',
    'strength.3': 'Strong',
    'strength.4': 'Very strong',
    'password.expires_in': 'Your password expires in {n} days',
    'password.expires_in_one': 'Your password expires in 1 day',
    'password.expires_today': 'Your password expires today',
    'password.expired': 'Your password has expired',

    'button.cancel': 'Cancel',
    'button.submit': 'Save',
    'button.reload': 'Reload the saved values',

    'alert.saved_title': 'Changes saved',
    'alert.saved': 'Your information has been saved.',
    'alert.errors_title': 'The form contains errors',
    'alert.errors_intro_one': '1 field needs correcting:',
    'alert.errors_intro': '{n} fields need correcting:',
    'alert.conflict_title': 'Your account was changed meanwhile',
    'alert.field_message': '{label}: {message}',
    'alert.error_title': 'An error occurred',
    'error.network': 'The service is temporarily unavailable. Check your connection and try again.',
    'error.generic': 'An unexpected error occurred. Please try again later.',
    'error.load': 'Your account could not be loaded.',

    'table.memberships': 'My links to structures',
    'table.subscriptions': 'My subscriptions to spaces',
    'table.attachments': 'Attachments',
    'col.structure_identifier': 'Structure identifier',
    'col.structure_identifier_lc': 'Structure identifier',
    'col.designation': 'Name',
    'col.role': 'Role',
    'col.status': 'Status',
    'col.service': 'Service',
    'col.space': 'Space name',
    'col.habilitation': 'Authorisation',
    'col.type': 'Type',
    'col.extension': 'Extension',
    'col.file_name': 'File name',
    'empty.memberships': 'You are not linked to any structure.',
    'empty.subscriptions': 'You have no subscription to a space.',
    'empty.attachments': 'No attachment.',
  },
};

// Guide §4 pages (structures, rattachements, « Activité du gestionnaire »).
Object.assign(MESSAGES.fr, STRUCTURES_FR);
Object.assign(MESSAGES.en, STRUCTURES_EN);
// Account lifecycle pages (guide §7, §8, sign-up, activation, forgotten password, unlock, expired password).
Object.assign(MESSAGES.fr, LIFECYCLE_FR);
Object.assign(MESSAGES.en, LIFECYCLE_EN);

// Space names come from the API as their French screen labels.
const SPACES_EN = {
  'Accueil connecté': 'Connected home',
  'Activité du gestionnaire': 'Manager activity',
  'Factures émises': 'Issued invoices',
  'Factures reçues': 'Received invoices',
  'Sollicitations émises': 'Issued requests',
  'Sollicitations reçues': 'Received requests',
  'Mon Compte': 'My Account',
};

const normalize = (lang) => (String(lang || '').toLowerCase() === 'en' ? 'en' : 'fr');

function storedLang() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current = normalize(storedLang());
const listeners = new Set();

/** The interface language: 'fr' or 'en'. */
export const getLang = () => current;
/** The API's form of the language: 'FR' or 'EN'. */
export const getApiLang = () => current.toUpperCase();
export const getLocale = () => LOCALES[current];

/** Translate a key, replacing {name} placeholders. Unknown keys come back as the key. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export const hasKey = (key) => key in MESSAGES.fr;

/** Rewrite every [data-i18n] / [data-i18n-attr] under root in the current language. */
export function applyTranslations(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** Switch the whole interface language at once ('fr'/'en' or 'FR'/'EN'). */
export function setLang(lang) {
  const next = normalize(lang);
  const changed = next !== current;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the language is simply not remembered */
  }
  document.documentElement.lang = next;
  applyTranslations(document);
  if (changed) for (const fn of listeners) fn(next);
  return changed;
}

/** Call fn(lang) after each language switch (to re-render dynamic content). */
export const onLangChange = (fn) => listeners.add(fn);

const parse = (iso) => {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** "5 avril 2026 15:33:28" / "5 April 2026 15:33:28", in Europe/Paris. */
export function formatDateTime(iso) {
  const d = parse(iso);
  if (!d) return '';
  const date = new Intl.DateTimeFormat(getLocale(), {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE,
  }).format(d);
  const time = new Intl.DateTimeFormat(getLocale(), {
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE,
  }).format(d);
  return `${date} ${time}`;
}

/** "27/11/2026 10:46" in Europe/Paris (read-only date fields). */
export function formatShortDateTime(iso) {
  const d = parse(iso);
  if (!d) return '';
  return new Intl.DateTimeFormat(getLocale(), {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZone: TIME_ZONE,
  }).format(d);
}

/** Country name of an ISO 3166 alpha-2 code in the interface language. */
export function countryName(code) {
  try {
    return new Intl.DisplayNames([getLocale()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}

/** "Paul DUPONT": first name, then last name in capitals. */
export function displayName(me) {
  if (!me) return '';
  const first = (me.first_name || '').trim();
  const last = (me.last_name || '').trim().toLocaleUpperCase(getLocale());
  return [first, last].filter(Boolean).join(' ');
}

export const spaceLabel = (space) => (current === 'en' && SPACES_EN[space]) || space || '';

// Set <html lang> as soon as the module runs (before any API answer).
document.documentElement.lang = current;
