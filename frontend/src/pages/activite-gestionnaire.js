// « Activité du gestionnaire »: the pending rattachement requests of every structure the user manages
// (GET /api/manager/requests), decided in bulk (POST /api/manager/requests/decide, one result per request; a request on
// several services lists them with a box each, ticked: those unticked are refused by « Valider la sélection »); and for one
// managed structure: its users (GET /api/structures/{id}/members), their role (POST …/members/{uid}/role, principal
// manager only), « Rattacher un utilisateur » (POST /api/structures/{id}/members) and the transfer of the principal
// manager's role (the designation step of « Supprimer rattachements »); any manager ends a member's rattachement
// (« Supprimer le rattachement », POST …/members/{uid}/delete) after a confirmation; its pending subscription requests
// and « Paramétrage des espaces » (guide §5: manager-subscriptions.js).
import { api, ApiError } from '../api.js';
import { createDesignation } from '../designate.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { formatDateTime, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { createManagerSubscriptions } from '../manager-subscriptions.js';
import {
  $, closeModal, el, emptyRow, formatDay, membershipStatusText, openModal, personName, scopeText, selectCell,
  serviceDatesText, td, todayIso,
} from '../ui.js';

startPage();

const PRINCIPAL = 'GESTIONNAIRE_PRINCIPAL';
const SECONDARY = 'GESTIONNAIRE_SECONDAIRE';
const ENDABLE = ['VALIDEE', 'DESACTIVEE']; // the links a manager may end (MEMBERSHIP « end »)
const REASON_MAX = 255;

const state = {
  structures: [],
  requests: [],
  selectedRequests: new Set(),
  refusedServices: new Map(), // request key -> codes unticked (refused when the request is validated)
  current: null, // the managed structure shown: {structure_id, identifier, designation, role, manager_scope}
  detail: null, // GET /api/structures/{id} of the current one (its services)
  members: [],
  roleTarget: null,
  busy: false,
};

const requestKey = (r) => `${r.structure_id}|${r.user_id}`;
const isPrincipal = () => state.current?.role === PRINCIPAL;
const canAttach = () => isPrincipal() || (state.current?.role === SECONDARY && state.current?.manager_scope === 'GESTIONNAIRE');

const subscriptions = createManagerSubscriptions({ current: () => state.current, manages: canAttach });

// ---------------------------------------------------------------- pending requests

function renderRequests() {
  const body = $('requests-body');
  const n = state.requests.length;
  // With no request, the table's own line says so.
  $('requests-count').textContent = n === 0 ? '' : (n === 1 ? t('manager.requests_one') : t('manager.requests_n', { n }));
  $('requests-decision').hidden = n === 0;
  $('requests-services-hint').hidden = !state.requests.some(decidedOneByOne);
  if (!n) {
    body.replaceChildren(emptyRow(8, t('manager.requests_none')));
    return;
  }
  body.replaceChildren(...state.requests.map((r, i) => {
    const key = requestKey(r);
    const who = personName(r);
    return el('tr', { dataset: { key }, 'aria-selected': state.selectedRequests.has(key) ? 'true' : null },
      selectCell({
        id: `request-select-${i}`, name: 'request-select', value: key, checked: state.selectedRequests.has(key),
        label: t('manager.select_request', { name: who, designation: r.designation }),
      }),
      td([el('span', {}, r.designation), el('br'), el('span', { className: 'fr-text--xs app-muted' }, r.identifier),
        // Escalated: its principal manager is unavailable, so it reached the other managers too.
        ...(r.escalated ? [el('br'), el('span', { className: 'fr-text--xs app-escalated', id: `request-escalated-${i}` },
          t('manager.escalated'))] : [])]),
      td([el('span', {}, who), el('br'), el('span', { className: 'fr-text--xs app-muted' }, r.contact_email || '')]),
      td(serviceChoices(r, i)),
      td(formatDay(r.valid_from)),
      td(formatDay(r.valid_until)),
      td(r.comment || ''),
      td(formatDateTime(r.requested_at)));
  }));
}

