// « Connexion »: POST /api/auth/login, then the connected home page. Around it (docs/API.md « Account lifecycle »):
// - 429 too_many_attempts: the server's message says how many minutes to wait
// - 403 account_deactivated (right password, deactivated account): only « Réactiver mon compte » is offered
// - 200 with password_expired: the session is open for the password change only -> mot-de-passe-expire.html
// - ?desactive=1: arriving after « Désactiver mon compte », the account can be reactivated within 60 days
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
    if (me && me.language) setLang(me.language);
    window.location.assign(me && me.password_expired ? PASSWORD_EXPIRED_PAGE : HOME_PAGE);
  } catch (error) {
    fail(error);
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
