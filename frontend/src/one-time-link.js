// The pages of a one-time link used up by one button (unlock, cancel or confirm an address change). The call is made
// by the button, never on load: a mail scanner that opens the link must not use it up.
// Ids on the page, from its prefix: `<prefix>-intro`, `-feedback`, `-actions` (the buttons' list), `-button`.
import { api, ApiError } from './api.js';
import { showApiError } from './forms.js';
import { t } from './i18n.js';
import { markReady } from './layout.js';
import { loginLink, readToken, showMessage, startPublicPage } from './lifecycle.js';
import { $ } from './ui.js';

/**
 * Start the page: POST `{ token }` to `path` on the button, then a success alert (id `doneId`) with the API's message,
 * or the refusal of a dead link (codes `refusals`), or the API's error; a page opened without a token is refused.
 * @param {object} o
 * @param {string} o.prefix
 * @param {string} o.path
 * @param {string} o.doneId
 * @param {string[]} [o.refusals]            the error codes that mean the link cannot be used
 * @param {() => object[]} [o.links]         the links under the success and the refusal (default « Se connecter »)
 * @param {() => object[]} [o.missingLinks]  the links when the page has no token (default: links)
 * @param {boolean} [o.keepActions]          a refusal hides the button only, not the other actions
 * @param {(feedback: HTMLElement) => void} [o.onUnauthorized]  a 401 answer (the link needs a session)
 */
export function startOneTimeLink({
  prefix, path, doneId, refusals = ['invalid_link'], links = () => [loginLink()], missingLinks = links,
  keepActions = false, onUnauthorized,
}) {
  startPublicPage();

  const token = readToken();
  const button = $(`${prefix}-button`);
  const feedback = $(`${prefix}-feedback`);

  function refuse(message, refusalLinks = links()) {
    $(`${prefix}-intro`).hidden = true;
    (keepActions ? button.closest('li') : $(`${prefix}-actions`)).hidden = true;
    showMessage(feedback, {
      type: 'error', id: 'invalid-link', title: t('lifecycle.invalid_link_title'), message, links: refusalLinks,
    });
  }

  button.addEventListener('click', async () => {
    if (button.disabled) return;
    feedback.replaceChildren();
    button.disabled = true;
    try {
      const answer = await api.post(path, { token }, { on401: 'throw' });
      $(`${prefix}-actions`).hidden = true;
      $(`${prefix}-intro`).hidden = true;
      showMessage(feedback, {
        type: 'success', id: doneId, title: t('lifecycle.done_title'), message: answer.message, links: links(),
      });
    } catch (error) {
      button.disabled = false;
      if (onUnauthorized && error instanceof ApiError && error.status === 401) onUnauthorized(feedback);
      else if (error instanceof ApiError && refusals.includes(error.code)) refuse(error.message);
      else showApiError(feedback, error);
    }
  });

  if (!token) refuse(t('lifecycle.missing_link'), missingLinks());
  markReady();
}
