// annulation-courriel.html#jeton=… — the link mailed to the old address when another one is asked for (7 days,
// single use, no session needed: whoever asked for the change may have taken the session). The call is made by the
// button, never on load.
import { api, ApiError } from '../api.js';
import { showApiError } from '../forms.js';
import { t } from '../i18n.js';
import { markReady } from '../layout.js';
import { loginLink, readToken, showMessage, startPublicPage } from '../lifecycle.js';
import { $ } from '../ui.js';

startPublicPage();

const token = readToken();
const button = $('email-cancel-button');
const feedback = $('email-cancel-feedback');

function refuse(message) {
  $('email-cancel-intro').hidden = true;
  $('email-cancel-actions').hidden = true;
  showMessage(feedback, {
    type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'), message, links: [loginLink()],
  });
}

button.addEventListener('click', async () => {
  if (button.disabled) return;
  feedback.replaceChildren();
  button.disabled = true;
  try {
    const answer = await api.post('/api/auth/email-change/cancel', { token }, { on401: 'throw' });
    $('email-cancel-actions').hidden = true;
    $('email-cancel-intro').hidden = true;
    showMessage(feedback, {
      type: 'success', id: 'email-cancel-done', title: t('lifecycle.done_title'), message: answer.message,
      links: [loginLink()],
    });
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && ['invalid_link', 'email_change_taken'].includes(error.code)) refuse(error.message);
    else showApiError(feedback, error);
  }
});

if (!token) refuse(t('lifecycle.missing_link'));
markReady();
