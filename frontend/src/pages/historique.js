// « Historique » of a managed structure (« Activité du gestionnaire », issue 11): every decision and change, newest
// first, filtered by days and user (GET /api/structures/{id}/history, one Query a page), exported as CSV with the
// structure's users and their rights (…/history/export, …/members/export). Managers only: the API refuses others.
import { api } from '../api.js';
import { showApiError } from '../forms.js';
import { formatShortDateTime, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, startPage } from '../layout.js';
import { $, el, emptyRow, personName, queryString, td } from '../ui.js';

startPage();

const structureId = new URLSearchParams(window.location.search).get('id') || '';
const base = `/api/structures/${encodeURIComponent(structureId)}`;
const state = { items: [], cursor: null, filters: {}, designation: '', loaded: false };
const withQuery = (path, params) => {
  const qs = queryString(params);
  return qs ? `${path}?${qs}` : path;
};

function readFilters() {
  return { since: $('history-since').value, until: $('history-until').value, user_id: $('history-user').value };
}

function render() {
  $('history-body').replaceChildren(...(state.items.length ? state.items.map((e) => el('tr', {},
    td(el('time', { datetime: e.at }, formatShortDateTime(e.at))), td(e.actor || ''), td(e.sentence), td(e.reason || '')))
    : [emptyRow(4, t('history.empty'))]));
  $('history-more').hidden = !state.cursor;
  $('history-export').href = withQuery(`${base}/history/export`, state.filters);
  $('members-export').href = `${base}/members/export`;
  if (state.designation) {
    $('history-title').textContent = t('history.of', { structure: state.designation });
    document.title = `${t('history.of', { structure: state.designation })} - Chorus Pro`;
  }
}

async function load({ more = false } = {}) {
  const params = { ...state.filters, cursor: more ? state.cursor : '' };
  const page = await api.get(withQuery(`${base}/history`, params));
  state.items = more ? [...state.items, ...page.items] : page.items;
  state.cursor = page.next_cursor;
  render();
}

$('history-filters').addEventListener('submit', async (event) => {
  event.preventDefault();
  state.filters = readFilters();
  try {
    await load();
    $('history-feedback').replaceChildren();
  } catch (error) {
    showApiError($('history-feedback'), error);
  }
});

$('history-more').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await load({ more: true });
  } catch (error) {
    showApiError($('history-feedback'), error);
  } finally {
    button.disabled = false;
  }
});

onLangChange(async () => {
  if (!state.loaded) return;
  try {
    await load();
  } catch (error) {
    showApiError($('history-feedback'), error, { focus: false });
  }
});

(async () => {
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
    const [detail, members] = await Promise.all([api.get(base), api.get(`${base}/members`)]);
    state.designation = detail.designation;
    const select = $('history-user');
    for (const m of members.members) {
      select.append(el('option', { value: m.user_id }, personName(m)));
    }
    await load();
    state.loaded = true;
  } catch (error) {
    showApiError($('history-feedback'), error, { focus: false });
  }
  markReady();
})();
