// « Demander un rattachement »: search criteria -> GET /api/structures?…&page=&per_page= (docs/API.md), results paged by
// the server, one structure chosen (« Sélection ») then « Sélectionner » -> the request form. « Exporter les résultats »
// is a plain link to GET /api/structures/export with the same criteria. The criteria live in the page's URL, so that
// coming back (« Annuler » of the request form, the browser's back button) shows the same results.
import { api, ApiError } from '../api.js';
import { createFormErrors, showApiError } from '../forms.js';
import { onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import {
  $, el, emptyRow, fillCountries, fillPerPage, IDENTIFIER_TYPES, identifierTypeLabel, pagination, queryString, selectCell, td,
} from '../ui.js';

startPage();

// Query parameter -> [element id, label key], in page order.
const CRITERIA = [
  ['designation', 'criteria-designation', 'criteria.designation'],
  ['structure_type', 'criteria-structure-type', 'criteria.structure_type'],
  ['identifier', 'criteria-identifier', 'criteria.identifier'],
  ['identifier_type', 'criteria-identifier-type', 'criteria.identifier_type'],
  ['label', 'criteria-label', 'criteria.label'],
  ['status', 'criteria-status', 'criteria.status'],
  ['last_name', 'criteria-last-name', 'field.last_name'],
  ['first_name', 'criteria-first-name', 'field.first_name'],
  ['postal_code', 'criteria-postal-code', 'field.address.postal_code'],
  ['city', 'criteria-city', 'field.address.city'],
  ['country', 'criteria-country', 'field.address.country'],
];

const form = $('search-form');
const feedback = $('search-feedback');
const errors = createFormErrors({
  feedback,
  fields: () => [...CRITERIA.map(([path, id, label]) => [path, id, label]), ['per_page', 'results-per-page', 'pagination.per_page_label']],
  alertId: 'search-errors',
});

const state = { criteria: null, page: 1, perPage: 5, result: null, selected: null, busy: false };

// ---------------------------------------------------------------- selects

function fillIdentifierTypes() {
  const select = $('criteria-identifier-type');
  const value = select.value;
  select.replaceChildren(
    el('option', { value: '' }, t('option.any')),
    ...IDENTIFIER_TYPES.map((code) => el('option', { value: code }, identifierTypeLabel(code))),
  );
  select.value = value;
}

// ---------------------------------------------------------------- criteria <-> URL

function readForm() {
  const criteria = {};
  for (const [name, id] of CRITERIA) criteria[name] = $(id).value.trim();
  return criteria;
}

function writeForm(criteria) {
  for (const [name, id] of CRITERIA) $(id).value = criteria[name] || '';
}

const hasCriteria = (criteria) => Object.values(criteria || {}).some((v) => v);

function pageUrl() {
  const qs = queryString({ ...state.criteria, page: state.page > 1 ? state.page : '', per_page: state.perPage !== 5 ? state.perPage : '' });
  return `${window.location.pathname}${qs ? `?${qs}` : ''}`;
}

const apiQuery = (extra = {}) => queryString({ ...state.criteria, ...extra });

// ---------------------------------------------------------------- results

function renderResults() {
  const { result } = state;
  const section = $('results');
  section.hidden = false;
  $('results-feedback').replaceChildren();
  $('selection-messages').replaceChildren();
  $('export-link').href = `/api/structures/export?${apiQuery()}`;

  const found = result.total > 0;
  $('results-found').hidden = !found;
  $('results-empty').hidden = found;
  $('export-link').hidden = !found;
  if (!found) {
    // « Créer une structure », prefilled with what was typed (without the wildcards).
    const clean = (v) => (v || '').replace(/\*/g, '').trim();
    const qs = queryString({
      designation: clean(state.criteria.designation), identifier: clean(state.criteria.identifier),
      identifier_type: state.criteria.identifier_type, structure_type: state.criteria.structure_type,
    });
    $('create-structure-link').href = `structure-creation.html${qs ? `?${qs}` : ''}`;
    return;
  }

  if (result.truncated) {
    showAlert($('results-feedback'), {
      type: 'warning', id: 'truncated-alert', role: 'status', title: t('search.truncated_title'), body: [t('search.truncated')],
    });
  }
  const start = (result.page - 1) * result.per_page;
  const shown = `${start + 1}-${start + result.items.length}`;
  $('results-count').textContent = result.total === 1
    ? t('search.count_one')
    : t(result.truncated ? 'search.count_truncated' : 'search.count', { n: result.total, shown });
  fillPerPage($('results-per-page'), state.perPage);

  const body = $('results-body');
  if (!result.items.length) body.replaceChildren(emptyRow(5, t('search.page_empty')));
  else {
    body.replaceChildren(...result.items.map((row, i) => {
      const checked = state.selected === row.structure_id;
      const view = el('a', {
        className: 'fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-eye-line',
        href: `structure.html?id=${encodeURIComponent(row.structure_id)}`, title: t('memberships.view_structure'),
      }, t('memberships.view_structure'), el('span', { className: 'fr-sr-only' }, ` – ${row.designation}`));
      return el('tr', { dataset: { structureId: row.structure_id } },
        td(row.identifier), td(row.designation), td(row.status), td(view),
        selectCell({
          type: 'radio', id: `result-select-${start + i}`, name: 'structure', value: row.structure_id, checked,
          label: t('search.select', { designation: row.designation }), asHeader: false,
        }));
    }));
  }
  const pages = Math.max(1, Math.ceil(result.total / result.per_page));
  $('results-pagination').replaceChildren();
  if (pages > 1) {
    $('results-pagination').append(pagination({
      id: 'results-pages', page: result.page, pages, label: t('search.pagination'),
      hrefFor: (n) => `?${queryString({ ...state.criteria, page: n, per_page: state.perPage })}`,
      onPage: (n) => search({ page: n, focus: 'results-title' }),
    }));
  }
}

$('results-body').addEventListener('change', (event) => {
  const radio = event.target;
  if (radio instanceof HTMLInputElement && radio.name === 'structure' && radio.checked) {
    state.selected = radio.value;
    $('selection-messages').replaceChildren();
  }
});

async function search({ page = 1, focus = null, push = true } = {}) {
  if (state.busy) return;
  state.busy = true;
  state.page = page;
  form.setAttribute('aria-busy', 'true');
  $('search-submit').disabled = true;
  try {
    const result = await api.get(`/api/structures?${apiQuery({ page, per_page: state.perPage })}`);
    errors.clear();
    feedback.replaceChildren();
    state.result = result;
    state.page = result.page || page;
    if (push) window.history.replaceState(null, '', pageUrl());
    renderResults();
    if (focus) $(focus)?.focus();
  } catch (error) {
    $('results').hidden = true;
    if (error instanceof ApiError && error.status === 422) {
      errors.show(error, { title: t('search.error_title') });
    } else {
      errors.clear();
      showApiError(feedback, error);
    }
  } finally {
    state.busy = false;
    form.removeAttribute('aria-busy');
    $('search-submit').disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  state.criteria = readForm();
  state.selected = null;
  search({ page: 1, focus: 'results-title' });
});

$('search-reset').addEventListener('click', () => {
  writeForm({});
  errors.clear();
  feedback.replaceChildren();
  $('results').hidden = true;
  state.criteria = null;
  state.result = null;
  window.history.replaceState(null, '', window.location.pathname);
  $('criteria-designation').focus();
});

$('results-per-page').addEventListener('change', () => {
  state.perPage = Number($('results-per-page').value) || 5;
  search({ page: 1 });
});

$('select-button').addEventListener('click', () => {
  if (!state.selected) {
    const messages = $('selection-messages');
    messages.replaceChildren(el('p', { className: 'fr-message fr-message--error', id: 'selection-error' }, t('search.select_needed')));
    $('results-body').querySelector('input[type=radio]')?.focus();
    return;
  }
  window.location.assign(`rattachement-demande.html?structure=${encodeURIComponent(state.selected)}`);
});

onLangChange(() => {
  fillIdentifierTypes();
  fillCountries($('criteria-country'), { any: true });
  if (state.result && !$('results').hidden) renderResults();
});

// ---------------------------------------------------------------- start

(async () => {
  fillIdentifierTypes();
  fillCountries($('criteria-country'), { any: true });
  fillPerPage($('results-per-page'), state.perPage);
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
  } catch (error) {
    showApiError(feedback, error, { focus: false });
  }
  // Criteria in the URL (coming back to this page): search again.
  const params = new URLSearchParams(window.location.search);
  const criteria = {};
  for (const [name] of CRITERIA) criteria[name] = params.get(name) || '';
  const perPage = Number(params.get('per_page'));
  if (perPage >= 1 && perPage <= 100) state.perPage = perPage;
  if (hasCriteria(criteria)) {
    writeForm(criteria);
    state.criteria = readForm();
    await search({ page: Math.max(1, Number(params.get('page')) || 1), push: false });
  }
  markReady();
})();
