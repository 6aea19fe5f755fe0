// « Mes rattachements aux structures » on « Mon Compte » (guide §4): the paged table with a selection box per row,
// the actions « Consulter la structure », « Consulter la demande », « Supprimer », and under it « Supprimer
// rattachements » (confirmation window, then « Désigner un nouveau gestionnaire principal » for the structures the
// user manages as principal) and « Demander un rattachement ».
import { api, ApiError } from './api.js';
import { createDesignation } from './designate.js';
import { t } from './i18n.js';
import { showAlert } from './layout.js';
import {
  $, closeModal, el, emptyRow, fillPerPage, membershipStatusText, openModal, pagination, personName, selectCell,
  serviceStatusList, servicesText, td, waitingForText,
} from './ui.js';

const PRINCIPAL = 'GESTIONNAIRE_PRINCIPAL';
const COLUMNS = 7; // selection, identifier, designation, role, status, services, actions

/** « Consulter la structure », « Consulter la demande », « Supprimer » (onDelete(button)) of a row. */
function actionsCell(row, index, onDelete) {
  const structureUrl = `structure.html?id=${encodeURIComponent(row.structure_id)}`;
  const withName = (key) => [t(key), el('span', { className: 'fr-sr-only' }, ` – ${row.designation}`)];
  const view = el('a', {
    className: 'fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-eye-line', href: structureUrl,
    title: t('memberships.view_structure'), id: `membership-view-${index}`,
  }, ...withName('memberships.view_structure'));
  const request = el('a', {
    className: 'fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-file-text-line', href: `${structureUrl}#ma-demande`,
    title: t('memberships.view_request'), id: `membership-request-${index}`,
  }, ...withName('memberships.view_request'));
  const remove = el('button', {
    type: 'button', className: 'fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-delete-bin-line',
    title: t('memberships.delete_one'), id: `membership-delete-${index}`, dataset: { structureId: row.structure_id },
  }, ...withName('memberships.delete_one'));
  remove.addEventListener('click', () => onDelete(remove));
  return el('td', {}, el('div', { className: 'app-row-actions' }, view, request, remove));
}

/** The status, and under it who a pending request waits for (« En attente de : … »). */
function statusCell(row, index) {
  const waiting = waitingForText(row);
  if (!waiting) return td(membershipStatusText(row));
  return td([el('span', {}, membershipStatusText(row)), el('br'), el('span', {
    className: 'fr-text--xs app-muted', id: `membership-waiting-${index}`,
  }, t('waiting.text', { names: waiting }))]);
}

/** A line of the table: selection box, identifier, designation, role, status, services (each with its own status
 * and dates), actions. */
function membershipRow(row, index, { checked, onDelete }) {
  return el('tr', { dataset: { structureId: row.structure_id }, 'aria-selected': checked ? 'true' : null },
    selectCell({
      id: `membership-select-${index}`, name: 'membership-select', value: row.structure_id, checked,
      label: t('memberships.select', { designation: row.designation }),
    }),
    td(row.identifier), td(row.designation), td(row.role), statusCell(row, index),
    td(serviceStatusList(row.services, { id: `membership-services-${index}` })), actionsCell(row, index, onDelete));
}

/** A line of the confirmation window's table. */
const deletionRow = (r) => el('tr', {},
  td(r.identifier), td(r.designation), td(servicesText(r.services, { codesOnly: true })), td(membershipStatusText(r)));

/**
 * @param {object} o
 * @param {() => Promise<Array>} o.refresh  re-reads GET /api/account and returns the new memberships
 *        (the page re-renders its other lists too)
 */
