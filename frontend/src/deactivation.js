// « Désactiver mon compte » on « Mon Compte » (guide §7). Markup: partials/deactivate-modal.html.
// GET /api/account/deactivation says which structures the user leads as principal manager.
// - none (user, secondary manager): the guide's confirmation (reactivation within 60 days, unsaved changes lost);
//   « OK » -> POST /api/account/deactivation {} -> 204
// - some: the confirmation says a new principal manager must be designated for each; « Désigner un nouveau
//   gestionnaire principal » lists them, with « Désigner un même gestionnaire principal pour toutes mes structures »
//   or « … différent pour chaque structure », each with the magnifier (GET /api/structures/{id}/members?q=…
//   &status=VALIDEE: name, postal address or e-mail); « Valider » -> POST {"successors": {structure_id: user_id}}.
//   For « un même gestionnaire », the search runs on the first structure and only the people who are active users of
//   every structure are offered (the others' lists are read once, without q).
// 204: the sessions are over -> the login page says the account is deactivated (?desactive=1). A 409/422 field
// (`successors.<structure_id>`) goes next to its structure. The search and the candidates: successor-search.js.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { showAlert } from './layout.js';
import {
  renderCandidates, searchCandidates, structureBlock, structureLabel,
} from './successor-search.js';
import { $, closeModal, el, openModal } from './ui.js';

const AFTER_DEACTIVATION = '/?desactive=1';

/** Step 2's list of the structures the user leads, each with a place for its message (« un même gestionnaire »). */
function renderStructuresList(list, structures) {
  list.replaceChildren(...structures.map((s, index) => el('li', { id: `deactivate-structure-${index}` },
    structureLabel(s),
    el('div', {
      className: 'fr-messages-group', id: `deactivate-structure-${index}-messages`, 'aria-live': 'polite',
      dataset: { structureMessages: '' },
    }))));
}

/** {structure_id: user_id} of the chosen successors (mode 'same': one choice for all; 'each': one per structure). */
function chosenSuccessors(dialog, structures, mode) {
  const map = {};
  structures.forEach((s, index) => {
    const name = mode === 'each' ? `deactivate-${index}-user` : 'deactivate-same-user';
    const chosen = dialog.querySelector(`input[name="${name}"]:checked`)?.value;
    if (chosen) map[s.structure_id] = chosen;
  });
  return map;
}

/**
 * @param {object} o
 * @param {HTMLButtonElement} o.button    « Désactiver mon compte »
 * @param {HTMLElement} o.pageFeedback    where a failure to start is shown
 */
