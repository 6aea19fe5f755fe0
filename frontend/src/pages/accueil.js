// « Accueil connecté »: banner and welcome, from GET /api/me.
import { api, ApiError } from '../api.js';
import { displayName, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';

startPage();

let me = null;
const welcome = () => {
  for (const el of document.querySelectorAll('[data-bind="welcome"]')) {
    el.textContent = t('home.welcome', { name: displayName(me) });
  }
};
onLangChange(welcome);

(async () => {
  try {
    me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
    welcome();
  } catch (error) {
    const message = error instanceof ApiError ? error.message : t('error.generic');
    showAlert(document.getElementById('home-feedback'), { type: 'error', id: 'home-error', title: t('alert.error_title'), body: [message] });
  }
  markReady();
})();
