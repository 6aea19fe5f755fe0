// deverrouillage.html#jeton=… — the unlock link mailed after too many failed logins (60 minutes).
// The call is made by the button « Débloquer mon identifiant », never on load: a mail scanner that opens the link
// must not use it up.
import { api, ApiError } from '../api.js';
import { showApiError } from '../forms.js';
import { t } from '../i18n.js';
import { markReady } from '../layout.js';
import { loginLink, readToken, showMessage, startPublicPage } from '../lifecycle.js';
import { $ } from '../ui.js';

startPublicPage();

const token = readToken();
const button = $('unlock-button');
const feedback = $('unlock-feedback');

function refuse(message) {
  $('unlock-intro').hidden = true;
  button.closest('li').hidden = true;
  showMessage(feedback, {
    type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'), message, links: [loginLink()],
  });
}

button.addEventListener('click', async () => {
  if (button.disabled) return;
  feedback.replaceChildren();
  button.disabled = true;
  try {
    const answer = await api.post('/api/auth/unlock', { token }, { on401: 'throw' });
    $('unlock-actions').hidden = true;
    $('unlock-intro').hidden = true;
    showMessage(feedback, {
      type: 'success', id: 'unlock-done', title: t('lifecycle.done_title'), message: answer.message, links: [loginLink()],
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_link') refuse(error.message);
    else showApiError(feedback, error);
    button.disabled = false;
  }
});

if (!token) refuse(t('lifecycle.missing_link'));
markReady();
