// Page shell shared by every page: translations, banner (user name, last login, logout),
// and DSFR alerts built with DOM methods (never innerHTML with data from the API).
import { api, LOGIN_PAGE } from './api.js';
import { applyTranslations, displayName, formatDateTime, onLangChange, t } from './i18n.js';
import { showRejections } from './rejections.js';

let bannerMe = null;

/** Apply the current language to the static page and wire the shared controls. */
export function startPage() {
  applyTranslations(document);
  // Event delegation: DSFR copies the header tools into the mobile menu (as HTML),
  // so listeners bound to the original buttons would be missing on the copies.
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
    if (!target) return;
    if (target.dataset.action === 'logout') {
      event.preventDefault();
      logout(target);
    }
  });
  onLangChange(() => renderBanner(bannerMe));
}

async function logout(button) {
  for (const b of document.querySelectorAll('[data-action="logout"]')) b.disabled = true;
  try {
    await api.post('/api/auth/logout', {}, { on401: 'throw' });
  } catch {
    /* the session is gone either way: back to the login page */
  }
  button.disabled = false;
  window.location.replace(LOGIN_PAGE);
}

// The navigation's « Activité du gestionnaire » is for those who hold that space (hidden until the API says so).
const MANAGER_SPACE = 'Activité du gestionnaire';

/** Fill the banner with « Prénom NOM » and « Dernière connexion le … »; show the manager's tab to its holders. */
export function renderBanner(me) {
  bannerMe = me;
  if (!me) return;
  const name = displayName(me);
  for (const el of document.querySelectorAll('[data-bind="user-name"]')) el.textContent = name;
  for (const el of document.querySelectorAll('[data-bind="user-item"]')) el.hidden = false;
  // An answer that does not list the spaces (null) leaves the tab as it is.
  if (Array.isArray(me.spaces)) {
    // So does someone with requests escalated to it (a secondary manager acting as a user).
    const manager = me.spaces.includes(MANAGER_SPACE) || me.escalated_requests === true;
    for (const el of document.querySelectorAll('[data-bind="manager-item"]')) el.hidden = !manager;
  }
  const last = me.last_login_at
    ? t('header.last_login', { date: formatDateTime(me.last_login_at) })
    : t('header.first_login');
  for (const el of document.querySelectorAll('[data-bind="last-login"]')) {
    el.textContent = last;
    el.hidden = false;
  }
  // Rejected invoices to attest: a notice on every page, the whole page once 7 days have passed.
  showRejections(me);
}

/** Mark the page as rendered (hook for end-to-end tests: main[data-ready="true"]). */
export function markReady() {
  const main = document.querySelector('main');
  if (main) {
    main.dataset.ready = 'true';
    main.removeAttribute('aria-busy');
  }
}

/**
 * Build a DSFR alert.
 * @param {object} o
 * @param {'error'|'success'|'info'|'warning'} o.type
 * @param {string} o.id
 * @param {string} o.title
 * @param {Array<Node|string>} [o.body] paragraphs (strings) or nodes
 * @param {'alert'|'status'} [o.role]
 */
export function buildAlert({ type, id, title, body = [], role = 'alert' }) {
  const alert = document.createElement('div');
  alert.className = `fr-alert fr-alert--${type} fr-mb-4w`;
  alert.id = id;
  alert.setAttribute('role', role);
  alert.tabIndex = -1;
  const heading = document.createElement('h2');
  heading.className = 'fr-alert__title';
  heading.id = `${id}-title`;
  heading.textContent = title;
  alert.append(heading);
  for (const part of body) {
    if (typeof part === 'string') {
      const p = document.createElement('p');
      p.textContent = part;
      alert.append(p);
    } else if (part) {
      alert.append(part);
    }
  }
  return alert;
}

/** Replace the content of a feedback container with one alert, optionally focusing it. */
export function showAlert(container, options, { focus = false } = {}) {
  const alert = buildAlert(options);
  container.replaceChildren(alert);
  if (focus) alert.focus();
  return alert;
}
