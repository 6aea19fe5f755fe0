// annulation-courriel.html#jeton=… — the link mailed to the old address when another one is asked for (7 days,
// single use, no session needed: whoever asked for the change may have taken the session).
import { startOneTimeLink } from '../one-time-link.js';

startOneTimeLink({
  prefix: 'email-cancel',
  path: '/api/auth/email-change/cancel',
  doneId: 'email-cancel-done',
  refusals: ['invalid_link', 'email_change_taken'],
});