/** A request on several services: the manager validates some and refuses the others. */
const decidedOneByOne = (r) => (r.services || []).length > 1;
const refusedOf = (r) => state.refusedServices.get(requestKey(r)) || new Set();

/** A service's dates and its requester's comment. */
const serviceDetails = (s) => [serviceDatesText(s), s.comment].filter(Boolean).join(' · ');

/**
 * The services of a request: « Toute la structure », the one service, or, for several, a box per service (ticked:
 * validated by « Valider la sélection »; unticked: refused), in a fieldset naming the request.
 */
function serviceChoices(r, index) {
  const services = r.services || [];
  if (!services.length) return t('services.whole');
  if (!decidedOneByOne(r)) {
    const s = services[0];
    return [el('span', {}, `${s.code} - ${s.name}`), el('br'),
      el('span', { className: 'fr-text--xs app-muted' }, serviceDetails(s))];
  }
  const key = requestKey(r);
  const refused = refusedOf(r);
  return el('fieldset', { className: 'fr-fieldset app-service-choices', id: `request-services-${index}` },
    el('legend', { className: 'fr-fieldset__legend fr-sr-only' },
      t('manager.services_legend', { name: personName(r), designation: r.designation })),
    ...services.map((s, j) => {
      const id = `request-${index}-service-${j}`;
      return el('div', { className: 'fr-fieldset__element' }, el('div', { className: 'fr-checkbox-group fr-checkbox-group--sm' },
        el('input', {
          type: 'checkbox', id, name: 'service-choice', value: s.code, checked: !refused.has(s.code), dataset: { key },
        }),
        el('label', { className: 'fr-label', for: id }, t('manager.validate_service', { code: s.code, name: s.name }),
          el('span', { className: 'fr-hint-text' }, serviceDetails(s)))));
    }));
}

$('requests-body').addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement)) return;
  if (box.name === 'service-choice') {
    const key = box.dataset.key;
    const refused = state.refusedServices.get(key) || new Set();
    if (box.checked) refused.delete(box.value);
    else refused.add(box.value);
    state.refusedServices.set(key, refused);
    // Choosing the services of a request selects it.
    if (!state.selectedRequests.has(key)) {
      state.selectedRequests.add(key);
      const select = [...$('requests-body').querySelectorAll('input[name=request-select]')].find((b) => b.value === key);
      if (select) select.checked = true;
      select?.closest('tr')?.setAttribute('aria-selected', 'true');
    }
    return;
  }
  if (box.name !== 'request-select') return;
  if (box.checked) state.selectedRequests.add(box.value);
  else state.selectedRequests.delete(box.value);
});

/** What a decision sends for a request: the services unticked are refused when it is validated. */
function decisionTarget(r, decision) {
  const target = { structure_id: r.structure_id, user_id: r.user_id };
  const refused = [...refusedOf(r)];
  if (decision === 'VALIDER' && decidedOneByOne(r) && refused.length) target.refused_services = refused;
  return target;
}

/** « (services validés : ATELIER ; refusés : POSE) » after a result line of a request on several services. */
function decidedLine(r, line, decision) {
  if (!decidedOneByOne(r)) return line;
  const refused = decision === 'VALIDER' ? refusedOf(r) : new Set(r.services.map((s) => s.code));
  const codes = (list) => list.map((s) => s.code).join(', ') || t('manager.none');
  return t('manager.decided_services', {
    line,
    validated: codes(r.services.filter((s) => !refused.has(s.code))),
    refused: codes(r.services.filter((s) => refused.has(s.code))),
  });
}

function renderReasonCounter() {
  const left = REASON_MAX - $('decision-reason').value.length;
  $('decision-reason-counter').textContent = left === 1 ? t('request.counter_one') : t('request.counter', { n: left });
}
$('decision-reason').addEventListener('input', renderReasonCounter);

