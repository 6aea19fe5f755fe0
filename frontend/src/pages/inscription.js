// « Créer un compte »: POST /api/auth/signup. The answer is the same 202 message whatever the address (what differs
// goes by mail); a 422 puts each message next to its field.
import { api } from '../api.js';
import { createFormErrors, handleSubmit } from '../forms.js';
import { getApiLang, t } from '../i18n.js';
import { markReady } from '../layout.js';
import { showMessage, startPublicPage } from '../lifecycle.js';
import { $ } from '../ui.js';

const form = $('signup-form');
const feedback = $('signup-feedback');

const FIELDS = [
  ['login', 'signup-login', 'lifecycle.login_email'],
  ['last_name', 'signup-last-name', 'field.last_name'],
  ['first_name', 'signup-first-name', 'field.first_name'],
  ['contact_email', 'signup-contact-email', 'field.contact_email'],
  ['phone', 'signup-phone', 'field.phone'],
];
const errors = createFormErrors({ feedback, fields: () => FIELDS });

startPublicPage({ onLangSwitch: () => errors.clear() });

const value = (id) => $(id).value.trim();

handleSubmit(form, {
  errors,
  feedback,
  send: () => api.post('/api/auth/signup', {
    login: value('signup-login'),
    last_name: value('signup-last-name'),
    first_name: value('signup-first-name'),
    contact_email: value('signup-contact-email') || null,
    phone: value('signup-phone') || null,
    language: getApiLang(),
  }, { on401: 'throw' }),
  onSuccess: (answer) => {
    form.reset();
    form.hidden = true;
    $('required-note').hidden = true;
    showMessage(feedback, {
      type: 'success', id: 'signup-sent', title: t('lifecycle.sent_title'), message: answer.message,
      links: [{ href: '/', text: t('link.back_login'), id: 'signup-login-link', secondary: true }],
    });
  },
});

markReady();
