// A structure's page (?id=ID): its details and services (GET /api/structures/{id}), the user's own request or link
// (« Ma demande de rattachement ») and, for its managers, the way to « Activité du gestionnaire ».
// Its managers (can_manage) also administer it here (guide §4, « Consulter / modifier la structure »):
// - « Modifier »: address and contact details (PUT /api/structures/{id} with the version read: a 409 says the record
//   changed meanwhile and offers to reload it; identifier, type and designation stay read-only);
// - services: « Ajouter un service » (POST …/services), « Renommer » (PUT …/services/{code}, in a modal) and
//   « Désactiver » (GET …/services/{code}/deactivation counts the users concerned for the confirmation modal, then
//   POST …/deactivation).
import { api, ApiError } from '../api.js';
import { DEFAULT_COUNTRY } from '../countries.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { countryName, formatDateTime, onLangChange, setLang, t } from '../i18n.js';
import { buildAlert, markReady, renderBanner, showAlert, startPage } from '../layout.js';
import {
  $, button, closeModal, describe, el, emptyRow, fillCountries, formatDay, identifierTypeLabel, membershipStatusText,
  openModal, scopeText, servicesText, structureTypeLabel, takeFlash, td, waitingForText,
} from '../ui.js';

startPage();

const structureId = new URLSearchParams(window.location.search).get('id') || '';
const structurePath = `/api/structures/${encodeURIComponent(structureId)}`;
const flash = takeFlash();
let structure = null;
let editing = false;
let busy = false; // one change at a time from the services table and its modals

function render() {
  const s = structure;
  document.title = t('title.structure_named', { designation: s.designation });
  $('structure-title').textContent = s.designation;
  $('breadcrumb-structure').textContent = s.designation;

  $('structure-identity').replaceChildren(describe([
    [t('criteria.identifier'), s.identifier, 'structure-identifier'],
    [t('criteria.identifier_type'), identifierTypeLabel(s.identifier_type), 'structure-identifier-type'],
    [t('col.designation'), s.designation, 'structure-designation'],
    [t('criteria.label'), s.label, 'structure-label'],
    [t('criteria.status'), s.status, 'structure-status'],
    [t('criteria.structure_type'), structureTypeLabel(s.structure_type), 'structure-type'],
    ...(s.identifier_type === 'PARTICULIER'
      ? [[t('field.last_name'), s.last_name, 'structure-last-name'], [t('field.first_name'), s.first_name, 'structure-first-name']]
      : []),
  ]));
  const a = s.address || {};
  $('structure-address').replaceChildren(describe([
    [t('field.address.line1'), a.line1, 'structure-address-line1'],
    [t('create.address_line2'), a.line2, 'structure-address-line2'],
    [t('field.address.postal_code'), a.postal_code ?? s.postal_code, 'structure-postal-code'],
    [t('field.address.city'), a.city ?? s.city, 'structure-city'],
    [t('field.address.country'), (a.country ?? s.country) ? countryName(a.country ?? s.country) : '', 'structure-country'],
    [t('field.contact_email'), s.contact_email, 'structure-contact-email'],
    [t('field.phone'), s.phone, 'structure-phone'],
  ]));
  renderAdministration();
  renderServices();

  const mine = s.my_membership;
  if (mine) {
    $('my-membership').replaceChildren(describe([
      [t('col.status'), membershipStatusText(mine), 'my-membership-status'],
      ...(waitingForText(mine) ? [[t('waiting.label'), waitingForText(mine), 'my-membership-waiting-for']] : []),
      [t('col.role'), mine.role, 'my-membership-role'],
      ...(mine.role === 'GESTIONNAIRE_SECONDAIRE' ? [[t('col.scope'), scopeText(mine), 'my-membership-scope']] : []),
      [t('field.valid_from'), formatDay(mine.valid_from), 'my-membership-valid-from'],
      [t('field.valid_until'), formatDay(mine.valid_until), 'my-membership-valid-until'],
      [t('col.services'), servicesText(mine.services), 'my-membership-services'],
      [t('field.comment'), mine.comment, 'my-membership-comment'],
      [t('structure.requested_at'), formatDateTime(mine.requested_at), 'my-membership-requested-at'],
      [t('structure.decided_at'), formatDateTime(mine.decided_at), 'my-membership-decided-at'],
      [t('structure.decision_reason'), mine.decision_reason, 'my-membership-reason'],
    ]));
  } else {
    $('my-membership').replaceChildren(el('p', { className: 'app-empty', id: 'my-membership-none' }, t('structure.no_membership')));
  }
  // The guide's « Liste des services » of the request: each service with its own dates, status and comment.
  const myServices = mine?.services || [];
  $('my-services-zone').hidden = myServices.length === 0;
  $('my-services-body').replaceChildren(...myServices.map((service, i) => el('tr', {},
    td(String(i + 1)), td(service.code), td(service.name), td(formatDay(service.valid_from)),
    td(formatDay(service.valid_until)), td(service.status), td(service.comment || ''))));
  $('structure-manage-item').hidden = !s.can_manage;
  $('structure-manage-link').href = `activite-gestionnaire.html?structure=${encodeURIComponent(s.structure_id)}`;
  const canAsk = !mine || ['REFUSEE', 'SUPPRIMEE'].includes(mine.status);
  $('structure-request-item').hidden = !canAsk;
  $('structure-request-link').href = `rattachement-demande.html?structure=${encodeURIComponent(s.structure_id)}`;
}

