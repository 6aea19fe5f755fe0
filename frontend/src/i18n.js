// Every string shown on screen, in French and English, and the language switch.
// Static HTML carries the French text plus a data-i18n key; applyTranslations() rewrites it.
//   data-i18n="key"                   -> textContent
//   data-i18n-attr="attr:key;attr:key" -> attributes (aria-label, title, ...)
import * as attachments from './messages/attachments.js';
import * as core from './messages/core.js';
import * as events from './messages/events.js';
import * as invoices from './messages/invoices.js';
import * as lifecycle from './messages/lifecycle.js';
import * as privacy from './messages/privacy.js';
import * as security from './messages/security.js';
import * as structureAdmin from './messages/structure-admin.js';
import * as structures from './messages/structures.js';
import * as subscriptions from './messages/subscriptions.js';

const STORAGE_KEY = 'mc.lang';
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };
const TIME_ZONE = 'Europe/Paris';

// The dictionaries of messages/: the pages inside the session, then guide §4's pages (structures, rattachements,
// « Activité du gestionnaire »), guide §5's (abonnements aux espaces), then the account lifecycle pages (guide §7, §8,
// sign-up, activation, forgotten password, unlock, expired password), then the administration of a structure by its
// managers, then guide §6's (pièces jointes), then « Sécurité et confidentialité » (its page, then the address change
// and data export of « Mon Compte »), then the events' pages (issue 11), last the rejected invoices' notice (issue 12);
// a later dictionary wins on a key they share.
const DICTIONARIES = [core, structures, subscriptions, lifecycle, structureAdmin, attachments, security, privacy, events,
  invoices];
const MESSAGES = {
  fr: Object.assign({}, ...DICTIONARIES.map((d) => d.FR)),
  en: Object.assign({}, ...DICTIONARIES.map((d) => d.EN)),
};
const { SPACES_EN } = core;

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
