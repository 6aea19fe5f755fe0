// « Activation du compte utilisateur » (guide §8 screen), used after a sign-up (activation.html) and after a
// deactivation (reactivation.html): the link's token gives the general information, read-only (POST …/details), then
// « Valider » sends the password, its confirmation, the secret question and its answer (POST …). Markup:
// partials/activation-form.html.
import { api, ApiError } from './api.js';
import { createFormErrors, handleSubmit, showApiError } from './forms.js';
import { t } from './i18n.js';
import { markReady } from './layout.js';
import { hidePasswords, loginLink, passwordMeter, showMessage } from './lifecycle.js';
import { $ } from './ui.js';

const FIELDS = [
  ['password', 'password', 'lifecycle.password'],
  ['confirmation', 'confirmation', 'lifecycle.confirmation'],
  ['secret_question', 'secret-question', 'field.secret_question.question'],
  ['secret_answer', 'secret-answer', 'field.secret_question.answer'],
];

/**
 * @param {object} o
 * @param {string} o.token            from the link (may be '')
 * @param {string} o.detailsPath      POST {token} -> general information
 * @param {string} o.submitPath       POST {token, password, confirmation, secret_question, secret_answer}
 * @param {() => Array<object>} o.askAgain  links offered when the link is not valid (alertLink options)
 */
export function startActivationForm({ token, detailsPath, submitPath, askAgain }) {
  const form = $('activation-form');
  const feedback = $('activation-feedback');
  const loading = $('activation-loading');
  const errors = createFormErrors({ feedback, fields: () => FIELDS });
  let info = null;
  const meter = passwordMeter($('password'), () => (info ? [info.login, info.contact_email, info.last_name, info.first_name] : []));

  /** The link cannot be used (any more): say why and offer the way to ask again; the form goes away. */
  function refuse(error) {
    form.hidden = true;
    loading.hidden = true;
    for (const node of document.querySelectorAll('[data-hide-when-refused]')) node.hidden = true;
    if (error instanceof ApiError && error.code === 'reactivation_too_late') {
      showMessage(feedback, {
        type: 'error', id: 'too-late', title: t('reactivation.too_late_title'), message: error.message,
      });
    } else if (!(error instanceof ApiError) || error.code === 'invalid_link' || error.code === 'missing_link') {
      showMessage(feedback, {
        type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'),
        message: error instanceof ApiError ? error.message : t('lifecycle.missing_link'), links: askAgain(),
      });
    } else {
      showApiError(feedback, error);
    }
  }

  async function load() {
    if (!token) {
      refuse(new ApiError(400, 'missing_link', t('lifecycle.missing_link')));
      return;
    }
    try {
      info = await api.post(detailsPath, { token }, { on401: 'throw' });
      $('info-login').value = info.login || '';
      $('info-last-name').value = info.last_name || '';
      $('info-contact-email').value = info.contact_email || '';
      $('info-first-name').value = info.first_name || '';
      loading.hidden = true;
      form.hidden = false;
    } catch (error) {
      refuse(error);
    }
  }

  handleSubmit(form, {
    errors,
    feedback,
    send: () => api.post(submitPath, {
      token,
      password: $('password').value,
      confirmation: $('confirmation').value,
      secret_question: $('secret-question').value.trim(),
      secret_answer: $('secret-answer').value.trim(),
    }, { on401: 'throw' }),
    onSuccess: (answer) => {
      hidePasswords(form);
      form.reset();
      meter.reset();
      form.hidden = true;
      for (const node of document.querySelectorAll('[data-hide-when-refused]')) node.hidden = true;
      showMessage(feedback, {
        type: 'success', id: 'activation-done', title: t('lifecycle.done_title'), message: answer.message,
        links: [loginLink()],
      });
    },
    onError: (error) => {
      if (!(error instanceof ApiError && ['invalid_link', 'reactivation_too_late'].includes(error.code))) return false;
      refuse(error);
      return true;
    },
  });

  load().then(markReady);
  return { refreshMeter: () => meter.refresh(), clearErrors: () => errors.clear() };
}
