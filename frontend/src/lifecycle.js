// Shared by the pages that open an account without a session (docs/API.md « Account lifecycle »): sign-up,
// activation, forgotten password, unlock, reactivation, and the expired password's change.
// - the one-time token comes from the fragment `#jeton=…` (never sent to a server by the browser) and goes in the
//   JSON body of the calls
// - the language switch of the login header (these pages have no account to read the language from)
// - DSFR alerts with links (« Se connecter », « Demander un nouveau lien »)
// - the « Complexité du mot de passe » meter of « Mon Compte », on the ids of partials/password-strength.html
import { getLang, setLang, t } from './i18n.js';
import { buildAlert, startPage } from './layout.js';
import { createStrengthMeter } from './strength-meter.js';
import { $, el } from './ui.js';

/** The token of a one-time link (`#jeton=…`), or '' when the page was opened without one. */
export function readToken() {
  const hash = window.location.hash.replace(/^#/, '');
  return (new URLSearchParams(hash).get('jeton') || '').trim();
}

/**
 * Start a page outside the session: translations, the language switch (labelled in the other language), and a
 * reload when another link is pasted into the same tab (only the fragment changes, the page would not notice).
 * onLangSwitch runs after a switch (to re-render what JavaScript wrote).
 */
export function startPublicPage({ onLangSwitch } = {}) {
  startPage();
  const label = () => {
    const other = getLang() === 'fr' ? 'en' : 'fr';
    for (const node of document.querySelectorAll('[data-action="switch-lang"]')) node.lang = other;
  };
  label();
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-action="switch-lang"]') : null;
    if (!target) return;
    setLang(getLang() === 'fr' ? 'en' : 'fr');
    label();
    if (onLangSwitch) onLangSwitch();
  });
  window.addEventListener('hashchange', () => window.location.reload());
}

/** A link styled as a DSFR button, for the end of an alert. */
export function alertLink({ href, text, id, secondary = false }) {
  return el('p', { className: 'fr-mt-2w fr-mb-0' },
    el('a', { className: `fr-btn${secondary ? ' fr-btn--secondary' : ''}`, href, id }, text));
}

/** Replace a container's content with an alert (messages from the API go through textContent). */
export function showMessage(container, { type, id, title, message, links = [], role, focus = true }) {
  const alert = buildAlert({
    type, id, title, role: role || (type === 'error' || type === 'warning' ? 'alert' : 'status'),
    body: [message, ...links.map((link) => alertLink(link))],
  });
  container.replaceChildren(alert);
  if (focus) alert.focus();
  return alert;
}

/** « Complexité du mot de passe » on the page's password field (the ids of partials/password-strength.html). */
export function passwordMeter(input, userInputs = () => []) {
  return createStrengthMeter({
    input,
    value: $('password-strength-value'),
    bar: $('password-strength-bar'),
    warning: $('password-strength-warning'),
    userInputs: () => [...userInputs(), 'chorus', 'chorus pro', 'choruspro'],
    policy: () => ({ min: 12, max: 128 }),
  });
}

/** Put the « Afficher » boxes of the DSFR password fields back to hidden (after a success). */
export function hidePasswords(root = document) {
  for (const box of root.querySelectorAll('.fr-password__checkbox input[type=checkbox]')) {
    if (box.checked) box.click();
  }
}

export const loginLink = (id = 'login-link') => ({ href: '/', text: t('link.login'), id });
