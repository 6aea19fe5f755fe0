// « Rattachement d'un utilisateur à une Structure » (?structure=ID): the structure (GET /api/structures/{id}), the user
// (GET /api/account), the validity dates, a comment (255 characters, live counter) and the services: « Rattacher à
// la structure » (the whole structure, checked by default) or some of its services, each ticked one with its own
// « Date Début » (the request's start unless changed), « Date Fin » and « Commentaires ». « Valider » sends
// POST /api/structures/{id}/memberships; on 201 « Mon Compte » opens with « Votre demande de rattachement a été
// envoyée au gestionnaire de la structure. »
import { api, ApiError } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import {
  $, describe, el, emptyRow, formatDay, membershipStatusText, selectCell, setFlash, td, todayIso,
} from '../ui.js';

startPage();

const COMMENT_MAX = 255;
const form = $('request-form');
const feedback = $('request-feedback');
const whole = $('request-whole');
const params = new URLSearchParams(window.location.search);
const structureId = params.get('structure') || '';

const state = { structure: null, account: null };
// What was typed on each service's line, by code (kept while it is unticked or the page changes language); ``from``
// null: the line follows the request's start date.
const lines = new Map();
const lineOf = (code) => {
  if (!lines.has(code)) lines.set(code, { from: null, until: '', comment: '' });
  return lines.get(code);
};
const LINE_FIELDS = [['valid_from', 'valid-from'], ['valid_until', 'valid-until'], ['comment', 'comment']];

const errors = createFormErrors({
  feedback,
  fields: () => [
    ['valid_from', 'request-valid-from', 'field.valid_from'],
    ['valid_until', 'request-valid-until', 'field.valid_until'],
    ['comment', 'request-comment', 'field.comment'],
    ['services', 'request-services', 'request.services'],
    // services.<n>: the n-th ticked service, as sent.
    ...checkedRows().flatMap(({ index }, n) => LINE_FIELDS.map(([field, suffix]) => [
      `services.${n}.${field}`, `request-service-${index}-${suffix}`, `request.service_${field}`])),
  ],
});

// ---------------------------------------------------------------- rendering

function renderStructure() {
  const s = state.structure;
  $('request-structure').replaceChildren(describe([
    [t('criteria.identifier_type'), s.identifier_type, 'request-structure-identifier-type'],
    [t('criteria.identifier'), s.identifier, 'request-structure-identifier'],
    [t('col.designation'), s.designation, 'request-structure-designation'],
    [t('criteria.status'), s.status, 'request-structure-status'],
    [t('criteria.structure_type'), s.structure_type, 'request-structure-type'],
  ]));
}

function renderUser() {
  const { profile, settings } = state.account;
  $('request-user').replaceChildren(describe([
    [t('field.last_name'), profile.last_name, 'request-user-last-name'],
    [t('field.first_name'), profile.first_name, 'request-user-first-name'],
    [t('request.contact'), profile.contact_email, 'request-user-contact'],
    [t('criteria.status'), settings.status, 'request-user-status'],
  ]));
}

/** An earlier request or link to this structure (the server refuses a second one while it is pending or valid). */
function renderExisting() {
  const mine = state.structure.my_membership;
  const zone = $('request-existing');
  if (!mine || ['REFUSEE', 'SUPPRIMEE'].includes(mine.status)) {
    zone.replaceChildren();
    return;
  }
  showAlert(zone, {
    type: 'info', id: 'request-existing-alert', role: 'status', title: t('request.existing_title'),
    body: [t('request.existing', { status: membershipStatusText(mine), role: mine.role, date: formatDay(mine.valid_from) })],
  });
}

function renderServices() {
  const services = state.structure.services || [];
  const body = $('request-services-body');
  $('request-no-services').hidden = services.length > 0;
  $('request-services-wrapper').hidden = services.length === 0;
  whole.disabled = services.length === 0;
  if (!services.length) {
    whole.checked = true;
    body.replaceChildren(emptyRow(7, t('request.no_services')));
    return;
  }
  const chosen = new Set([...body.querySelectorAll('input[name=service]:checked')].map((box) => box.value));
  body.replaceChildren(...services.map((service, i) => el('tr', {},
    selectCell({
      id: `request-service-${i}`, name: 'service', value: service.code,
      checked: whole.checked || chosen.has(service.code),
      label: t('request.select_service', { code: service.code, name: service.name }),
    }),
    td(String(i + 1)), td(service.code), td(service.name), td(''), td(''), td(''))));
  applyWhole();
}

const serviceCodes = () => (state.structure?.services || []).map((s) => s.code);

/** The ticked services' rows, in table order, when services are chosen one by one. */
function checkedRows() {
  if (whole.checked) return [];
  const services = state.structure?.services || [];
  return services.map((service, index) => ({ service, index }))
    .filter(({ index }) => document.getElementById(`request-service-${index}`)?.checked);
}

function counterText(left) {
  return left === 1 ? t('request.counter_one') : t('request.counter', { n: left });
}

/** A field of a service's line: its label, read by screen readers, names the column and the service. */
function lineField(service, index, field, suffix, input) {
  const id = `request-service-${index}-${suffix}`;
  Object.assign(input, { id, className: 'fr-input' });
  input.dataset.code = service.code;
  input.dataset.field = field;
  const label = t('request.service_field', { field: t(`request.service_${field}`), code: service.code });
  return el('div', { className: `fr-input-group app-line-${field === 'comment' ? 'comment' : 'date'}` },
    el('label', { className: 'fr-label', for: id }, el('span', { className: 'fr-sr-only' }, label)),
    input);
}