/** The managers' controls: « Modifier » (or its form, in place of the address) and « Ajouter un service ». */
function renderAdministration() {
  const manage = Boolean(structure.can_manage);
  if (!manage) editing = false;
  $('structure-edit-button').hidden = !manage || editing;
  $('structure-edit-button').setAttribute('aria-expanded', String(editing));
  $('structure-edit-form').hidden = !editing;
  $('structure-address').hidden = editing;
  $('service-add-form').hidden = !manage;
}

async function reload() {
  structure = await api.get(structurePath);
  render();
}

// ---------------------------------------------------------------- « Modifier »: address and contact details

const editForm = $('structure-edit-form');
const formFeedback = $('structure-form-feedback');
const editErrors = createFormErrors({
  feedback: formFeedback,
  alertId: 'structure-form-errors',
  fields: () => [
    ['address.line1', 'edit-address-line1', 'field.address.line1'],
    ['address.line2', 'edit-address-line2', 'create.address_line2'],
    ['address.postal_code', 'edit-postal-code', 'field.address.postal_code'],
    ['address.city', 'edit-city', 'field.address.city'],
    ['address.country', 'edit-country', 'field.address.country'],
    ['contact_email', 'edit-contact-email', 'field.contact_email'],
    ['phone', 'edit-phone', 'field.phone'],
  ],
});

function fillEditForm() {
  const a = structure.address || {};
  $('edit-address-line1').value = a.line1 || '';
  $('edit-address-line2').value = a.line2 || '';
  $('edit-postal-code').value = a.postal_code || '';
  $('edit-city').value = a.city || '';
  fillCountries($('edit-country'), { selected: a.country || DEFAULT_COUNTRY });
  $('edit-contact-email').value = structure.contact_email || '';
  $('edit-phone').value = structure.phone || '';
}

function openEdit() {
  editing = true;
  fillEditForm();
  editErrors.clear();
  formFeedback.replaceChildren();
  $('structure-edit-feedback').replaceChildren();
  renderAdministration();
  $('structure-edit-title').focus();
}

function closeEdit() {
  editing = false;
  editErrors.clear();
  formFeedback.replaceChildren();
  renderAdministration();
}

$('structure-edit-button').addEventListener('click', openEdit);
$('structure-edit-cancel').addEventListener('click', () => {
  if (edit.isSending()) return;
  closeEdit();
  $('structure-edit-button').focus();
});

const value = (id) => $(id).value.trim();

function editBody() {
  return {
    version: structure.version,
    address: {
      line1: value('edit-address-line1'),
      line2: value('edit-address-line2') || null,
      postal_code: value('edit-postal-code'),
      city: value('edit-city'),
      country: $('edit-country').value,
    },
    contact_email: value('edit-contact-email') || null,
    phone: value('edit-phone') || null,
  };
}

/** 409: the record changed since it was read. Nothing was saved; the form can be refilled with what is saved. */
function showConflict(error) {
  const reloadButton = button({ text: t('admin.reload'), id: 'structure-reload', kind: 'secondary', size: 'sm', icon: 'refresh-line' });
  reloadButton.addEventListener('click', async () => {
    try {
      await reload();
      fillEditForm();
      showAlert(formFeedback, {
        type: 'info', id: 'structure-reloaded', role: 'status', title: t('admin.conflict_title'), body: [t('admin.reloaded')],
      }, { focus: true });
    } catch (reloadError) {
      showApiError(formFeedback, reloadError, { id: 'structure-reload-error' });
    }
  });
  showAlert(formFeedback, {
    type: 'error', id: 'structure-conflict', title: t('admin.conflict_title'), body: [error.message, reloadButton],
  }, { focus: true });
}

