// confirmation-courriel.html#jeton=… — the link mailed to a new contact or login address (24 hours, single use).
// It needs the session of the account it is for (the API refuses it to anyone else). The call is made by the button,
// never on load: a mail scanner that opens the link must not use it up.
import { api, ApiError } from '../api.js';
import { showApiError } from '../forms.js';
import { t } from '../i18n.js';
import { markReady } from '../layout.js';
import { loginLink, readToken, showMessage, startPublicPage } from '../lifecycle.js';
import { $ } from '../ui.js';

startPublicPage();

const token = readToken();
const button = $('email-confirm-button');
const feedback = $('email-confirm-feedback');
const accountLink = () => ({ href: '/mon-compte.html', text: t('email_confirm.account'), id: 'account-link' });

function refuse(message, links = [accountLink()]) {
  $('email-confirm-intro').hidden = true;
  $('email-confirm-actions').hidden = true;
  showMessage(feedback, { type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'), message, links });
}

button.addEventListener('click', async () => {
  if (button.disabled) return;
  feedback.replaceChildren();
  button.disabled = true;
  try {
    const answer = await api.post('/api/account/email-change/confirm', { token }, { on401: 'throw' });
    $('email-confirm-actions').hidden = true;
    $('email-confirm-intro').hidden = true;
    showMessage(feedback, {
      type: 'success', id: 'email-confirm-done', title: t('lifecycle.done_title'), message: answer.message,
      links: [accountLink()],
    });
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && error.status === 401) {
      showMessage(feedback, {
        type: 'warning', id: 'login-first', title: t('email_confirm.h1'), message: t('email_confirm.login_first'),
        links: [loginLink()],
      });
    } else if (error instanceof ApiError && ['invalid_link', 'email_change_taken'].includes(error.code)) {
      refuse(error.message);
    } else {
      showApiError(feedback, error);
    }
  }
});

if (!token) refuse(t('lifecycle.missing_link'), [loginLink()]);
markReady();
