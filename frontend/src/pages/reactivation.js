// reactivation.html — guide §8 « Réactiver son compte ».
// Without a token: « Réactiver mon compte » asks for the login (POST /api/auth/reactivation/request, always 202).
// With #jeton=… (the mail's link, 24 hours): « Activation du compte utilisateur », new password, new secret question
// and its answer (POST /api/auth/reactivation). Past 60 days: 410 reactivation_too_late, whose message names the
// « sollicitation » to the support.
import { t } from '../i18n.js';
import { startActivationForm } from '../activation-form.js';
import { readToken, startPublicPage } from '../lifecycle.js';
import { startLoginRequest } from '../login-request.js';
import { $ } from '../ui.js';

const token = readToken();
let page = null;
startPublicPage({ onLangSwitch: () => page?.refreshMeter() });

if (token) {
  $('page-title').dataset.i18n = 'title.reactivation_form';
  document.title = t('title.reactivation_form');
  $('activation-section').hidden = false;
  page = startActivationForm({
    token,
    detailsPath: '/api/auth/reactivation/details',
    submitPath: '/api/auth/reactivation',
    askAgain: () => [{ href: 'reactivation.html', text: t('reactivation.ask_again'), id: 'ask-again-link' }],
  });
} else {
  $('request-section').hidden = false;
  startLoginRequest({ path: '/api/auth/reactivation/request' });
}
