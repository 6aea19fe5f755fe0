// activation.html#jeton=… — the link of the sign-up mail (60 minutes): « Activation du compte utilisateur ».
import { t } from '../i18n.js';
import { startActivationForm } from '../activation-form.js';
import { readToken, startPublicPage } from '../lifecycle.js';

let page = null;
startPublicPage({ onLangSwitch: () => page?.refreshMeter() });
page = startActivationForm({
  token: readToken(),
  detailsPath: '/api/auth/activation/details',
  submitPath: '/api/auth/activation',
  askAgain: () => [{ href: 'inscription.html', text: t('activation.ask_again'), id: 'ask-again-link' }],
});