async function decide(decision) {
  if (state.busy) return;
  const feedback = $('requests-feedback');
  const chosen = state.requests.filter((r) => state.selectedRequests.has(requestKey(r)));
  if (!chosen.length) {
    showAlert(feedback, {
      type: 'error', id: 'requests-none-selected', title: t('manager.none_selected_title'), body: [t('manager.none_selected')],
    }, { focus: true });
    return;
  }
  state.busy = true;
  $('approve-button').disabled = true;
  $('reject-button').disabled = true;
  const reason = $('decision-reason').value.trim() || null;
  try {
    const answer = await api.post('/api/manager/requests/decide', {
      decision, reason, requests: chosen.map((r) => decisionTarget(r, decision)),
    });
    const byKey = new Map(chosen.map((r) => [requestKey(r), r]));
    const lines = [];
    let failures = 0;
    for (const result of answer.results || []) {
      const r = byKey.get(requestKey(result)) || result;
      const who = personName(r) || result.user_id;
      if (result.error) {
        failures += 1;
        lines.push(t('manager.decided_error', { name: who, designation: r.designation || '', error: result.error }));
      } else {
        lines.push(decidedLine(r, t('manager.decided', { name: who, designation: r.designation || '', status: result.status }), decision));
      }
    }
    const list = el('ul', { id: 'decision-results' }, ...lines.map((line) => el('li', {}, line)));
    $('decision-reason').value = '';
    renderReasonCounter();
    state.selectedRequests.clear();
    await loadRequests();
    if (state.current) await loadMembers();
    showAlert(feedback, failures
      ? { type: 'warning', id: 'decision-alert', title: t('manager.decided_some_title'), body: [list] }
      : { type: 'success', id: 'decision-alert', role: 'status', title: t('manager.decided_title'), body: [list] },
    { focus: true });
  } catch (error) {
    if (error instanceof ApiError && error.fields && error.fields.reason) {
      showAlert(feedback, { type: 'error', id: 'decision-alert', title: t('alert.errors_title'), body: [String(error.fields.reason)] }, { focus: true });
    } else {
      showApiError(feedback, error, { id: 'decision-alert' });
    }
  } finally {
    state.busy = false;
    $('approve-button').disabled = false;
    $('reject-button').disabled = false;
  }
}

$('approve-button').addEventListener('click', () => decide('VALIDER'));
$('reject-button').addEventListener('click', () => decide('REFUSER'));

async function fetchRequests() {
  try {
    return await api.get('/api/manager/requests');
  } catch (error) {
    // The API refuses a caller who manages no structure: the page says so instead of an error.
    if (error instanceof ApiError && error.status === 403 && error.code === 'forbidden') return { structures: [], requests: [] };
    throw error;
  }
}

async function loadRequests() {
  const data = await fetchRequests();
  $('second-factor-notice').hidden = !data.second_factor_advised;
  state.structures = data.structures || [];
  state.requests = data.requests || [];
  const keys = new Set(state.requests.map(requestKey));
  state.selectedRequests = new Set([...state.selectedRequests].filter((k) => keys.has(k)));
  state.refusedServices = new Map([...state.refusedServices].filter(([k]) => keys.has(k)));
  renderRequests();
  renderStructureSelect();
  return data;
}

// ---------------------------------------------------------------- one managed structure

function renderStructureSelect() {
  const select = $('managed-structure');
  const wanted = state.current?.structure_id || select.value;
  select.replaceChildren(...state.structures.map((s) =>
    el('option', { value: s.structure_id }, `${s.designation} (${s.identifier})`)));
  const still = state.structures.find((s) => s.structure_id === wanted);
  state.current = still || state.structures[0] || null;
  if (state.current) select.value = state.current.structure_id;
  renderRole();
}

function renderRole() {
  const s = state.current;
  if (!s) return;
  const role = s.role === SECONDARY ? `${s.role} (${scopeText(s)})` : s.role;
  $('managed-role').textContent = t('manager.your_role', { role });
  $('history-link').href = `historique.html?id=${encodeURIComponent(s.structure_id)}`;
  $('attach-section').hidden = !canAttach();
  $('transfer-section').hidden = !isPrincipal();
}

