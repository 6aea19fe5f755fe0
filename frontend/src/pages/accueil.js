// « Accueil connecté » (guide §1): the banner and welcome (GET /api/me), the « Fil d'événements » (GET /api/feed,
// newest first, one page at a time, what came since the previous login marked), the « Actualités » shipped with the
// frontend (news.js) and the « Accès Rapide » buttons (« + Déposer une facture » only for holders of « Factures
// émises »).
import { api, ApiError } from '../api.js';
import { showApiError } from '../forms.js';
import { displayName, formatDateTime, getLang, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { NEWS } from '../news.js';
import { $, el, formatDay } from '../ui.js';

startPage();

const INVOICES_SENT = 'Factures émises';
const state = { me: null, events: [], cursor: null, depositUrl: null, loaded: false };

const welcome = () => {
  for (const node of document.querySelectorAll('[data-bind="welcome"]')) {
    node.textContent = t('home.welcome', { name: displayName(state.me) });
  }
};

function eventItem(event) {
  const when = el('time', { className: 'app-feed__date', datetime: event.at }, formatDateTime(event.at));
  const head = el('p', { className: 'fr-mb-0' }, when,
    event.new ? el('span', { className: 'fr-badge fr-badge--sm fr-badge--new fr-ml-1w' }, t('home.feed_new')) : null);
  const sentence = el('p', { className: 'fr-mb-0' }, el('a', { className: 'fr-link', href: event.link }, event.sentence));
  const reason = event.reason ? el('p', { className: 'fr-text--sm fr-mb-0' }, t('requests.reason', { reason: event.reason })) : null;
  return el('li', { className: event.new ? 'app-feed__item app-feed__item--new' : 'app-feed__item' }, head, sentence, reason);
}

function renderFeed() {
  $('feed-list').replaceChildren(...state.events.map(eventItem));
  $('feed-empty').hidden = state.events.length > 0;
  $('feed-more').hidden = !state.cursor;
  const fresh = state.events.filter((e) => e.new).length;
  $('feed-news-count').textContent = fresh ? t('home.feed_new_count', { n: fresh }) : '';
}

async function loadFeed({ more = false } = {}) {
  const query = more && state.cursor ? `?cursor=${encodeURIComponent(state.cursor)}` : '';
  const page = await api.get(`/api/feed${query}`);
  const before = state.events.length;
  state.events = more ? [...state.events, ...page.items] : page.items;
  state.cursor = page.next_cursor;
  state.depositUrl = page.invoice_deposit_url;
  renderFeed();
  if (more && state.events.length > before) {
    // Keyboard users carry on from the first event just added.
    const added = $('feed-list').children[before]?.querySelector('a');
    if (added) added.focus();
  }
}

function renderNews() {
  const lang = getLang();
  $('news-list').replaceChildren(...NEWS.map((item) => el('li', { className: 'fr-mb-3w' },
    el('h3', { className: 'fr-h6 fr-mb-1v' }, item.title[lang] || item.title.fr),
    el('p', { className: 'fr-text--sm fr-mb-1v' }, el('time', { datetime: item.date }, formatDay(item.date))),
    el('p', { className: 'fr-mb-1v' }, item.text[lang] || item.text.fr),
    item.link ? el('a', { className: 'fr-link', href: item.link, target: '_blank', rel: 'noopener',
      title: `${item.title[lang] || item.title.fr} - ${t('home.news_more')}` }, t('home.news_more')) : null)));
}

function renderQuickAccess() {
  const deposit = $('quick-deposit-invoice');
  const holds = (state.me?.spaces || []).includes(INVOICES_SENT);
  deposit.hidden = !(holds && state.depositUrl);
  if (state.depositUrl) deposit.href = state.depositUrl;
}

$('feed-more').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await loadFeed({ more: true });
  } catch (error) {
    showApiError($('feed-feedback'), error);
  } finally {
    button.disabled = false;
  }
});

onLangChange(async () => {
  welcome();
  renderNews();
  if (!state.loaded) return; // the first load asks in the right language already
  try {
    await loadFeed(); // the sentences come from the API in the interface's language
  } catch (error) {
    showApiError($('feed-feedback'), error, { focus: false });
  }
});

(async () => {
  renderNews();
  try {
    state.me = await api.get('/api/me');
    setLang(state.me.language);
    renderBanner(state.me);
    welcome();
    await loadFeed();
    state.loaded = true;
    renderQuickAccess();
  } catch (error) {
    const message = error instanceof ApiError ? error.message : t('error.generic');
    showAlert($('home-feedback'), { type: 'error', id: 'home-error', title: t('alert.error_title'), body: [message] });
  }
  markReady();
})();
