// « Activité du gestionnaire », for the managed structure shown (guide §5, 2/4): « Demandes d'abonnement en attente »
// (GET /api/structures/{id}/subscription-requests), grouped by user, decided by selection or a user's whole list
// (POST …/subscription-requests/decide); and « Paramétrage des espaces » (GET …/spaces): a space set for the whole
// structure (POST …/spaces, then each user's automatic request is written a moment later) or taken off it (the
// confirmation says how many users lose it: GET …/spaces/holders, then POST …/spaces/remove, which counts nobody).
import { api, ApiError } from './api.js';
import { showApiError } from './forms.js';
import { formatDateTime, spaceLabel, t } from './i18n.js';
import { showAlert } from './layout.js';
import { serviceText } from './subscriptions-block.js';
import { $, closeModal, el, emptyRow, formatDay, openModal, personName, selectCell, td } from './ui.js';

const COLUMNS = 9;
const REASON_MAX = 255;
// The automatic requests and revocations follow a space's change a moment later: the list is read again after these
// delays (« Actualiser » does it on demand).
const FOLLOW_UP_MS = [1000, 3000];

const keyOf = (r) => [r.user_id, r.service_code ?? '', r.space, r.habilitation].join('|');
const rowText = (r) => t('subscription_requests.row', {
  space: spaceLabel(r.space), service: serviceText(r), habilitation: r.habilitation,
});

/**
 * @param {object} o
 * @param {() => ({structure_id: string, designation: string}|null)} o.current  the managed structure shown
 * @param {() => boolean} o.manages  whether the caller acts as a manager there (principal, or secondary acting as one)
 */
