// « Connexion »: POST /api/auth/login, then the connected home page.
import { api, ApiError, HOME_PAGE } from '../api.js';
import { getLang, setLang, t } from '../i18n.js';
import { markReady, showAlert, startPage } from '../layout.js';

startPage();

const form = document.getElementById('login-form');
const loginInput = document.getElementById('login');
const passwordInput = document.getElementById('password');
const submit = document.getElementById('login-submit');
const feedback = document.getElementById('login-feedback');

// The language switch is labelled in the other language ("English" on the French page).
function labelLangSwitch() {
  const other = getLang() === 'fr' ? 'en' : 'fr';
  for (const el of document.querySelectorAll('[data-action="switch-lang"]')) el.lang = other;
}
labelLangSwitch();
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-action="switch-lang"]') : null;
  if (!target) return;
  setLang(getLang() === 'fr' ? 'en' : 'fr');
  labelLangSwitch();
  feedback.replaceChildren();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  feedback.replaceChildren();
  submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    const me = await api.post(
      '/api/auth/login',
      { login: loginInput.value.trim(), password: passwordInput.value },
      { on401: 'throw' },
    );
    if (me && me.language) setLang(me.language);
    window.location.assign(HOME_PAGE);
  } catch (error) {
    const message = error instanceof ApiError ? error.message : t('error.generic');
    passwordInput.value = '';
    submit.disabled = false;
    form.removeAttribute('aria-busy');
    showAlert(feedback, { type: 'error', id: 'login-error', title: t('login.error_title'), body: [message] }, { focus: true });
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
