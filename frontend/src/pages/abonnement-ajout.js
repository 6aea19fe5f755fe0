// « Ajouter un abonnement » (guide §5, 4/4; ?structure=ID preselects one): « Désignation » lists the structures where
// the user's rattachement is validated and active (GET /api/account); choosing one reads what it offers
// (GET /api/structures/{id}/subscription-options); once « Espace » is chosen too, « Liste des services » shows one row
// per service (the whole structure first) with « modification » and « consultation » (rows already held or asked for
// are shown ticked and disabled, with their status). « Valider » sends POST /api/structures/{id}/subscriptions and says
// what was recorded: « Validé », or « En cours de validation » (the principal manager must validate it).
import { api } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { onLangChange, setLang, spaceLabel, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { serviceText, subscriptionStatusText } from '../subscriptions-block.js';
import { $, el, td, todayIso } from '../ui.js';

startPage();

const COMMENT_MAX = 255;
const HABILITATIONS = [['MODIFICATION', 'subscription_add.modification'], ['CONSULTATION_UNIQUEMENT', 'subscription_add.consultation']];
const form = $('add-form');
const feedback = $('add-feedback');
const structureSelect = $('add-structure');
const spaceSelect = $('add-space');

const state = {
  structures: [], // the memberships one may ask subscriptions on
  options: null, // GET …/subscription-options of the chosen structure
  loading: 0, // the latest options request (an older answer is dropped)
  space: '', // the space chosen, kept while the options of a structure are read (again)
  sent: [], // [box id, label] of each row of the last request, for the API's rows.N errors
};

const serviceName = (code, name) => (code === null ? t('subscription_add.whole') : name || code);

const errors = createFormErrors({
  feedback,
  fields: () => [
    ['structure', 'add-structure', 'subscription_add.structure'],
    ['space', 'add-space', 'subscription_add.space'],
    ['rows', 'add-services', 'subscription_add.services'],
    // rows.N and rows.N.service_code name the box of the N-th row sent.
    ...state.sent.flatMap(([id, label], i) => [[`rows.${i}`, id, null, label], [`rows.${i}.service_code`, id, null, label]]),
    ['valid_from', 'add-valid-from', 'subscription_add.valid_from'],
    ['comment', 'add-comment', 'field.comment'],
  ],
});

// ---------------------------------------------------------------- rendering

const option = (value, text) => el('option', { value }, text);

function renderStructures() {
  const chosen = structureSelect.value;
  structureSelect.replaceChildren(option('', t('option.choose')), ...state.structures.map((m) =>
    option(m.structure_id, `${m.designation} (${m.identifier})`)));
  structureSelect.value = chosen;
}

function renderSpaces() {
  const spaces = state.options?.spaces || [];
  spaceSelect.disabled = !state.options;
  spaceSelect.replaceChildren(option('', t('option.choose')), ...spaces.map((s) => option(s, spaceLabel(s))));
  spaceSelect.value = spaces.includes(state.space) ? state.space : '';
  const note = $('add-at-once');
  if (state.options && !spaces.length) {
    showAlert(note, { type: 'info', id: 'add-no-space', role: 'status', title: t('subscription_add.no_space') });
  } else if (state.options?.validated_at_once) {
    showAlert(note, { type: 'info', id: 'add-at-once-alert', role: 'status', title: t('subscription_add.at_once') });
  } else {
    note.replaceChildren();
  }
}

/** A « modification » or « consultation » box; a row already held or asked for is ticked, disabled, with its status. */
function habilitationCell(service, index, habilitation, labelKey, held) {
  const id = `add-row-${index}-${habilitation === 'MODIFICATION' ? 'm' : 'c'}`;
  const status = held.get(`${service.code ?? ''}|${habilitation}`);
  const input = el('input', {
    type: 'checkbox', id, name: 'row', checked: Boolean(status), disabled: Boolean(status),
    dataset: { index: String(index), habilitation },
  });
  const label = el('label', { className: 'fr-label', for: id },
    el('span', { className: 'fr-sr-only' }, t('subscription_add.box', {
      habilitation: t(labelKey), service: serviceName(service.code, service.name),
    })),
    status ? el('span', { className: 'fr-hint-text' }, subscriptionStatusText(status)) : null);
  return td(el('div', { className: 'fr-checkbox-group fr-checkbox-group--sm app-cell-select' }, input, label));
}

function renderServices() {
  const options = state.options;
  const space = spaceSelect.value;
  $('add-services-section').hidden = !(options && space);
  if (!options || !space) return;
  // Keep what the person ticked when the rows are drawn again (language switch).
  const ticked = new Set([...form.querySelectorAll('input[name=row]:checked:not(:disabled)')].map((b) => b.id));
  const held = new Map(options.held.filter((h) => h.space === space)
    .map((h) => [`${h.service_code ?? ''}|${h.habilitation}`, h.status]));
  $('add-services-body').replaceChildren(...options.services.map((service, i) => el('tr', {},
    td(serviceName(service.code, service.name)),
    ...HABILITATIONS.map(([habilitation, key]) => habilitationCell(service, i, habilitation, key, held)))));
  for (const id of ticked) {
    const box = $(id);
    if (box && !box.disabled) box.checked = true;
  }
}

function renderCounter() {
  const left = COMMENT_MAX - $('add-comment').value.length;
  $('add-comment-counter').textContent = left === 1 ? t('request.counter_one') : t('request.counter', { n: left });
}
$('add-comment').addEventListener('input', renderCounter);

onLangChange(() => {
  renderStructures();
  renderSpaces();
  renderServices();
  renderCounter();
});

// ---------------------------------------------------------------- choices

async function loadOptions() {
  const id = structureSelect.value;
  state.loading += 1;
  const mine = state.loading;
  state.options = null;
  renderSpaces();
  renderServices();
  if (!id) return;
  try {
    const options = await api.get(`/api/structures/${encodeURIComponent(id)}/subscription-options`);
    if (mine !== state.loading) return;
    state.options = options;
  } catch (error) {
    if (mine !== state.loading) return;
    showApiError(feedback, error, { id: 'options-error' });
  }
  renderSpaces();
  renderServices();
}

structureSelect.addEventListener('change', () => {
  errors.clear();
  loadOptions();
});
spaceSelect.addEventListener('change', () => {
  state.space = spaceSelect.value;
  errors.clear();
  renderServices();
});

// ---------------------------------------------------------------- sending

/** The ticked boxes that are not already held, as rows of the request; remembers each box for the API's errors. */
function chosenRows() {
  const boxes = [...form.querySelectorAll('input[name=row]:checked:not(:disabled)')];
  state.sent = boxes.map((box) => {
    const service = state.options.services[Number(box.dataset.index)];
    const key = box.dataset.habilitation === 'MODIFICATION' ? 'subscription_add.modification' : 'subscription_add.consultation';
    return [box.id, t('subscription_add.box', { habilitation: t(key), service: serviceName(service.code, service.name) })];
  });
  return boxes.map((box) => ({
    service_code: state.options.services[Number(box.dataset.index)].code ?? null,
    habilitation: box.dataset.habilitation,
  }));
}

function missing() {
  const extra = [];
  const required = (id, key) => extra.push([id, t('form.required', { label: t(key) })]);
  if (!structureSelect.value) required('add-structure', 'subscription_add.structure');
  if (!spaceSelect.value) required('add-space', 'subscription_add.space');
  else if (state.options && !chosenRows().length) extra.push(['add-services', t('subscription_add.rows_needed')]);
  const from = $('add-valid-from').value;
  if (!from) required('add-valid-from', 'subscription_add.valid_from');
  else if (from < todayIso()) {
    extra.push(['add-valid-from', t('subscription_add.date_past', { label: t('subscription_add.valid_from') })]);
  }
  return extra;
}

function doneAlert(rows) {
  const lines = rows.map((r) => t('subscription_add.done_row', {
    space: spaceLabel(r.space), service: serviceText(r), habilitation: r.habilitation,
    status: subscriptionStatusText(r.status),
  }));
  const statuses = new Set(rows.map((r) => r.status));
  return {
    type: 'success', id: 'add-success', role: 'status', title: t('subscription_add.done_title'),
    body: [
      t('subscription_add.done', { designation: state.options.designation }),
      el('ul', { id: 'add-results' }, ...lines.map((line) => el('li', {}, line))),
      statuses.has('VALIDE') ? t('subscription_add.valid_note') : null,
      statuses.has('EN_COURS_DE_VALIDATION') ? t('subscription_add.pending_note') : null,
      el('p', {}, el('a', { className: 'fr-link', id: 'add-back', href: 'mon-compte.html' }, t('structure.back'))),
    ],
  };
}

handleSubmit(form, {
  errors,
  feedback,
  buttons: () => [$('add-submit')],
  ready: () => state.structures.length > 0,
  check: () => {
    const extra = missing();
    if (!extra.length) return true;
    errors.show(null, { extra });
    return false;
  },
  send: () => {
    const comment = $('add-comment').value.trim();
    return api.post(`/api/structures/${encodeURIComponent(structureSelect.value)}/subscriptions`, {
      space: spaceSelect.value,
      rows: chosenRows(),
      valid_from: $('add-valid-from').value,
      comment: comment || null,
    });
  },
  onSuccess: async (answer) => {
    const alert = doneAlert(answer.subscriptions || []);
    $('add-comment').value = '';
    renderCounter();
    // The new rows are held now: read the options again so that they show ticked, disabled, with their status.
    await loadOptions();
    showAlert(feedback, alert, { focus: true });
  },
});

// ---------------------------------------------------------------- start

(async () => {
  $('add-valid-from').value = todayIso();
  $('add-valid-from').min = todayIso();
  renderCounter();
  try {
    const account = await api.get('/api/account');
    setLang(account.settings?.language || account.me?.language);
    renderBanner(account.me);
    state.structures = (account.memberships || []).filter((m) => m.status === 'VALIDEE' && m.active);
    renderStructures();
    renderSpaces();
    if (!state.structures.length) {
      showAlert(feedback, {
        type: 'info', id: 'add-no-structure', role: 'status', title: t('subscription_add.no_structure_title'),
        body: [t('subscription_add.no_structure'),
          el('p', {}, el('a', { className: 'fr-link', href: 'rattachement-recherche.html' }, t('memberships.request')))],
      });
    } else {
      form.hidden = false;
      const wanted = new URLSearchParams(window.location.search).get('structure');
      if (wanted && state.structures.some((m) => m.structure_id === wanted)) {
        structureSelect.value = wanted;
        await loadOptions();
      }
    }
  } catch (error) {
    showApiError(feedback, error, { id: 'load-error', title: t('subscription_add.load_error'), focus: false });
  }
  $('add-loading').hidden = true;
  markReady();
})();
