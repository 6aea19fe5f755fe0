// confirmation-courriel.html#jeton=… — the link mailed to a new contact or login address (24 hours, single use).
// It needs the session of the account it is for (the API refuses it to anyone else): without one, a warning asks
// to log in first.
import { t } from '../i18n.js';
import { loginLink, showMessage } from '../lifecycle.js';
import { startOneTimeLink } from '../one-time-link.js';

const accountLink = () => ({ href: '/mon-compte.html', text: t('email_confirm.account'), id: 'account-link' });

startOneTimeLink({
  prefix: 'email-confirm',
  path: '/api/account/email-change/confirm',
  doneId: 'email-confirm-done',
  refusals: ['invalid_link', 'email_change_taken'],
  links: () => [accountLink()],
  missingLinks: () => [loginLink()],
  onUnauthorized: (feedback) => showMessage(feedback, {
    type: 'warning', id: 'login-first', title: t('email_confirm.h1'), message: t('email_confirm.login_first'),
    links: [loginLink()],
  }),
});
