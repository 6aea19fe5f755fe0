// The only way the pages talk to the JSON API (docs/API.md).
// - same-origin cookie session (the page never reads the cookie)
// - Accept-Language follows the interface language, so server messages match it
// - state-changing requests: JSON object body + X-Requested-With: fetch (CSRF guard)
// - errors normalised to ApiError {status, code, message, fields}
// - a 401 sends the browser to the login page (unless the caller handles it)
// - a 403 `password_expired` (the session is open but the password must be changed first) sends it to
//   mot-de-passe-expire.html, wherever it comes from
import { getLang, t } from './i18n.js';

export const LOGIN_PAGE = '/';
export const HOME_PAGE = '/accueil.html';
export const PASSWORD_EXPIRED_PAGE = '/mot-de-passe-expire.html';

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields && typeof fields === 'object' ? fields : {};
  }
}

/** Go to the login page; returns a promise that never settles so callers stop there. */
export function goToLogin() {
  window.location.replace(LOGIN_PAGE);
  return new Promise(() => {});
}

/**
 * @param {string} method GET, POST, PUT, PATCH, DELETE
 * @param {string} path   e.g. '/api/account'
 * @param {object} [body] JSON object (defaults to {} on state-changing requests)
 * @param {{on401?: 'redirect'|'throw'}} [options]
 */
export async function request(method, path, body, { on401 = 'redirect' } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (!['GET', 'HEAD'].includes(method)) {
    headers['Content-Type'] = 'application/json';
    headers['X-Requested-With'] = 'fetch';
    init.body = JSON.stringify(body ?? {});
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network_error', t('error.network'));
  }

  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;

  if (response.status === 401 && on401 === 'redirect') return goToLogin();
  const fallback = response.status === 503 ? t('error.unavailable') : t('error.generic');
  const message = data && typeof data.message === 'string' && data.message ? data.message : fallback;
  const code = (data && data.code) || `http_${response.status}`;
  if (response.status === 403 && code === 'password_expired' && window.location.pathname !== PASSWORD_EXPIRED_PAGE) {
    window.location.replace(PASSWORD_EXPIRED_PAGE);
    return new Promise(() => {});
  }
  throw new ApiError(response.status, code, message, data && data.fields);
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body, options),
  put: (path, body, options) => request('PUT', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  delete: (path, body, options) => request('DELETE', path, body, options),
};
