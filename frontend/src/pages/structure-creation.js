// « Créer une structure » (when the search found nothing): POST /api/structures. The creator becomes its principal
// manager. Errors come back per field, services included (services.0.code); on 201 the structure page opens with a
// success message. The fields can be prefilled from the search (?designation=&identifier=&identifier_type=).
import { api } from '../api.js';
import { DEFAULT_COUNTRY } from '../countries.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, startPage } from '../layout.js';
import { $, el, fillCountries, IDENTIFIER_TYPES, identifierTypeLabel, setFlash } from '../ui.js';

startPage();

const form = $('create-form');
const feedback = $('create-feedback');
const servicesList = $('create-services-list');
let serviceCounter = 0;

const FIXED_FIELDS = [
  ['identifier_type', 'create-identifier-type', 'criteria.identifier_type'],
  ['identifier', 'create-identifier', 'criteria.identifier'],
  ['designation', 'create-designation', 'criteria.designation'],
  ['label', 'create-label', 'criteria.label'],
  ['structure_type', 'create-structure-type', 'criteria.structure_type'],
  ['last_name', 'create-last-name', 'field.last_name'],
  ['first_name', 'create-first-name', 'field.first_name'],
  ['address.line1', 'create-address-line1', 'field.address.line1'],
  ['address.line2', 'create-address-line2', 'create.address_line2'],
  ['address.postal_code', 'create-postal-code', 'field.address.postal_code'],
  ['address.city', 'create-city', 'field.address.city'],
  ['address.country', 'create-country', 'field.address.country'],
];

const serviceRows = () => [...servicesList.querySelectorAll('.app-service-row')];

/** Paths follow the rows' current order: services.0.code is the first row shown. */
function fields() {
  const list = [...FIXED_FIELDS];
  serviceRows().forEach((row, i) => {
    const prefix = `${t('create.service_n', { n: i + 1 })} – `;
    list.push([`services.${i}.code`, row.dataset.codeId, 'create.service_code', prefix + t('create.service_code')]);
    list.push([`services.${i}.name`, row.dataset.nameId, 'create.service_name', prefix + t('create.service_name')]);
  });
  return list;
}

const errors = createFormErrors({ feedback, fields });

// ---------------------------------------------------------------- selects and the PARTICULIER fields

function fillIdentifierTypes() {
  const select = $('create-identifier-type');
  const value = select.value || 'SIRET';
  select.replaceChildren(...IDENTIFIER_TYPES.map((code) => el('option', { value: code }, identifierTypeLabel(code))));
  select.value = value;
}

/** « Nom » and « Prénom » only for a PARTICULIER, then mandatory. */
function applyIdentifierType() {
  const type = $('create-identifier-type').value;
  const person = type === 'PARTICULIER';
  for (const name of ['last-name', 'first-name']) {
    $(`create-${name}-col`).hidden = !person;
    $(`create-${name}`).required = person;
  }
  const hintKey = `create.identifier_hint_${type}`;
  const hint = t(hintKey);
  $('create-identifier-hint').textContent = hint === hintKey ? t('create.identifier_hint') : hint;
}

$('create-identifier-type').addEventListener('change', applyIdentifierType);

// ---------------------------------------------------------------- services

function renumberServices() {
  const rows = serviceRows();
  rows.forEach((row, i) => {
    row.querySelector('legend').textContent = t('create.service_n', { n: i + 1 });
    const remove = row.querySelector('button');
    remove.replaceChildren(t('create.remove_service'), el('span', { className: 'fr-sr-only' }, ` ${t('create.service_n', { n: i + 1 })}`));
    for (const label of row.querySelectorAll('[data-i18n]')) label.textContent = t(label.dataset.i18n);
  });
  $('create-services-empty').hidden = rows.length > 0;
}

