// mot-de-passe-oublie.html — « Mot de passe oublié ? ».
// Without a token: the login (POST /api/auth/password-reset/request, always 202).
// With #jeton=… (the mail's link, 30 minutes): the secret question (POST …/details), then « Réponse », « Nouveau mot
// de passe », « Confirmer le nouveau mot de passe » (POST /api/auth/password-reset). A wrong answer is a field error
// and counts as a failed login (429 once throttled, shown as it comes).
import { api, ApiError } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { t } from '../i18n.js';
import { markReady } from '../layout.js';
import {
  hidePasswords, loginLink, passwordMeter, readToken, showMessage, startPublicPage,
} from '../lifecycle.js';
import { startLoginRequest } from '../login-request.js';
import { $ } from '../ui.js';

const FIELDS = [
  ['secret_answer', 'reset-answer', 'field.secret_question.answer'],
  ['password', 'reset-password', 'field.password.new'],
  ['confirmation', 'reset-confirmation', 'field.password.confirmation'],
];

const token = readToken();
let meter = null;
let errors = null;
startPublicPage({
  onLangSwitch: () => {
    meter?.refresh();
  },
});

const askAgain = () => [{ href: 'mot-de-passe-oublie.html', text: t('reset.ask_again'), id: 'ask-again-link' }];

function startReset() {
  const form = $('reset-form');
  const feedback = $('reset-feedback');
  const loading = $('reset-loading');
  errors = createFormErrors({ feedback, fields: () => FIELDS });
  let info = null;
  meter = passwordMeter($('reset-password'), () => (info ? [info.login, info.contact_email, info.last_name, info.first_name] : []));

  function refuse(error) {
    form.hidden = true;
    loading.hidden = true;
    for (const node of document.querySelectorAll('[data-hide-when-refused]')) node.hidden = true;
    showMessage(feedback, {
      type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'),
      message: error instanceof ApiError ? error.message : t('lifecycle.missing_link'), links: askAgain(),
    });
  }

  async function load() {
    if (!token) return;
    try {
      info = await api.post('/api/auth/password-reset/details', { token }, { on401: 'throw' });
      $('reset-question').value = info.secret_question || '';
      loading.hidden = true;
      form.hidden = false;
    } catch (error) {
      if (error instanceof ApiError && error.code !== 'invalid_link') {
        loading.hidden = true;
        showApiError(feedback, error);
      } else {
        refuse(error);
      }
    }
  }

  handleSubmit(form, {
    errors,
    feedback,
    send: () => api.post('/api/auth/password-reset', {
      token,
      secret_answer: $('reset-answer').value.trim(),
      password: $('reset-password').value,
      confirmation: $('reset-confirmation').value,
    }, { on401: 'throw' }),
    onSuccess: (answer) => {
      hidePasswords(form);
      form.reset();
      meter.reset();
      form.hidden = true;
      for (const node of document.querySelectorAll('[data-hide-when-refused]')) node.hidden = true;
      showMessage(feedback, {
        type: 'success', id: 'reset-done', title: t('lifecycle.done_title'), message: answer.message, links: [loginLink()],
      });
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return false;
      if (error.code === 'invalid_link') refuse(error);
      else if (error.code === 'too_many_attempts') {
        showMessage(feedback, { type: 'error', id: 'reset-throttled', title: t('login.throttled_title'), message: error.message });
      } else return false;
      return true;
    },
  });

  return load();
}

if (token) {
  $('reset-section').hidden = false;
  startReset().then(markReady);
} else {
  $('request-section').hidden = false;
  startLoginRequest({ path: '/api/auth/password-reset/request' });
}