const edit = handleSubmit(editForm, {
  errors: editErrors,
  feedback: formFeedback,
  buttons: () => [$('structure-edit-submit'), $('structure-edit-cancel')],
  ready: () => Boolean(structure) && editing,
  send: () => api.put(structurePath, editBody()),
  onSuccess: (saved) => {
    structure = saved;
    editing = false;
    render();
    showAlert($('structure-edit-feedback'), {
      type: 'success', id: 'structure-saved', role: 'status', title: t('admin.saved_title'),
      body: [t('admin.saved', { designation: saved.designation })],
    }, { focus: true });
  },
  onError: (error) => {
    if (!(error instanceof ApiError && error.status === 409)) return false;
    editErrors.clear();
    showConflict(error);
    return true;
  },
});

// ---------------------------------------------------------------- services

function serviceActions(service, index) {
  const named = () => el('span', { className: 'fr-sr-only' }, ` – ${service.code} ${service.name}`);
  const rename = el('button', {
    type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary', id: `service-rename-${index}`,
    dataset: { code: service.code },
  }, t('admin.rename'), named());
  rename.addEventListener('click', () => openRename(service));
  const deactivate = el('button', {
    type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-btn--icon-left fr-icon-close-circle-line',
    id: `service-deactivate-${index}`, dataset: { code: service.code },
  }, t('admin.deactivate'), named());
  deactivate.addEventListener('click', () => confirmDeactivation(service, deactivate));
  return el('td', {}, el('div', { className: 'app-row-actions' }, rename, deactivate));
}

function renderServices() {
  const manage = Boolean(structure.can_manage);
  const services = structure.services || [];
  $('structure-services-actions').hidden = !manage;
  $('structure-services-body').replaceChildren(...(services.length
    ? services.map((service, i) => el('tr', { dataset: { code: service.code } },
      td(String(i + 1)), td(service.code), td(service.name), manage ? serviceActions(service, i) : null))
    : [emptyRow(manage ? 4 : 3, t('structure.no_services'))]));
}

/** After a change: the structure as saved, then the outcome said where the focus lands. */
async function afterServiceChange(alert) {
  try {
    await reload();
  } catch (error) {
    showApiError($('services-feedback'), error, { id: 'services-reload-error' });
    return;
  }
  showAlert($('services-feedback'), { ...alert, type: 'success', role: 'status' }, { focus: true });
}

// « Ajouter un service »

const addErrors = createFormErrors({
  feedback: $('service-add-feedback'),
  alertId: 'service-add-errors',
  fields: () => [
    ['code', 'service-add-code', 'create.service_code'],
    ['name', 'service-add-name', 'create.service_name'],
  ],
});

handleSubmit($('service-add-form'), {
  errors: addErrors,
  feedback: $('service-add-feedback'),
  buttons: () => [$('service-add-submit')],
  ready: () => Boolean(structure) && !busy,
  onBusy: (sending) => { busy = sending; },
  send: () => api.post(`${structurePath}/services`, { code: value('service-add-code'), name: value('service-add-name') }),
  onSuccess: async (service) => {
    $('service-add-code').value = '';
    $('service-add-name').value = '';
    await afterServiceChange({ id: 'service-added', title: t('admin.service_added_title'), body: [t('admin.service_added', service)] });
  },
});

// « Renommer »

let renaming = null;
const renameModal = $('rename-modal');
const renameErrors = createFormErrors({
  feedback: $('rename-modal-feedback'),
  alertId: 'rename-errors',
  fields: () => [['name', 'rename-name', 'create.service_name']],
});

/** Once the modal shows (the DSFR moves the focus into it when its opening ends), the field gets the focus. */
function focusWhenShown(node, frames = 60) {
  if (document.activeElement === node || frames === 0) return;
  if (renameModal.classList.contains('fr-modal--opened') && node.offsetParent !== null) node.focus();
  requestAnimationFrame(() => focusWhenShown(node, frames - 1));
}

