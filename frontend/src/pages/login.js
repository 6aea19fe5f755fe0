// « Connexion »: POST /api/auth/login, then the connected home page. Around it (docs/API.md « Account lifecycle »):
// - 429 too_many_attempts: the server's message says how many minutes to wait
// - 403 account_deactivated (right password, deactivated account): only « Réactiver mon compte » is offered
// - 200 with password_expired: the session is open for the password change only -> mot-de-passe-expire.html
// - ?desactive=1: arriving after « Désactiver mon compte », the account can be reactivated within 60 days
// - 202 second_factor_required (a second factor is on): no session yet; the code form asks the code (or a recovery
//   code) and sends it with the challenge to POST /api/auth/login/second-factor; 401 second_factor_expired: start again
// Links: « Mot de passe oublié ? », « Créer un compte », « Réactiver mon compte ».
import { api, ApiError, HOME_PAGE, PASSWORD_EXPIRED_PAGE } from '../api.js';
import { setLang, t } from '../i18n.js';
import { buildAlert, markReady, showAlert } from '../layout.js';
import { alertLink, startPublicPage } from '../lifecycle.js';
import { rememberLogin } from '../login-request.js';

const form = document.getElementById('login-form');
const loginInput = document.getElementById('login');
const passwordInput = document.getElementById('password');
const submit = document.getElementById('login-submit');
const feedback = document.getElementById('login-feedback');
const flash = document.getElementById('login-flash');
const deactivatedNow = new URLSearchParams(window.location.search).get('desactive') === '1';

/** The general links (forgotten password, sign-up, reactivation) are hidden while only the reactivation applies. */
function showGeneralLinks(visible) {
  for (const node of document.querySelectorAll('[data-login-link]')) node.hidden = !visible;
}

function renderFlash() {
  if (!deactivatedNow) return;
  flash.replaceChildren(buildAlert({
    type: 'info', id: 'deactivated-alert', role: 'status', title: t('login.deactivated_done_title'),
    body: [t('login.deactivated_done')],
  }));
}

startPublicPage({
  onLangSwitch: () => {
    feedback.replaceChildren();
    showGeneralLinks(true);
    renderFlash();
  },
});
renderFlash();

function fail(error) {
  passwordInput.value = '';
  submit.disabled = false;
  form.removeAttribute('aria-busy');
  const message = error instanceof ApiError ? error.message : t('error.generic');
  if (error instanceof ApiError && error.code === 'account_deactivated') {
    rememberLogin(loginInput.value.trim());
    showGeneralLinks(false);
    showAlert(feedback, {
      type: 'warning', id: 'login-deactivated', title: t('login.deactivated_title'),
      body: [message, alertLink({ href: 'reactivation.html', text: t('login.reactivate'), id: 'login-reactivate-link' })],
    }, { focus: true });
    return;
  }
  const throttled = error instanceof ApiError && error.code === 'too_many_attempts';
  showAlert(feedback, {
    type: 'error', id: throttled ? 'login-throttled' : 'login-error',
    title: throttled ? t('login.throttled_title') : t('login.error_title'), body: [message],
  }, { focus: true });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  feedback.replaceChildren();
  showGeneralLinks(true);
  submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    const me = await api.post(
      '/api/auth/login',
      { login: loginInput.value.trim(), password: passwordInput.value },
      { on401: 'throw' },
    );
    if (me && me.second_factor_required) {
      askCode(me.challenge);
      return;
    }
    enter(me);
  } catch (error) {
    fail(error);
  }
});

function enter(me) {
  if (me && me.language) setLang(me.language);
  window.location.assign(me && me.password_expired ? PASSWORD_EXPIRED_PAGE : HOME_PAGE);
}

// --- Second step: the code of the second factor --------------------------------------------------------------------
const codeForm = document.getElementById('code-form');
const codeInput = document.getElementById('login-code');
const codeSubmit = document.getElementById('code-submit');
const codeFeedback = document.getElementById('code-feedback');
let challenge = null; // kept in memory only, for 5 minutes at most on the server

function askCode(value) {
  challenge = value;
  passwordInput.value = '';
  form.hidden = true;
  showGeneralLinks(false);
  codeForm.hidden = false;
  codeInput.value = '';
  codeFeedback.replaceChildren();
  document.getElementById('code-title').focus();
}

function backToPassword(message) {
  challenge = null;
  codeForm.hidden = true;
  form.hidden = false;
  submit.disabled = false;
  form.removeAttribute('aria-busy');
  showGeneralLinks(true);
  if (message) {
    showAlert(feedback, { type: 'error', id: 'code-expired', title: t('login.error_title'), body: [message] }, { focus: true });
  } else {
    loginInput.focus();
  }
}

document.getElementById('code-back').addEventListener('click', () => backToPassword());

codeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (codeSubmit.disabled) return;
  codeFeedback.replaceChildren();
  codeSubmit.disabled = true;
  codeForm.setAttribute('aria-busy', 'true');
  try {
    const me = await api.post('/api/auth/login/second-factor', { challenge, code: codeInput.value.trim() },
      { on401: 'throw' });
    enter(me);
  } catch (error) {
    codeSubmit.disabled = false;
    codeForm.removeAttribute('aria-busy');
    codeInput.value = '';
    const message = error instanceof ApiError ? error.message : t('error.generic');
    if (error instanceof ApiError && error.status === 401) {
      backToPassword(message);
      return;
    }
    showAlert(codeFeedback, {
      type: 'error', id: 'code-error', title: t('login.error_title'), body: [message],
    }, { focus: true });
  }
});

// Already signed in: straight to the connected home page.
(async () => {
  try {
    await api.get('/api/me', { on401: 'throw' });
    window.location.replace(HOME_PAGE);
    return;
  } catch {
    /* no session: stay here */
  }
  markReady();
})();