function memberActions(member, index) {
  const who = el('span', { className: 'fr-sr-only' }, ` – ${personName(member)}`);
  const buttons = [];
  if (isPrincipal() && member.role !== PRINCIPAL && member.status === 'VALIDEE') buttons.push(...roleButtons(member, index, who));
  // « Supprimer le rattachement »: any manager, for a member other than the principal (whose role is handed over).
  if (canAttach() && member.role !== PRINCIPAL && ENDABLE.includes(member.status)) {
    const remove = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-btn--icon-left fr-icon-delete-bin-line',
      id: `member-delete-${index}`,
    }, t('admin.member_delete'), who.cloneNode(true));
    remove.addEventListener('click', () => openMemberDelete(member));
    buttons.push(remove);
  }
  return buttons.length ? el('td', {}, el('div', { className: 'app-row-actions' }, ...buttons)) : td('');
}

function roleButtons(member, index, who) {
  const buttons = [];
  if (member.role === SECONDARY) {
    const scope = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary', id: `member-scope-${index}`,
    }, t('manager.change_scope'), who.cloneNode(true));
    scope.addEventListener('click', () => openRoleModal(member, 'scope'));
    const demote = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary', id: `member-demote-${index}`,
    }, t('manager.make_user'), who.cloneNode(true));
    demote.addEventListener('click', () => changeRole(member, { role: 'UTILISATEUR', manager_scope: null }));
    buttons.push(scope, demote);
  } else {
    const promote = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary', id: `member-promote-${index}`,
    }, t('manager.make_secondary'), who.cloneNode(true));
    promote.addEventListener('click', () => openRoleModal(member, 'promote'));
    buttons.push(promote);
  }
  return buttons;
}

function renderMembers() {
  const body = $('members-body');
  const n = state.members.length;
  $('members-count').textContent = n === 1 ? t('manager.members_one') : t('manager.members_n', { n });
  if (!n) {
    body.replaceChildren(emptyRow(7, t('manager.members_none')));
    return;
  }
  body.replaceChildren(...state.members.map((m, i) => el('tr', { dataset: { userId: m.user_id } },
    td(m.last_name), td(m.first_name), td(m.contact_email), td(m.role), td(scopeText(m)),
    td(membershipStatusText(m)), memberActions(m, i))));
}

async function loadMembers() {
  const s = state.current;
  if (!s) return;
  const status = $('members-status').value;
  const feedback = $('members-feedback');
  try {
    const data = await api.get(`/api/structures/${encodeURIComponent(s.structure_id)}/members${status ? `?status=${status}` : ''}`);
    state.members = data.members || [];
    feedback.replaceChildren();
  } catch (error) {
    state.members = [];
    showApiError(feedback, error, { id: 'members-error', focus: false });
  }
  renderMembers();
}

async function loadDetail() {
  const s = state.current;
  if (!s) return;
  try {
    state.detail = await api.get(`/api/structures/${encodeURIComponent(s.structure_id)}`);
  } catch {
    state.detail = null;
  }
  renderAttachServices();
}

async function selectStructure() {
  const id = $('managed-structure').value;
  state.current = state.structures.find((s) => s.structure_id === id) || null;
  renderRole();
  for (const zone of ['members-feedback', 'attach-feedback', 'transfer-feedback']) $(zone).replaceChildren();
  attachErrors.clear();
  await Promise.all([loadMembers(), loadDetail(), subscriptions.load()]);
}

$('managed-structure').addEventListener('change', selectStructure);
$('members-status').addEventListener('change', loadMembers);

// ---------------------------------------------------------------- role of a member