function openRename(service) {
  if (busy) return;
  renaming = service;
  $('rename-modal-service').textContent = t('admin.rename_service', { code: service.code });
  $('rename-name').value = service.name;
  renameErrors.clear();
  $('rename-modal-feedback').replaceChildren();
  openModal(renameModal);
  focusWhenShown($('rename-name'));
}

handleSubmit($('rename-form'), {
  errors: renameErrors,
  feedback: $('rename-modal-feedback'),
  buttons: () => [$('rename-submit'), $('rename-cancel')],
  ready: () => Boolean(renaming) && !busy,
  onBusy: (sending) => { busy = sending; },
  send: () => api.put(`${structurePath}/services/${encodeURIComponent(renaming.code)}`, { name: value('rename-name') }),
  onSuccess: async (service) => {
    closeModal(renameModal);
    renaming = null;
    await afterServiceChange({ id: 'service-renamed', title: t('admin.renamed_title'), body: [t('admin.renamed', service)] });
  },
});
$('rename-cancel').addEventListener('click', () => closeModal(renameModal));

// « Désactiver »: a confirmation that says how many users are concerned, then the deactivation

let deactivating = null;
const deactivateModal = $('service-deactivate-modal');

function impactText({ users, subscriptions }) {
  if (!users) return t('admin.deactivate_count_none');
  if (users === 1) return t(subscriptions === 1 ? 'admin.deactivate_count_one_single' : 'admin.deactivate_count_one', { subscriptions });
  return t('admin.deactivate_count', { users, subscriptions });
}

async function confirmDeactivation(service, opener) {
  if (busy) return;
  busy = true;
  opener.disabled = true;
  $('services-feedback').replaceChildren();
  try {
    const impact = await api.get(`${structurePath}/services/${encodeURIComponent(service.code)}/deactivation`);
    deactivating = service;
    $('service-deactivate-question').textContent = t('admin.deactivate_question', service);
    $('service-deactivate-count').textContent = impactText(impact);
    $('service-deactivate-feedback').replaceChildren();
    openModal(deactivateModal);
  } catch (error) {
    showApiError($('services-feedback'), error, { id: 'service-impact-error', title: t('admin.impact_error_title') });
  } finally {
    busy = false;
    opener.disabled = false;
  }
}

$('service-deactivate-ok').addEventListener('click', async () => {
  if (busy || !deactivating) return;
  busy = true;
  const ok = $('service-deactivate-ok');
  ok.disabled = true;
  try {
    const done = await api.post(`${structurePath}/services/${encodeURIComponent(deactivating.code)}/deactivation`, {});
    closeModal(deactivateModal);
    deactivating = null;
    await afterServiceChange({
      id: 'service-deactivated', title: t('admin.deactivated_title'),
      body: [t('admin.deactivated', {
        code: done.code, name: done.name, ended: done.memberships_ended, changed: done.memberships_changed,
        revoked: done.subscriptions_revoked,
      })],
    });
  } catch (error) {
    showApiError($('service-deactivate-feedback'), error, { id: 'service-deactivate-error' });
  } finally {
    busy = false;
    ok.disabled = false;
  }
});
$('service-deactivate-cancel').addEventListener('click', () => closeModal(deactivateModal));

// ---------------------------------------------------------------- start

/** The message the previous page left (« Structure créée »), in the current language. */
function renderFlash() {
  if (!flash) return;
  $('structure-flash').replaceChildren(buildAlert({
    type: 'success', id: 'flash-alert', role: 'status', title: t(`flash.${flash.key}.title`),
    body: [t(`flash.${flash.key}`, flash.params || {})],
  }));
}

onLangChange(() => {
  if (!structure) return;
  render();
  renderFlash();
  if (editing) fillCountries($('edit-country'), { selected: $('edit-country').value || DEFAULT_COUNTRY });
});

(async () => {
  try {
    const [me, detail] = await Promise.all([
      api.get('/api/me'),
      structureId ? api.get(structurePath) : Promise.reject(new Error('no id')),
    ]);
    setLang(me.language);
    renderBanner(me);
    structure = detail;
    render();
    renderFlash();
    $('structure-content').hidden = false;
    if (window.location.hash === '#ma-demande') $('ma-demande').focus();
  } catch (error) {
    showApiError($('structure-feedback'), error, { id: 'load-error', title: t('structure.load_error'), focus: false });
  }
  $('structure-loading').hidden = true;
  markReady();
})();