/** « Date Début », « Date Fin » and « Commentaires » of a ticked service; empty cells otherwise. */
function renderLine(index) {
  const service = state.structure.services[index];
  const row = document.getElementById(`request-service-${index}`).closest('tr');
  const cells = [...row.cells].slice(-3);
  if (whole.checked || !document.getElementById(`request-service-${index}`).checked) {
    for (const cell of cells) cell.replaceChildren();
    return;
  }
  const line = lineOf(service.code);
  const today = todayIso();
  const from = el('input', { type: 'date', value: line.from ?? $('request-valid-from').value, min: today });
  const until = el('input', { type: 'date', value: line.until, min: today });
  const comment = el('input', { type: 'text', value: line.comment, maxlength: COMMENT_MAX });
  const counterId = `request-service-${index}-comment-counter`;
  comment.setAttribute('aria-describedby', counterId);
  cells[0].replaceChildren(lineField(service, index, 'valid_from', 'valid-from', from));
  cells[1].replaceChildren(lineField(service, index, 'valid_until', 'valid-until', until));
  const group = lineField(service, index, 'comment', 'comment', comment);
  group.append(el('p', { className: 'fr-hint-text fr-mt-1v', id: counterId, 'aria-live': 'polite' },
    counterText(COMMENT_MAX - line.comment.length)));
  cells[2].replaceChildren(group);
}

function renderLines() {
  (state.structure?.services || []).forEach((_, index) => renderLine(index));
}

$('request-services-body').addEventListener('change', (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.name === 'service') renderLine(serviceCodes().indexOf(box.value));
});

$('request-services-body').addEventListener('input', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.code) return;
  const line = lineOf(input.dataset.code);
  if (input.dataset.field === 'valid_from') line.from = input.value || null;
  else if (input.dataset.field === 'valid_until') line.until = input.value;
  else {
    line.comment = input.value;
    document.getElementById(`${input.id}-counter`).textContent = counterText(COMMENT_MAX - input.value.length);
  }
});

// A service's « Date Début » follows the request's start until it is changed on its line.
$('request-valid-from').addEventListener('input', () => {
  for (const input of $('request-services-body').querySelectorAll('input[data-field=valid_from]')) {
    if (lineOf(input.dataset.code).from === null) input.value = $('request-valid-from').value;
  }
});


/** « Rattacher à la structure » checked: every service is included and cannot be unticked one by one. */
function applyWhole() {
  for (const box of $('request-services-body').querySelectorAll('input[name=service]')) {
    box.disabled = whole.checked;
    if (whole.checked) box.checked = true;
  }
  renderLines();
}

whole.addEventListener('change', () => {
  if (!whole.checked) {
    // Choosing services: start from none, the person ticks the ones that apply.
    for (const box of $('request-services-body').querySelectorAll('input[name=service]')) box.checked = false;
  }
  applyWhole();
  errors.clear();
});

function renderCounter() {
  $('request-comment-counter').textContent = counterText(COMMENT_MAX - $('request-comment').value.length);
}
$('request-comment').addEventListener('input', renderCounter);

function renderAll() {
  renderStructure();
  renderUser();
  renderExisting();
  renderServices();
  renderCounter();
}

onLangChange(() => {
  if (state.structure && state.account) renderAll();
});

// ---------------------------------------------------------------- sending

function collectBody() {
  const start = $('request-valid-from').value;
  // A line's start equal to the request's is left to the server (the request's start by default).
  const chosen = checkedRows().map(({ service }) => {
    const line = lineOf(service.code);
    return {
      code: service.code,
      valid_from: line.from && line.from !== start ? line.from : null,
      valid_until: line.until || null,
      comment: line.comment.trim() || null,
    };
  });
  const comment = $('request-comment').value.trim();
  return {
    valid_from: $('request-valid-from').value,
    valid_until: $('request-valid-until').value || null,
    comment: comment || null,
    services: chosen,
  };
}

handleSubmit(form, {
  errors,
  feedback,
  statuses: null,
  buttons: () => [$('request-submit'), $('request-cancel')],
  ready: () => Boolean(state.structure),
  // At least one service when the whole structure is not chosen.
  check: () => {
    if (whole.checked || collectBody().services.length) return true;
    errors.show(null, { extra: [['request-services', t('request.services_needed')]] });
    return false;
  },
  send: () => api.post(`/api/structures/${encodeURIComponent(structureId)}/memberships`, collectBody()),
  leaves: true,
  onSuccess: () => {
    setFlash('membership_requested', { designation: state.structure.designation });
    window.location.assign('mon-compte.html');
  },
  onError: (error) => {
    if (!(error instanceof ApiError && error.code === 'membership_exists')) return false;
    errors.clear();
    showApiError(feedback, error, { id: 'membership-exists-alert' });
    return true;
  },
});

$('request-cancel').addEventListener('click', () => {
  // Back to the search results when we came from there; the search page otherwise.
  const ref = document.referrer ? new URL(document.referrer) : null;
  if (ref && ref.origin === window.location.origin && ref.pathname.endsWith('/rattachement-recherche.html')) {
    window.history.back();
  } else {
    window.location.assign('rattachement-recherche.html');
  }
});

// ---------------------------------------------------------------- start

(async () => {
  $('request-valid-from').value = todayIso();
  try {
    if (!structureId) throw new ApiError(404, 'not_found', t('request.no_structure'));
    const [structure, account] = await Promise.all([
      api.get(`/api/structures/${encodeURIComponent(structureId)}`),
      api.get('/api/account'),
    ]);
    state.structure = structure;
    state.account = account;
    setLang(account.settings?.language || account.me?.language);
    renderBanner(account.me);
    renderAll();
    form.hidden = false;
  } catch (error) {
    showApiError(feedback, error, { id: 'load-error', title: t('request.load_error'), focus: false });
  }
  $('request-loading').hidden = true;
  markReady();
})();