function openRoleModal(member, mode) {
  state.roleTarget = member;
  $('role-modal-title').textContent = mode === 'promote' ? t('manager.make_secondary') : t('manager.change_scope');
  $('role-modal-member').textContent = t('manager.role_member', {
    name: personName(member), email: member.contact_email || '', designation: state.current.designation,
  });
  $('role-modal-feedback').replaceChildren();
  const scope = member.manager_scope === 'UTILISATEUR' ? 'UTILISATEUR' : 'GESTIONNAIRE';
  $(scope === 'GESTIONNAIRE' ? 'role-scope-manager' : 'role-scope-user').checked = true;
  openModal($('role-modal'));
}

async function changeRole(member, body, { fromModal = false } = {}) {
  const feedback = fromModal ? $('role-modal-feedback') : $('members-feedback');
  try {
    await api.post(
      `/api/structures/${encodeURIComponent(state.current.structure_id)}/members/${encodeURIComponent(member.user_id)}/role`, body,
    );
    if (fromModal) closeModal($('role-modal'));
    await loadMembers();
    const role = body.role === SECONDARY ? `${body.role} (${t(`scope.${body.manager_scope}`)})` : body.role;
    showAlert($('members-feedback'), {
      type: 'success', id: 'role-alert', role: 'status', title: t('manager.role_changed_title'),
      body: [t('manager.role_changed', { name: personName(member), role })],
    }, { focus: !fromModal });
  } catch (error) {
    showApiError(feedback, error, { id: 'role-error' });
  }
}

$('role-modal-submit').addEventListener('click', () => {
  const scope = document.querySelector('input[name=role_scope]:checked')?.value || 'GESTIONNAIRE';
  changeRole(state.roleTarget, { role: SECONDARY, manager_scope: scope }, { fromModal: true });
});
$('role-modal-cancel').addEventListener('click', () => closeModal($('role-modal')));

// ---------------------------------------------------------------- « Supprimer le rattachement » of a member

let memberToDelete = null;

function openMemberDelete(member) {
  if (state.busy) return;
  memberToDelete = member;
  $('member-delete-question').textContent = t('admin.member_delete_question', {
    name: personName(member), email: member.contact_email || '', designation: state.current.designation,
  });
  $('member-delete-feedback').replaceChildren();
  openModal($('member-delete-modal'));
}

$('member-delete-ok').addEventListener('click', async () => {
  const member = memberToDelete;
  if (state.busy || !member || !state.current) return;
  state.busy = true;
  $('member-delete-ok').disabled = true;
  const structure = state.current;
  try {
    await api.post(
      `/api/structures/${encodeURIComponent(structure.structure_id)}/members/${encodeURIComponent(member.user_id)}/delete`, {},
    );
    closeModal($('member-delete-modal'));
    memberToDelete = null;
    await loadMembers();
    showAlert($('members-feedback'), {
      type: 'success', id: 'member-deleted-alert', role: 'status', title: t('admin.member_deleted_title'),
      body: [t('admin.member_deleted', { name: personName(member), designation: structure.designation })],
    }, { focus: true });
  } catch (error) {
    showApiError($('member-delete-feedback'), error, { id: 'member-delete-error' });
  } finally {
    state.busy = false;
    $('member-delete-ok').disabled = false;
  }
});
$('member-delete-cancel').addEventListener('click', () => closeModal($('member-delete-modal')));

// ---------------------------------------------------------------- « Rattacher un utilisateur »

const attachErrors = createFormErrors({
  feedback: $('attach-feedback'),
  alertId: 'attach-errors',
  fields: () => [
    ['login', 'attach-login', 'manager.attach_login'],
    ['valid_from', 'attach-valid-from', 'field.valid_from'],
    ['valid_until', 'attach-valid-until', 'field.valid_until'],
    ['services', 'attach-services', 'col.services'],
  ],
});