export function createMembershipsBlock({ refresh }) {
  const body = $('memberships-body');
  const feedback = $('memberships-feedback');
  const perPageSelect = $('memberships-per-page');
  const pager = $('memberships-pagination');
  const count = $('memberships-count');
  const modal = $('delete-modal');
  const modalBody = $('delete-modal-body');
  const okButton = $('delete-modal-ok');

  const state = { rows: [], page: 1, perPage: 5, selected: new Set(), toDelete: [], busy: false };

  const designation = createDesignation({
    onDone: async (results) => {
      const lines = results.map((r) => t('memberships.transferred', {
        designation: r.structure.designation, name: personName(r.successor) || t('designate.someone'),
      }));
      await reload();
      showAlert(feedback, {
        type: 'success', id: 'memberships-success', role: 'status', title: t('manager.transferred_title'), body: lines,
      }, { focus: true });
    },
  });

  const pages = () => Math.max(1, Math.ceil(state.rows.length / state.perPage));

  function renderCount() {
    const n = state.rows.length;
    count.textContent = n === 1 ? t('memberships.count_one') : t('memberships.count', { n });
  }

  function render() {
    renderCount();
    state.page = Math.min(state.page, pages());
    const start = (state.page - 1) * state.perPage;
    const visible = state.rows.slice(start, start + state.perPage);
    if (!visible.length) {
      body.replaceChildren(emptyRow(COLUMNS, t('empty.memberships')));
    } else {
      body.replaceChildren(...visible.map((row, i) => membershipRow(row, start + i, {
        checked: state.selected.has(row.structure_id),
        onDelete: (button) => {
          state.selected = new Set([row.structure_id]);
          render();
          confirmDelete(button);
        },
      })));
    }
    pager.replaceChildren();
    if (pages() > 1) {
      pager.append(pagination({
        id: 'memberships-pages', page: state.page, pages: pages(), label: t('memberships.pagination'),
        onPage: (n) => {
          state.page = n;
          render();
          $('memberships-title').scrollIntoView({ block: 'start' });
        },
      }));
    }
  }

  body.addEventListener('change', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== 'membership-select') return;
    if (box.checked) state.selected.add(box.value);
    else state.selected.delete(box.value);
  });

  perPageSelect.addEventListener('change', () => {
    state.perPage = Number(perPageSelect.value) || 5;
    state.page = 1;
    render();
  });

  // ------------------------------------------------------------ « Supprimer rattachements »

  function confirmDelete() {
    feedback.replaceChildren();
    const chosen = state.rows.filter((r) => state.selected.has(r.structure_id));
    if (!chosen.length) {
      showAlert(feedback, {
        type: 'error', id: 'memberships-none-selected', title: t('memberships.none_selected_title'),
        body: [t('memberships.none_selected')],
      }, { focus: true });
      return;
    }
    state.toDelete = chosen;
    modalBody.replaceChildren(...chosen.map(deletionRow));
    $('delete-modal-feedback').replaceChildren();
    openModal(modal);
  }

  async function deleteSelected() {
    if (state.busy) return;
    state.busy = true;
    okButton.disabled = true;
    const chosen = state.toDelete;
    const principals = chosen.filter((r) => r.role === PRINCIPAL);
    const others = chosen.filter((r) => r.role !== PRINCIPAL);
    const done = [];
    const failed = [];
    for (const row of others) {
      try {
        await api.post(`/api/memberships/${encodeURIComponent(row.structure_id)}/delete`, {});
        done.push(row);
        state.selected.delete(row.structure_id);
      } catch (error) {
        failed.push([row, error instanceof ApiError ? error.message : t('error.generic')]);
      }
    }
    okButton.disabled = false;
    state.busy = false;
    closeModal(modal);
    if (done.length) await reload();
    const bodyLines = [
      ...done.map((r) => t('memberships.deleted', { designation: r.designation })),
      ...failed.map(([r, message]) => t('memberships.delete_failed', { designation: r.designation, message })),
    ];
    if (bodyLines.length) {
      showAlert(feedback, failed.length
        ? { type: 'error', id: 'memberships-error', title: t('memberships.delete_error_title'), body: bodyLines }
        : { type: 'success', id: 'memberships-success', role: 'status', title: t('memberships.deleted_title'), body: bodyLines },
      { focus: !principals.length });
    }
    if (principals.length) {
      for (const r of principals) state.selected.delete(r.structure_id);
      designation.open(principals);
    }
  }

  async function reload() {
    try {
      const rows = await refresh();
      update(rows);
    } catch (error) {
      showAlert(feedback, {
        type: 'error', id: 'memberships-error', title: t('error.load'),
        body: [error instanceof ApiError ? error.message : t('error.generic')],
      });
    }
  }

  $('delete-memberships-button').addEventListener('click', () => confirmDelete());
  okButton.addEventListener('click', deleteSelected);
  $('delete-modal-cancel').addEventListener('click', () => closeModal(modal));

  /** New data from GET /api/account. */
  function update(rows) {
    state.rows = rows || [];
    const ids = new Set(state.rows.map((r) => r.structure_id));
    state.selected = new Set([...state.selected].filter((id) => ids.has(id)));
    render();
  }

  fillPerPage(perPageSelect, state.perPage);
  return {
    update,
    /** After a language switch. */
    rerender() {
      fillPerPage(perPageSelect, state.perPage);
      render();
    },
    showFlash(alert) {
      feedback.replaceChildren(alert);
    },
  };
}
