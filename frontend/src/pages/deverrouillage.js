// deverrouillage.html#jeton=… — the unlock link mailed after too many failed logins (60 minutes).
// A refusal keeps « Mot de passe oublié ? » on the page.
import { startOneTimeLink } from '../one-time-link.js';

startOneTimeLink({ prefix: 'unlock', path: '/api/auth/unlock', doneId: 'unlock-done', keepActions: true });