export function createDeactivation({ button, pageFeedback }) {
  const dialog = $('deactivate-modal');
  const feedback = $('deactivate-feedback');
  const step1 = $('deactivate-step1');
  const step2 = $('deactivate-step2');
  const okItem = $('deactivate-ok-item');
  const designateItem = $('deactivate-designate-item');
  const submitItem = $('deactivate-submit-item');
  const cancel = $('deactivate-cancel');
  const structuresList = $('deactivate-structures');
  const sameZone = $('deactivate-same');
  const eachZone = $('deactivate-each');

  const state = {
    structures: [], // [{structure_id, identifier, designation}]
    others: null, // Map(structure_id -> Set(user_id)) of the structures after the first (same-for-all mode)
    busy: false,
  };

  const mode = () => ($('deactivate-mode-each').checked ? 'each' : 'same');

  function setBusy(busy) {
    state.busy = busy;
    for (const b of dialog.querySelectorAll('.fr-modal__footer button, .fr-modal__content button')) b.disabled = busy;
    if (busy) dialog.setAttribute('aria-busy', 'true');
    else dialog.removeAttribute('aria-busy');
  }

  function showStep(step) {
    step1.hidden = step !== 1;
    step2.hidden = step !== 2;
    const principal = state.structures.length > 0;
    okItem.hidden = step !== 1 || principal;
    designateItem.hidden = step !== 1 || !principal;
    submitItem.hidden = step !== 2;
    $('deactivate-line-principal').hidden = !principal;
  }

  // ------------------------------------------------------------ errors next to each structure

  function clearErrors() {
    for (const box of dialog.querySelectorAll('[data-structure-messages]')) box.replaceChildren();
    for (const box of dialog.querySelectorAll('.fr-fieldset--error')) box.classList.remove('fr-fieldset--error');
    $('deactivate-same-messages')?.replaceChildren();
    feedback.replaceChildren();
  }

  function setStructureError(index, message) {
    // In « un même gestionnaire » mode the message goes under the structure's line of the list; otherwise under its
    // own search block.
    const target = mode() === 'each' ? $(`deactivate-${index}-messages`) : $(`deactivate-structure-${index}-messages`);
    if (!target) return;
    target.replaceChildren(el('p', { className: 'fr-message fr-message--error', id: `${target.id}-error` }, message));
    if (mode() === 'each') $(`deactivate-${index}`)?.classList.add('fr-fieldset--error');
  }

  // ------------------------------------------------------------ step 2

  async function searchSame(q) {
    const zone = $('deactivate-same-results');
    zone.setAttribute('aria-busy', 'true');
    $('deactivate-same-messages').replaceChildren();
    try {
      if (!state.others) {
        state.others = new Map();
        for (const s of state.structures.slice(1)) {
          const members = await searchCandidates(s.structure_id);
          state.others.set(s.structure_id, new Set(members.map((m) => m.user_id)));
        }
      }
      const first = await searchCandidates(state.structures[0].structure_id, q);
      const common = first.filter((m) => [...state.others.values()].every((ids) => ids.has(m.user_id)));
      renderCandidates(zone, {
        prefix: 'deactivate-same', members: common,
        emptyText: q ? t('deactivate.none_common_found') : t('deactivate.none_common'),
      });
    } catch (error) {
      $('deactivate-same-messages').replaceChildren(el('p', { className: 'fr-message fr-message--error' },
        error instanceof ApiError ? error.message : t('error.generic')));
    } finally {
      zone.removeAttribute('aria-busy');
    }
  }

  async function searchEach(index, q) {
    const zone = $(`deactivate-${index}-results`);
    zone.setAttribute('aria-busy', 'true');
    try {
      const members = await searchCandidates(state.structures[index].structure_id, q);
      renderCandidates(zone, {
        prefix: `deactivate-${index}`, members,
        emptyText: q ? t('designate.none_found') : t('designate.none_in_structure'),
      });
    } catch (error) {
      setStructureError(index, error instanceof ApiError ? error.message : t('error.generic'));
    } finally {
      zone.removeAttribute('aria-busy');
    }
  }

  function renderSame() {
    sameZone.replaceChildren(structureBlock({
      prefix: 'deactivate-same', id: 'deactivate-same-group', legend: t('deactivate.same_group'),
      label: t('deactivate.search_label_same'), onSearch: searchSame,
    }));
    searchSame('');
  }

  function renderEach() {
    eachZone.replaceChildren(...state.structures.map((s, index) => structureBlock({
      prefix: `deactivate-${index}`, legend: structureLabel(s), label: t('designate.search_label'),
      onSearch: (q) => searchEach(index, q), structureId: s.structure_id, messagesData: { structureMessages: '' },
    })));
    state.structures.forEach((s, index) => searchEach(index, ''));
  }

  function switchMode() {
    clearErrors();
    const each = mode() === 'each';
    sameZone.hidden = each;
    eachZone.hidden = !each;
    if (each && !eachZone.childElementCount) renderEach();
    if (!each && !sameZone.childElementCount) renderSame();
  }

  function goToStep2() {
    clearErrors();
    $('deactivate-mode-same').checked = true;
    state.others = null;
    sameZone.replaceChildren();
    eachZone.replaceChildren();
    renderStructuresList(structuresList, state.structures);
    showStep(2);
    switchMode();
    $('deactivate-step2-title').focus();
  }

  // ------------------------------------------------------------ sending

  async function deactivate() {
    if (state.busy) return;
    clearErrors();
    setBusy(true);
    // A principal manager names its successors; without a choice the server says, structure by structure, why.
    const body = state.structures.length ? { successors: chosenSuccessors(dialog, state.structures, mode()) } : {};
    try {
      await api.post('/api/account/deactivation', body);
      window.location.assign(AFTER_DEACTIVATION);
      return;
    } catch (error) {
      setBusy(false);
      const fields = error instanceof ApiError ? error.fields : {};
      state.structures.forEach((s, index) => {
        const message = fields[`successors.${s.structure_id}`];
        if (message && !step2.hidden) setStructureError(index, String(message));
      });
      showAlert(feedback, {
        type: 'error', id: 'deactivate-error', title: t('deactivate.error_title'),
        body: [error instanceof ApiError ? error.message : t('error.generic')],
      }, { focus: true });
      // A user who became principal manager meanwhile: the designation step is needed.
      if (error instanceof ApiError && error.code === 'successor_required' && step2.hidden) {
        await load().catch(() => {});
        if (state.structures.length) showStep(1);
      }
    }
  }

  async function load() {
    const data = await api.get('/api/account/deactivation');
    state.structures = data.structures || [];
  }

  async function start() {
    if (state.busy) return;
    button.disabled = true;
    try {
      await load();
    } catch (error) {
      button.disabled = false;
      showAlert(pageFeedback, {
        type: 'error', id: 'error-alert', title: t('alert.error_title'),
        body: [error instanceof ApiError ? error.message : t('error.generic')],
      }, { focus: true });
      return;
    }
    button.disabled = false;
    clearErrors();
    setBusy(false);
    showStep(1);
    openModal(dialog);
  }

  button.addEventListener('click', start);
  $('deactivate-ok').addEventListener('click', deactivate);
  $('deactivate-submit').addEventListener('click', deactivate);
  $('deactivate-designate').addEventListener('click', goToStep2);
  $('deactivate-mode-same').addEventListener('change', switchMode);
  $('deactivate-mode-each').addEventListener('change', switchMode);
  cancel.addEventListener('click', () => {
    if (!state.busy) closeModal(dialog);
  });
}
