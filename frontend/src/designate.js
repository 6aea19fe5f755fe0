// « Désigner un nouveau gestionnaire principal » (guide §4 and §7): for each structure the user manages as principal,
// the magnifier « Rechercher » looks for an active user of the structure (GET /api/structures/{id}/members?q=…
// &status=VALIDEE: name, e-mail or postal address), one is chosen (radio) and « Valider » sends
// POST /api/memberships/{id}/delete {"successor_user_id": …}: the role moves to that user and the former principal
// stays attached as UTILISATEUR. The server's 409 answers (successor_required, sole_principal, version_conflict)
// are shown under the structure. Markup: partials/designate-modal.html; the search and the candidates:
// successor-search.js.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { showAlert } from './layout.js';
import {
  renderCandidates, searchCandidates, structureBlock, structureLabel,
} from './successor-search.js';
import { $, closeModal, el, openModal, personName } from './ui.js';

const FIELDSET_ERROR = 'fr-fieldset--error';

/**
 * @param {object} o
 * @param {(results: Array<{structure, successor, membership}>, info: {complete: boolean}) => void} o.onDone
 *        called when the modal closes, with the structures whose role was transferred (if any)
 */
export function createDesignation({ onDone }) {
  const dialog = $('designate-modal');
  const list = $('designate-structures');
  const feedback = $('designate-feedback');
  const submit = $('designate-submit');
  const cancel = $('designate-cancel');
  let items = []; // {structure, index, done, candidates: Map(user_id -> member), result}
  let busy = false;
  let reported = true;

  const idOf = (item, part) => `designate-${item.index}${part ? `-${part}` : ''}`;

  function setBusy(value) {
    busy = value;
    submit.disabled = value;
    cancel.disabled = value;
    if (value) dialog.setAttribute('aria-busy', 'true');
    else dialog.removeAttribute('aria-busy');
  }

  function setItemError(item, message) {
    const box = $(idOf(item));
    const messages = $(idOf(item, 'messages'));
    if (!box || !messages) return;
    if (message) {
      box.classList.add(FIELDSET_ERROR);
      messages.replaceChildren(el('p', { className: 'fr-message fr-message--error', id: idOf(item, 'error') }, message));
    } else {
      box.classList.remove(FIELDSET_ERROR);
      messages.replaceChildren();
    }
  }

  async function search(item, { initial = false } = {}) {
    const q = initial ? '' : $(idOf(item, 'q')).value.trim();
    const zone = $(idOf(item, 'results'));
    zone.setAttribute('aria-busy', 'true');
    try {
      const members = await searchCandidates(item.structure.structure_id, q);
      item.candidates = new Map(members.map((m) => [m.user_id, m]));
      renderCandidates(zone, {
        prefix: idOf(item), members, withRole: true,
        emptyText: q ? t('designate.none_found') : t('designate.none_in_structure'),
      });
      if (!initial) setItemError(item, '');
    } catch (error) {
      if (!initial) setItemError(item, error instanceof ApiError ? error.message : t('error.generic'));
      else zone.replaceChildren();
    } finally {
      zone.removeAttribute('aria-busy');
    }
  }

  const renderItem = (item) => structureBlock({
    prefix: idOf(item), legend: structureLabel(item.structure), label: t('designate.search_label'),
    onSearch: () => search(item), structureId: item.structure.structure_id,
  });

  /**
   * @param {Array<{structure_id, identifier, designation}>} structures  where the user is GESTIONNAIRE_PRINCIPAL
   */
  function open(structures) {
    items = structures.map((structure, index) => ({ structure, index, done: false, candidates: new Map(), result: null }));
    reported = false;
    feedback.replaceChildren();
    list.replaceChildren(...items.map(renderItem));
    setBusy(false);
    openModal(dialog);
    for (const item of items) search(item, { initial: true });
    // The DSFR focuses the close button; the first search field is where the person starts.
    window.setTimeout(() => $(idOf(items[0], 'q'))?.focus(), 350);
  }

  async function validate() {
    if (busy) return;
    setBusy(true);
    feedback.replaceChildren();
    for (const item of items.filter((i) => !i.done)) {
      setItemError(item, '');
      const successorId = list.querySelector(`input[name="${idOf(item, 'user')}"]:checked`)?.value || null;
      // Without a choice the server says why (successor_required, or sole_principal when nobody else is there).
      const body = successorId ? { successor_user_id: successorId } : {};
      try {
        const membership = await api.post(
          `/api/memberships/${encodeURIComponent(item.structure.structure_id)}/delete`, body,
        );
        item.done = true;
        item.result = { structure: item.structure, successor: item.candidates.get(successorId) || null, membership };
        const box = $(idOf(item));
        box.disabled = true;
        box.append(el('p', { className: 'fr-message fr-message--valid', id: idOf(item, 'done') },
          t('designate.done', { name: personName(item.result.successor) })));
      } catch (error) {
        // A field message (the chosen user is no longer an active member…) says more than the general one.
        const fieldMessage = error instanceof ApiError ? Object.values(error.fields)[0] : null;
        setItemError(item, fieldMessage ? String(fieldMessage) : (error instanceof ApiError ? error.message : t('error.generic')));
      }
    }
    setBusy(false);
    const pending = items.filter((i) => !i.done);
    if (!pending.length) {
      closeModal(dialog); // -> finish()
      return;
    }
    showAlert(feedback, {
      type: 'error', id: 'designate-error', title: t('designate.error_title'), body: [t('designate.error_body')],
    });
    $(idOf(pending[0], 'q'))?.focus();
  }

  /** However the modal closes (Valider, Annuler, Fermer, Échap), report what was done, once. */
  function finish() {
    if (reported) return;
    reported = true;
    const done = items.filter((i) => i.done).map((i) => i.result);
    if (done.length) onDone(done, { complete: done.length === items.length });
  }

  submit.addEventListener('click', validate);
  cancel.addEventListener('click', () => {
    if (!busy) closeModal(dialog);
  });
  dialog.addEventListener('dsfr.conceal', finish);

  return { open };
}