export function createManagerSubscriptions({ current, manages }) {
  const state = { requests: [], selected: new Set(), spaces: [], busy: false, target: null, timers: [] };
  const path = (suffix = '') => `/api/structures/${encodeURIComponent(current().structure_id)}${suffix}`;
  // An answer for a structure no longer shown (the person chose another meanwhile) is dropped.
  const stale = (structureId) => current()?.structure_id !== structureId;

  // ------------------------------------------------------------ pending requests

  function groupRow(name, email, rows, index) {
    const who = el('span', { className: 'fr-sr-only' }, ` – ${name}`);
    const approve = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-icon-check-line fr-btn--icon-left',
      id: `subscription-approve-list-${index}`,
    }, t('subscription_requests.approve_list'), who);
    const reject = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-icon-close-line fr-btn--icon-left',
      id: `subscription-reject-list-${index}`,
    }, t('subscription_requests.reject_list'), who.cloneNode(true));
    approve.addEventListener('click', () => decide('VALIDER', rows));
    reject.addEventListener('click', () => decide('REFUSER', rows));
    return el('tr', { className: 'app-group-row', dataset: { userId: rows[0].user_id } },
      el('td', { colSpan: COLUMNS },
        el('div', { className: 'app-group-head' },
          el('p', { className: 'fr-mb-0' }, el('strong', {}, name), email ? ` (${email})` : ''),
          el('div', { className: 'app-row-actions' }, approve, reject))));
  }

  function renderRequests() {
    const body = $('subscription-requests-body');
    const n = state.requests.length;
    $('subscription-requests-count').textContent = n === 0 ? ''
      : (n === 1 ? t('subscription_requests.count_one') : t('subscription_requests.count', { n }));
    $('subscription-decision').hidden = n === 0;
    if (!n) {
      body.replaceChildren(emptyRow(COLUMNS, t('subscription_requests.none')));
      return;
    }
    // The API sorts by user: one group per user, its list decided at once by the group's buttons.
    const groups = new Map();
    for (const r of state.requests) {
      if (!groups.has(r.user_id)) groups.set(r.user_id, []);
      groups.get(r.user_id).push(r);
    }
    const lines = [];
    let i = 0;
    [...groups.values()].forEach((rows, g) => {
      const name = personName(rows[0]) || rows[0].user_id;
      lines.push(groupRow(name, rows[0].contact_email, rows, g));
      for (const r of rows) {
        const key = keyOf(r);
        const checked = state.selected.has(key);
        lines.push(el('tr', { dataset: { key }, 'aria-selected': checked ? 'true' : null },
          selectCell({
            id: `subscription-request-select-${i}`, name: 'subscription-request-select', value: key, checked,
            label: t('subscription_requests.select', { name, row: rowText(r) }),
          }),
          td(name), td(serviceText(r)), td(spaceLabel(r.space)), td(r.habilitation),
          td(r.origin ? t(`origin.${r.origin}`) : ''), td(formatDay(r.valid_from)), td(r.comment || ''),
          td(formatDateTime(r.requested_at))));
        i += 1;
      }
    });
    body.replaceChildren(...lines);
  }

  $('subscription-requests-body').addEventListener('change', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== 'subscription-request-select') return;
    if (box.checked) state.selected.add(box.value);
    else state.selected.delete(box.value);
  });

  function renderReasonCounter() {
    const left = REASON_MAX - $('subscription-reason').value.length;
    $('subscription-reason-counter').textContent = left === 1 ? t('request.counter_one') : t('request.counter', { n: left });
  }
  $('subscription-reason').addEventListener('input', renderReasonCounter);

  async function loadRequests() {
    const structureId = current().structure_id;
    const data = await api.get(path('/subscription-requests'));
    if (stale(structureId)) return;
    state.requests = data.requests || [];
    const keys = new Set(state.requests.map(keyOf));
    state.selected = new Set([...state.selected].filter((k) => keys.has(k)));
    renderRequests();
  }

  async function refreshRequests() {
    try {
      await loadRequests();
    } catch (error) {
      showApiError($('subscription-requests-feedback'), error, { id: 'subscription-requests-error', focus: false });
    }
  }

  /** Read the list again a moment after a space was set or taken off (the users' requests follow off the request path). */
  function followUp() {
    for (const timer of state.timers) clearTimeout(timer);
    const structureId = current()?.structure_id;
    state.timers = FOLLOW_UP_MS.map((ms) => setTimeout(() => {
      if (!stale(structureId)) refreshRequests();
    }, ms));
  }

  const decisionButtons = () => [
    $('subscription-approve'), $('subscription-reject'),
    ...$('subscription-requests-body').querySelectorAll('button'),
  ];

  async function decide(decision, rows) {
    if (state.busy) return;
    const feedback = $('subscription-requests-feedback');
    if (!rows.length) {
      showAlert(feedback, {
        type: 'error', id: 'subscription-none-selected', title: t('manager.none_selected_title'),
        body: [t('manager.none_selected')],
      }, { focus: true });
      return;
    }
    state.busy = true;
    for (const b of decisionButtons()) b.disabled = true;
    try {
      const answer = await api.post(path('/subscription-requests/decide'), {
        decision,
        reason: $('subscription-reason').value.trim() || null,
        requests: rows.map((r) => ({
          user_id: r.user_id, service_code: r.service_code ?? null, space: r.space, habilitation: r.habilitation,
        })),
      });
      // A result names its row by its keys: the request it answers gives the person's and the service's names.
      const asked = new Map(rows.map((r) => [keyOf(r), r]));
      let failures = 0;
      const lines = (answer.results || []).map((result) => {
        if (result.error) failures += 1;
        const r = asked.get(keyOf(result)) || result;
        return t('subscription_requests.decided', {
          name: personName(r) || result.user_id, row: rowText(r),
          status: result.error || t(`subscription_decision.${result.status}`),
        });
      });
      $('subscription-reason').value = '';
      renderReasonCounter();
      for (const r of rows) state.selected.delete(keyOf(r));
      await refreshRequests();
      const list = el('ul', { id: 'subscription-decision-results' }, ...lines.map((line) => el('li', {}, line)));
      showAlert(feedback, failures
        ? { type: 'warning', id: 'subscription-decision-alert', title: t('manager.decided_some_title'), body: [list] }
        : { type: 'success', id: 'subscription-decision-alert', role: 'status', title: t('manager.decided_title'), body: [list] },
      { focus: true });
    } catch (error) {
      showApiError(feedback, error, { id: 'subscription-decision-alert' });
    } finally {
      state.busy = false;
      for (const b of decisionButtons()) b.disabled = false;
    }
  }

  $('subscription-approve').addEventListener('click', () =>
    decide('VALIDER', state.requests.filter((r) => state.selected.has(keyOf(r)))));
  $('subscription-reject').addEventListener('click', () =>
    decide('REFUSER', state.requests.filter((r) => state.selected.has(keyOf(r)))));
  $('subscription-requests-refresh').addEventListener('click', async () => {
    $('subscription-requests-feedback').replaceChildren();
    await refreshRequests();
  });

  // ------------------------------------------------------------ « Paramétrage des espaces »

  function settingText(s) {
    if (s.status === 'PARAMETRE') return t('spaces.set', { habilitation: s.habilitation });
    if (s.status === 'RETIRE') return t('spaces.removed');
    return t('spaces.none');
  }

  function renderSpaces() {
    const body = $('spaces-body');
    body.replaceChildren(...state.spaces.map((s, i) => {
      const named = (key) => [t(key), el('span', { className: 'fr-sr-only' }, ` – ${spaceLabel(s.space)}`)];
      const add = el('button', {
        type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-icon-add-line fr-btn--icon-left',
        id: `space-add-${i}`,
      }, ...named('spaces.add'));
      add.addEventListener('click', () => openAdd(s));
      const actions = [add];
      if (s.status !== 'RETIRE') {
        const remove = el('button', {
          type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-bin-line fr-btn--icon-left',
          id: `space-remove-${i}`,
        }, ...named('spaces.remove'));
        remove.addEventListener('click', () => openRemove(s, remove));
        actions.push(remove);
      }
      return el('tr', { dataset: { space: s.space } },
        td(spaceLabel(s.space)), td(settingText(s)), el('td', {}, el('div', { className: 'app-row-actions' }, ...actions)));
    }));
    if (!state.spaces.length) body.replaceChildren(emptyRow(3, t('spaces.none')));
  }

  async function loadSpaces() {
    const structureId = current().structure_id;
    const data = await api.get(path('/spaces'));
    if (stale(structureId)) return;
    state.spaces = data.spaces || [];
    renderSpaces();
  }

  function openAdd(setting) {
    state.target = setting;
    $('space-add-text').textContent = t('spaces.add_text', { space: spaceLabel(setting.space), designation: current().designation });
    $('space-habilitation').value = setting.habilitation || 'MODIFICATION';
    $('space-add-feedback').replaceChildren();
    openModal($('space-add-modal'));
  }

  async function openRemove(setting, button) {
    if (state.busy) return;
    state.busy = true;
    button.disabled = true;
    try {
      const { users } = await api.get(`${path('/spaces/holders')}?space=${encodeURIComponent(setting.space)}`);
      state.target = { ...setting, losing: users };
      $('space-remove-question').textContent = t('spaces.remove_question', {
        space: spaceLabel(setting.space), designation: current().designation,
      });
      $('space-remove-count').textContent = t('spaces.remove_count', { n: users });
      $('space-remove-feedback').replaceChildren();
      openModal($('space-remove-modal'));
    } catch (error) {
      showApiError($('spaces-feedback'), error, { id: 'spaces-error' });
    } finally {
      state.busy = false;
      button.disabled = false;
    }
  }

  /** The modal's call; then the table and the pending list are read again, and an alert says what happened. */
  async function change(name, submit, send, done) {
    if (state.busy) return;
    state.busy = true;
    submit.disabled = true;
    try {
      const answer = await send();
      closeModal($(`${name}-modal`));
      await loadSpaces().catch(() => {});
      await refreshRequests();
      followUp();
      showAlert($('spaces-feedback'), done(answer), { focus: true });
    } catch (error) {
      showApiError($(`${name}-feedback`), error, { id: `${name}-error` });
    } finally {
      state.busy = false;
      submit.disabled = false;
    }
  }

  $('space-add-submit').addEventListener('click', () => {
    const setting = state.target;
    change('space-add', $('space-add-submit'),
      () => api.post(path('/spaces'), { space: setting.space, habilitation: $('space-habilitation').value }),
      () => ({
        type: 'success', id: 'spaces-alert', role: 'status', title: t('spaces.set_done_title'),
        body: [t('spaces.set_done', { space: spaceLabel(setting.space) })],
      }));
  });
  $('space-remove-ok').addEventListener('click', () => {
    const setting = state.target;
    change('space-remove', $('space-remove-ok'),
      () => api.post(path('/spaces/remove'), { space: setting.space }),
      () => ({
        type: 'success', id: 'spaces-alert', role: 'status', title: t('spaces.removed_done_title'),
        body: [t('spaces.removed_done', { space: spaceLabel(setting.space), n: setting.losing })],
      }));
  });
  $('space-add-cancel').addEventListener('click', () => closeModal($('space-add-modal')));
  $('space-remove-cancel').addEventListener('click', () => closeModal($('space-remove-modal')));

  // ------------------------------------------------------------ the structure shown

  /** Both blocks for the structure shown; hidden for a caller who does not manage it (or lacks the manager's space). */
  async function load() {
    for (const timer of state.timers) clearTimeout(timer);
    for (const zone of ['subscription-requests-feedback', 'spaces-feedback']) $(zone).replaceChildren();
    state.selected.clear();
    const show = Boolean(current()) && manages();
    const sections = [$('subscription-requests-section'), $('spaces-section')];
    if (!show) {
      for (const s of sections) s.hidden = true;
      return;
    }
    const results = await Promise.allSettled([loadRequests(), loadSpaces()]);
    results.forEach((result, i) => {
      const forbidden = result.status === 'rejected' && result.reason instanceof ApiError && result.reason.status === 403;
      sections[i].hidden = forbidden;
      if (result.status === 'rejected' && !forbidden) {
        const zone = i === 0 ? 'subscription-requests-feedback' : 'spaces-feedback';
        showApiError($(zone), result.reason, { id: `${zone}-error`, focus: false });
      }
    });
  }

  return {
    load,
    /** After a language switch. */
    rerender() {
      renderRequests();
      renderSpaces();
      renderReasonCounter();
    },
  };
}
