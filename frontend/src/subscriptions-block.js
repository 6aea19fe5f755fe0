// « Mes abonnements aux espaces » on « Mon Compte » (guide §5, 3/4): the rows of GET /api/account with a selection box
// and « Supprimer » each, then « Supprimer abonnements » (the ticked rows) and « Ajouter un abonnement ». Both
// deletions ask for confirmation in one window listing the rows, then send POST /api/account/subscriptions/delete
// and read the account again.
import { api, ApiError } from './api.js';
import { spaceLabel, t } from './i18n.js';
import { showAlert } from './layout.js';
import { $, closeModal, el, emptyRow, openModal, selectCell, td } from './ui.js';

const COLUMNS = 8; // selection, identifier, designation, service, space, habilitation, status, action
// Spaces a rattachement gives and a user cannot give up alone; a principal manager keeps its manager's space too.
const KEPT = ['Accueil connecté', 'Mon Compte'];
const MANAGER_SPACE = 'Activité du gestionnaire';
const PRINCIPAL = 'GESTIONNAIRE_PRINCIPAL';

const keyOf = (r) => [r.structure_id, r.service_code ?? '', r.space, r.habilitation].join('|');
/** « Mobilier urbain », or « Toute la structure » for a subscription to the whole structure. */
export const serviceText = (r) => (r.service_code ? r.service || r.service_code : t('services.whole'));
export const subscriptionStatusText = (status) => (status ? t(`subscription_status.${status}`) : '');
const rowText = (r) => t('subscriptions.row', {
  designation: r.designation, service: serviceText(r), space: spaceLabel(r.space), habilitation: r.habilitation,
});

/** A line of the confirmation window. */
const confirmRow = (r) => el('tr', {},
  td(r.identifier), td(r.designation), td(serviceText(r)), td(spaceLabel(r.space)), td(r.habilitation));

/**
 * @param {object} o
 * @param {() => Promise<void>} o.refresh  reads GET /api/account again and re-renders the page's lists
 */
export function createSubscriptionsBlock({ refresh }) {
  const body = $('subscriptions-body');
  const feedback = $('subscriptions-feedback');
  const modal = $('subscriptions-modal');
  const okButton = $('subscriptions-modal-ok');
  const state = { rows: [], principalOf: new Set(), selected: new Set(), toDelete: [], busy: false };

  const removable = (r) => !KEPT.includes(r.space) && !(r.space === MANAGER_SPACE && state.principalOf.has(r.structure_id));

  function actionCell(row, index) {
    if (!removable(row)) {
      const why = KEPT.includes(row.space) ? 'subscriptions.kept' : 'subscriptions.kept_principal';
      return td(el('span', { className: 'fr-text--xs app-muted' }, t(why)), 'fr-cell--multiline');
    }
    const remove = el('button', {
      type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-delete-bin-line',
      title: t('subscriptions.delete_one'), id: `subscription-delete-${index}`,
    }, t('subscriptions.delete_one'), el('span', { className: 'fr-sr-only' }, ` – ${rowText(row)}`));
    remove.addEventListener('click', () => confirm([row]));
    return td(remove);
  }

  function render() {
    if (!state.rows.length) {
      body.replaceChildren(emptyRow(COLUMNS, t('empty.subscriptions')));
      return;
    }
    body.replaceChildren(...state.rows.map((row, i) => {
      const key = keyOf(row);
      const checked = state.selected.has(key);
      const select = selectCell({
        id: `subscription-select-${i}`, name: 'subscription-select', value: key, checked,
        label: t('subscriptions.select', { row: rowText(row) }),
      });
      if (!removable(row)) select.querySelector('input').disabled = true;
      return el('tr', { dataset: { key }, 'aria-selected': checked ? 'true' : null },
        select, td(row.identifier), td(row.designation), td(serviceText(row)), td(spaceLabel(row.space)),
        td(row.habilitation), td(subscriptionStatusText(row.status)), actionCell(row, i));
    }));
  }

  body.addEventListener('change', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== 'subscription-select') return;
    if (box.checked) state.selected.add(box.value);
    else state.selected.delete(box.value);
  });

  function confirm(rows) {
    feedback.replaceChildren();
    if (!rows.length) {
      showAlert(feedback, {
        type: 'error', id: 'subscriptions-none-selected', title: t('subscriptions.none_selected_title'),
        body: [t('subscriptions.none_selected')],
      }, { focus: true });
      return;
    }
    state.toDelete = rows;
    $('subscriptions-modal-body').replaceChildren(...rows.map(confirmRow));
    openModal(modal);
  }

  async function deleteChosen() {
    if (state.busy) return;
    state.busy = true;
    okButton.disabled = true;
    const chosen = state.toDelete;
    let alert;
    try {
      const answer = await api.post('/api/account/subscriptions/delete', {
        subscriptions: chosen.map((r) => ({
          structure_id: r.structure_id, service_code: r.service_code ?? null, space: r.space, habilitation: r.habilitation,
        })),
      });
      for (const r of chosen) state.selected.delete(keyOf(r));
      const n = answer?.removed ?? chosen.length;
      alert = {
        type: 'success', id: 'subscriptions-success', role: 'status', title: t('subscriptions.deleted_title'),
        body: [n === 1 ? t('subscriptions.deleted_one') : t('subscriptions.deleted', { n })],
      };
    } catch (error) {
      // A 422 names the rows that cannot go (subscriptions.N); nothing was removed.
      const problems = Object.entries(error instanceof ApiError ? error.fields : {}).map(([path, message]) => {
        const row = chosen[Number(path.split('.')[1])];
        return row ? t('subscriptions.problem', { row: rowText(row), message }) : String(message);
      });
      alert = {
        type: 'error', id: 'subscriptions-error', title: t('subscriptions.delete_error_title'),
        body: problems.length ? [el('ul', {}, ...problems.map((p) => el('li', {}, p)))]
          : [error instanceof ApiError ? error.message : t('error.generic')],
      };
    }
    okButton.disabled = false;
    state.busy = false;
    closeModal(modal);
    if (alert.type === 'success') {
      try {
        await refresh();
      } catch (error) {
        alert.body.push(error instanceof ApiError ? error.message : t('error.generic'));
      }
    }
    showAlert(feedback, alert, { focus: true });
  }

  $('delete-subscriptions-button').addEventListener('click', () =>
    confirm(state.rows.filter((r) => state.selected.has(keyOf(r)))));
  okButton.addEventListener('click', deleteChosen);
  $('subscriptions-modal-cancel').addEventListener('click', () => closeModal(modal));

  return {
    /** New data from GET /api/account (also after a language switch). */
    update(rows, memberships) {
      state.rows = rows || [];
      state.principalOf = new Set((memberships || []).filter((m) => m.role === PRINCIPAL).map((m) => m.structure_id));
      const keys = new Set(state.rows.filter(removable).map(keyOf));
      state.selected = new Set([...state.selected].filter((k) => keys.has(k)));
      render();
    },
  };
}
