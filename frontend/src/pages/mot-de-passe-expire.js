// mot-de-passe-expire.html — the session is open but the password has expired: every route answers 403
// password_expired (api.js sends the browser here) except GET /api/me, POST /api/auth/password and the logout.
// « Mot de passe actuel », « Nouveau mot de passe », « Confirmer le nouveau mot de passe » -> POST /api/auth/password,
// 204 -> the connected home page.
import { api, ApiError, HOME_PAGE } from '../api.js';
import { createFormErrors, showApiError } from '../forms.js';
import { setLang, t } from '../i18n.js';
import { markReady } from '../layout.js';
import { passwordMeter, setBusy, showMessage, startPublicPage } from '../lifecycle.js';
import { $ } from '../ui.js';

const FIELDS = [
  ['current', 'expired-current', 'field.password.current'],
  ['new', 'expired-new', 'field.password.new'],
  ['confirmation', 'expired-confirmation', 'field.password.confirmation'],
];

const form = $('expired-form');
const feedback = $('expired-feedback');
const errors = createFormErrors({ feedback, fields: () => FIELDS });
let me = null;
const meter = passwordMeter($('expired-new'), () => (me ? [me.first_name, me.last_name] : []));

startPublicPage({ onLangSwitch: () => meter.refresh() });

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (form.getAttribute('aria-busy') === 'true') return;
  errors.clear();
  feedback.replaceChildren();
  setBusy(form, true);
  try {
    await api.post('/api/auth/password', {
      current: $('expired-current').value,
      new: $('expired-new').value,
      confirmation: $('expired-confirmation').value,
    });
    window.location.assign(HOME_PAGE);
    return;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 422 || error.status === 400) && Object.keys(error.fields).length) {
      errors.show(error);
    } else if (error instanceof ApiError && error.code === 'too_many_attempts') {
      showMessage(feedback, { type: 'error', id: 'expired-throttled', title: t('login.throttled_title'), message: error.message });
    } else {
      showApiError(feedback, error);
    }
  }
  setBusy(form, false);
});

(async () => {
  try {
    me = await api.get('/api/me'); // 401: back to the login page
    if (me.language) setLang(me.language);
    form.hidden = false;
  } catch (error) {
    showApiError(feedback, error, { focus: false });
  }
  markReady();
})();