function renderAttachServices() {
  const services = state.detail?.services || [];
  const zone = $('attach-service-list');
  const whole = $('attach-whole');
  whole.disabled = services.length === 0;
  if (!services.length) whole.checked = true;
  const chosen = new Set([...zone.querySelectorAll('input:checked')].map((b) => b.value));
  zone.replaceChildren(...services.map((service, i) => el('div', { className: 'fr-fieldset__element' },
    el('div', { className: 'fr-checkbox-group' },
      el('input', {
        type: 'checkbox', id: `attach-service-${i}`, name: 'attach_service', value: service.code,
        checked: whole.checked || chosen.has(service.code), disabled: whole.checked,
      }),
      el('label', { className: 'fr-label', for: `attach-service-${i}` }, `${service.code} - ${service.name}`)))));
}

$('attach-whole').addEventListener('change', () => {
  for (const box of $('attach-service-list').querySelectorAll('input')) {
    box.disabled = $('attach-whole').checked;
    box.checked = $('attach-whole').checked;
  }
});

const attachServices = () => ($('attach-whole').checked
  ? []
  : [...$('attach-service-list').querySelectorAll('input:checked')].map((b) => b.value));

handleSubmit($('attach-form'), {
  errors: attachErrors,
  feedback: $('attach-feedback'),
  statuses: null,
  buttons: () => [$('attach-submit')],
  onBusy: (busy) => { state.busy = busy; },
  ready: () => Boolean(state.current) && !state.busy,
  check: () => {
    if ($('attach-whole').checked || attachServices().length) return true;
    attachErrors.show(null, { extra: [['attach-services', t('request.services_needed')]] });
    return false;
  },
  send: async () => {
    const body = {
      login: $('attach-login').value.trim(),
      services: attachServices(),
      valid_from: $('attach-valid-from').value,
      valid_until: $('attach-valid-until').value || null,
    };
    await api.post(`/api/structures/${encodeURIComponent(state.current.structure_id)}/members`, body);
    return body;
  },
  onSuccess: async (body) => {
    $('attach-login').value = '';
    $('attach-valid-until').value = '';
    await loadMembers();
    showAlert($('attach-feedback'), {
      type: 'success', id: 'attach-alert', role: 'status', title: t('manager.attached_title'),
      body: [t('manager.attached', { login: body.login, designation: state.current.designation })],
    }, { focus: true });
  },
  onError: (error) => {
    if (!(error instanceof ApiError && error.code === 'user_not_found')) return false;
    attachErrors.show(error, { extra: [['attach-login', error.message]] });
    return true;
  },
});

// ---------------------------------------------------------------- transfer of the principal role

const designation = createDesignation({
  onDone: async (results) => {
    const r = results[0];
    await loadAll({ keep: r.structure.structure_id });
    showAlert($('manager-feedback'), {
      type: 'success', id: 'transfer-alert', role: 'status', title: t('manager.transferred_title'),
      body: [t('memberships.transferred', { designation: r.structure.designation, name: personName(r.successor) || t('designate.someone') })],
    }, { focus: true });
  },
});

$('transfer-button').addEventListener('click', () => {
  if (!state.current || !isPrincipal()) return;
  designation.open([state.current]);
});

// ---------------------------------------------------------------- start

async function loadAll({ keep } = {}) {
  if (keep) state.current = { structure_id: keep };
  await loadRequests();
  const managed = state.structures.length > 0;
  // A secondary manager acting as a user manages no structure but may have escalated requests to decide.
  const shown = managed || state.requests.length > 0;
  $('manager-empty').hidden = shown;
  $('manager-content').hidden = !shown;
  $('structure-section').hidden = !managed;
  if (managed) await Promise.all([loadMembers(), loadDetail(), subscriptions.load()]);
}

onLangChange(() => {
  renderRequests();
  renderStructureSelect();
  renderMembers();
  renderAttachServices();
  renderReasonCounter();
  subscriptions.rerender();
});

(async () => {
  $('attach-valid-from').value = todayIso();
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
    const wanted = new URLSearchParams(window.location.search).get('structure');
    await loadAll({ keep: wanted || undefined });
  } catch (error) {
    showApiError($('manager-feedback'), error, { id: 'load-error', title: t('manager.load_error'), focus: false });
  }
  renderReasonCounter();
  $('manager-loading').hidden = true;
  markReady();
})();
