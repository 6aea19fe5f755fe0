// mot-de-passe-expire.html — the session is open but the password has expired: every route answers 403
// password_expired (api.js sends the browser here) except GET /api/me, POST /api/auth/password and the logout.
// « Mot de passe actuel », « Nouveau mot de passe », « Confirmer le nouveau mot de passe » -> POST /api/auth/password,
// 204 -> the connected home page.
import { api, ApiError, HOME_PAGE } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { setLang, t } from '../i18n.js';
import { markReady } from '../layout.js';
import { passwordMeter, showMessage, startPublicPage } from '../lifecycle.js';
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

handleSubmit(form, {
  errors,
  feedback,
  statuses: [422, 400],
  send: () => api.post('/api/auth/password', {
    current: $('expired-current').value,
    new: $('expired-new').value,
    confirmation: $('expired-confirmation').value,
  }),
  leaves: true,
  onSuccess: () => window.location.assign(HOME_PAGE),
  onError: (error) => {
    if (!(error instanceof ApiError && error.code === 'too_many_attempts')) return false;
    showMessage(feedback, { type: 'error', id: 'expired-throttled', title: t('login.throttled_title'), message: error.message });
    return true;
  },
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