function addService(values = {}) {
  serviceCounter += 1;
  const n = serviceCounter;
  const codeId = `service-${n}-code`;
  const nameId = `service-${n}-name`;
  const legendId = `service-${n}-legend`;
  const remove = el('button', {
    type: 'button', className: 'fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left fr-icon-delete-bin-line',
    id: `service-${n}-remove`,
  });
  const row = el('fieldset', {
    className: 'fr-fieldset app-service-row', id: `service-${n}`, 'aria-labelledby': legendId,
    dataset: { codeId, nameId },
  },
  el('legend', { className: 'fr-fieldset__legend fr-fieldset__legend--regular', id: legendId }),
  el('div', { className: 'fr-fieldset__element fr-fieldset__element--inline app-service-code' },
    el('div', { className: 'fr-input-group' },
      el('label', { className: 'fr-label', for: codeId }, el('span', { className: 'app-required', dataset: { i18n: 'create.service_code' } })),
      el('input', {
        className: 'fr-input', type: 'text', id: codeId, name: codeId, maxlength: '20', autocomplete: 'off',
        spellcheck: 'false', required: true, value: values.code || '',
      }),
      el('div', { className: 'fr-messages-group', id: `${codeId}-messages`, 'aria-live': 'polite' }))),
  el('div', { className: 'fr-fieldset__element fr-fieldset__element--inline app-service-name' },
    el('div', { className: 'fr-input-group' },
      el('label', { className: 'fr-label', for: nameId }, el('span', { className: 'app-required', dataset: { i18n: 'create.service_name' } })),
      el('input', {
        className: 'fr-input', type: 'text', id: nameId, name: nameId, autocomplete: 'off', required: true, value: values.name || '',
      }),
      el('div', { className: 'fr-messages-group', id: `${nameId}-messages`, 'aria-live': 'polite' }))),
  el('div', { className: 'fr-fieldset__element fr-fieldset__element--inline app-service-remove' }, remove));
  remove.addEventListener('click', () => {
    const rows = serviceRows();
    const index = rows.indexOf(row);
    row.remove();
    renumberServices();
    const next = serviceRows()[index] || serviceRows()[index - 1];
    (next ? next.querySelector('input') : $('add-service')).focus();
  });
  servicesList.append(row);
  renumberServices();
  return row;
}

$('add-service').addEventListener('click', () => {
  const row = addService();
  row.querySelector('input').focus();
});

// ---------------------------------------------------------------- sending

const value = (id) => $(id).value.trim();
const orNull = (id) => value(id) || null;

function collectBody() {
  const person = $('create-identifier-type').value === 'PARTICULIER';
  return {
    identifier_type: $('create-identifier-type').value,
    identifier: value('create-identifier'),
    designation: value('create-designation'),
    label: orNull('create-label'),
    structure_type: $('create-structure-type').value,
    last_name: person ? value('create-last-name') : null,
    first_name: person ? value('create-first-name') : null,
    address: {
      line1: value('create-address-line1'),
      line2: orNull('create-address-line2'),
      postal_code: value('create-postal-code'),
      city: value('create-city'),
      country: $('create-country').value,
    },
    services: serviceRows().map((row) => ({
      code: $(row.dataset.codeId).value.trim(),
      name: $(row.dataset.nameId).value.trim(),
    })),
  };
}

handleSubmit(form, {
  errors,
  feedback,
  statuses: null,
  buttons: () => [$('create-submit')],
  send: () => api.post('/api/structures', collectBody()),
  leaves: true,
  onSuccess: (created) => {
    setFlash('structure_created', { designation: created.designation });
    window.location.assign(`structure.html?id=${encodeURIComponent(created.structure_id)}`);
  },
  // The server checks the shape of the request before the mandatory values: say at once what is missing too.
  showFields: (error) => {
    const reported = new Set(Object.keys(error.fields).map((path) => errors.fieldFor(path)?.[1]));
    const missing = fields()
      .filter(([, id]) => !reported.has(id) && $(id).required && !$(id).closest('[hidden]') && !$(id).value.trim())
      .map(([, id, key, text]) => [id, t('form.required', { label: text || t(key) })]);
    errors.show(error, { extra: missing });
  },
});

onLangChange(() => {
  fillIdentifierTypes();
  fillCountries($('create-country'), { selected: $('create-country').value || DEFAULT_COUNTRY });
  applyIdentifierType();
  renumberServices();
});

// ---------------------------------------------------------------- start

(async () => {
  fillIdentifierTypes();
  fillCountries($('create-country'), { selected: $('create-country').value || DEFAULT_COUNTRY });
  const params = new URLSearchParams(window.location.search);
  if (params.get('designation')) $('create-designation').value = params.get('designation');
  if (params.get('identifier')) $('create-identifier').value = params.get('identifier');
  if (IDENTIFIER_TYPES.includes(params.get('identifier_type'))) $('create-identifier-type').value = params.get('identifier_type');
  if (['PRIVEE', 'PUBLIQUE'].includes(params.get('structure_type'))) $('create-structure-type').value = params.get('structure_type');
  applyIdentifierType();
  renumberServices();
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
  } catch (error) {
    showApiError(feedback, error, { focus: false });
  }
  markReady();
})();
