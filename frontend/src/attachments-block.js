// « Pièces jointes » on « Mon Compte » (guide §6): the rows of GET /api/account with a selection box and « Éditer »,
// « Télécharger », « Supprimer » each; « Supprimer pièces jointes » and « Télécharger pièces jointes » act on the ticked
// rows; « Gérer pièces jointes » opens « Gestion des pièces jointes » (the list, its total, « Ajouter une pièce
// jointe »).
// Adding a file: checked here first (the server's rules and wording), then POST /api/attachments/uploads gives a
// presigned POST, the browser sends the file straight to the bucket with XMLHttpRequest (its upload progress fills
// the bar, « Annuler » aborts it), then POST /api/attachments records it once the server has checked the bytes.
// Several ticked files download as one zip built here from their presigned GETs (client-zip): nothing big passes
// through the API.
import { api, ApiError } from './api.js';
import { getLocale, t } from './i18n.js';
import { showAlert } from './layout.js';
import { createFormErrors } from './forms.js';
import { $, closeModal, el, emptyRow, openModal, selectCell, td } from './ui.js';

// The domain's lists (chalicelib/domain/attachments.py): checked here to answer at once, and on the server anyway.
export const TYPES = [
  'Bon de commande', 'Bon de livraison', 'Bordereau de suivi', 'Carte grise', 'Devis',
  'Procès-verbal de réception', 'Brochure', 'Justificatif de frais', 'Divers',
];
export const EXTENSIONS = [
  'pdf', 'jpg', 'jpeg', 'png', 'gif', 'tif', 'tiff', 'bmp', 'odt', 'ods', 'odp', 'doc', 'docx', 'xls', 'xlsx', 'ppt',
  'pptx', 'rtf', 'csv', 'txt', 'xml', 'zip',
];
export const MAX_SIZE = 4 * 1024 * 1024; // 4 MiB: exactly this many bytes is accepted
const MAX_DESIGNATION = 100;
const COLUMNS = 6; // selection, type, designation, extension, file name, actions

const extensionOf = (name) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};
const rowText = (r) => t('attachments.row', { designation: r.designation, file_name: r.file_name });
const fileSize = (bytes) => (bytes >= 1024 * 1024
  ? t('attachments.mb', { n: (bytes / (1024 * 1024)).toLocaleString(getLocale(), { maximumFractionDigits: 1 }) })
  : t('attachments.kb', { n: Math.max(1, Math.round(bytes / 1024)) }));

/** Save what a URL serves (a presigned GET answers with Content-Disposition: attachment and the file's name). */
function saveFrom(url, fileName) {
  const link = el('a', { href: url, download: fileName || '', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Two files of one name in a zip would overwrite each other when unpacked: « devis (2).pdf ». */
function uniqueNames(files) {
  const seen = new Map();
  return files.map((f) => {
    const count = (seen.get(f.file_name) || 0) + 1;
    seen.set(f.file_name, count);
    if (count === 1) return f.file_name;
    const dot = f.file_name.lastIndexOf('.');
    return dot > 0 ? `${f.file_name.slice(0, dot)} (${count})${f.file_name.slice(dot)}`
      : `${f.file_name} (${count})`;
  });
}

/**
 * @param {object} o
 * @param {() => Promise<Array>} o.refresh  reads GET /api/account again, re-renders the page, returns the attachments
 */
export function createAttachmentsBlock({ refresh }) {
  const body = $('attachments-body');
  const feedback = $('attachments-feedback');
  const windowModal = $('attachments-modal');
  const windowFeedback = $('attachments-modal-feedback');
  const deleteModal = $('attachments-delete-modal');
  const editModal = $('attachment-edit-modal');
  const form = $('attachment-form');
  const fileInput = $('attachment-file');
  const designation = $('attachment-designation');
  const typeSelect = $('attachment-type');
  const progressGroup = $('attachment-progress-group');
  const progress = $('attachment-progress');
  const progressText = $('attachment-progress-text');
  const state = {
    rows: [], selected: new Set(), toDelete: [], editing: null, busy: false, upload: null, designationTouched: false,
  };

  designation.maxLength = MAX_DESIGNATION;
  $('attachment-edit-designation').maxLength = MAX_DESIGNATION;
  fileInput.accept = EXTENSIONS.map((x) => `.${x}`).join(',');

  // Focus goes back to the button that opened a window once it closes (by its id: the table may have been redrawn).
  const openers = new Map();
  function open(dialog, openerId) {
    openers.set(dialog, openerId || document.activeElement?.id || null);
    openModal(dialog);
  }
  for (const dialog of [windowModal, deleteModal, editModal]) {
    dialog.addEventListener('dsfr.conceal', () => {
      const id = openers.get(dialog);
      setTimeout(() => {
        const target = (id && document.getElementById(id)) || $('manage-attachments-button');
        target.focus();
      }, 0);
    });
  }

  function fillTypes(select, selected = '') {
    select.replaceChildren(
      el('option', { value: '', disabled: true, selected: !selected }, t('attachments.choose_type')),
      ...TYPES.map((type) => el('option', { value: type, selected: type === selected }, type)),
    );
    select.value = selected;
  }

  // ------------------------------------------------------------ the tables

  function actionButton(text, icon, id, row, onClick) {
    const action = el('button', {
      type: 'button', className: `fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-${icon}`, id,
    }, text, el('span', { className: 'fr-sr-only' }, ` – ${rowText(row)}`));
    action.addEventListener('click', () => onClick(row, id));
    return action;
  }

  function actions(row, prefix, all = true) {
    return td(el('div', { className: 'app-row-actions' },
      all && actionButton(t('attachments.edit'), 'edit-line', `${prefix}-edit-${row.id}`, row, edit),
      actionButton(t('attachments.download'), 'download-line', `${prefix}-download-${row.id}`, row, downloadOne),
      all && actionButton(t('attachments.delete_one'), 'delete-bin-line', `${prefix}-delete-${row.id}`, row,
        (r, id) => confirmDelete([r], id))));
  }

  function render() {
    // A redraw replaces the rows' buttons: the one that had the focus gets it back under its id (a list read again
    // after a conflict can land after « Annuler » gave the focus back to the old button).
    const focused = document.activeElement;
    const focusedId = focused?.id && (body.contains(focused) || $('attachments-modal-body').contains(focused))
      ? focused.id : null;
    if (!state.rows.length) {
      body.replaceChildren(emptyRow(COLUMNS, t('empty.attachments')));
    } else {
      body.replaceChildren(...state.rows.map((row) => {
        const checked = state.selected.has(row.id);
        return el('tr', { dataset: { id: row.id }, 'aria-selected': checked ? 'true' : null },
          selectCell({
            id: `attachment-select-${row.id}`, name: 'attachment-select', value: row.id, checked,
            label: t('attachments.select', { row: rowText(row) }),
          }),
          td(row.type), td(row.designation), td(row.extension), td(row.file_name), actions(row, 'attachment'));
      }));
    }
    // « Gestion des pièces jointes »: its own list (downloads only: the window stays the only one open).
    $('attachments-total').textContent = t('attachments.total', { n: state.rows.length });
    $('attachments-modal-body').replaceChildren(...(state.rows.length
      ? state.rows.map((row) => el('tr', {}, td(row.type), td(row.designation), td(row.file_name), td(row.extension),
        actions(row, 'attachment-window', false)))
      : [emptyRow(5, t('empty.attachments'))]));
    $('attachment-file-hint').textContent = t('attachments.file_hint', { extensions: EXTENSIONS.join(', ') });
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  body.addEventListener('change', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== 'attachment-select') return;
    if (box.checked) state.selected.add(box.value);
    else state.selected.delete(box.value);
    box.closest('tr')?.setAttribute('aria-selected', box.checked ? 'true' : 'false');
  });

  const ticked = () => state.rows.filter((r) => state.selected.has(r.id));

  function noneSelected() {
    showAlert(feedback, {
      type: 'error', id: 'attachments-none-selected', title: t('attachments.none_selected_title'),
      body: [t('attachments.none_selected')],
    }, { focus: true });
  }

  async function reload() {
    state.rows = await refresh();
  }

  // ------------------------------------------------------------ downloads

  async function downloadOne(row, openerId, container = null) {
    const where = container || (windowModal.hasAttribute('open') ? windowFeedback : feedback);
    try {
      const link = await api.get(`/api/attachments/${encodeURIComponent(row.id)}/download`);
      saveFrom(link.url, row.file_name);
      showAlert(where, {
        type: 'info', id: 'attachments-download', role: 'status', title: t('attachments.download'),
        body: [t('attachments.download_started', { file_name: row.file_name })],
      });
    } catch (error) {
      showAlert(where, {
        type: 'error', id: 'attachments-download-error', title: t('attachments.download_error_title'),
        body: [error instanceof ApiError ? error.message : t('attachments.download_failed', { file_name: row.file_name })],
      }, { focus: true });
    }
    if (openerId) document.getElementById(openerId)?.focus();
  }

  async function downloadSelected() {
    const rows = ticked();
    feedback.replaceChildren();
    if (!rows.length) return noneSelected();
    if (rows.length === 1) return downloadOne(rows[0], 'download-attachments-button', feedback);
    const trigger = $('download-attachments-button');
    trigger.disabled = true;
    showAlert(feedback, {
      type: 'info', id: 'attachments-zipping', role: 'status', title: t('attachments.download_selected'),
      body: [t('attachments.zipping', { n: rows.length })],
    });
    let current = null;
    try {
      const { files } = await api.post('/api/attachments/downloads', { ids: rows.map((r) => r.id) });
      const names = uniqueNames(files);
      // One file after another, each streamed into the zip as it arrives (the links last a minute).
      async function* entries() {
        for (let i = 0; i < files.length; i += 1) {
          current = files[i];
          const response = await fetch(files[i].url, { credentials: 'omit', cache: 'no-store' });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          yield { name: names[i], input: response };
        }
      }
      // Loaded on first use only: « Mon Compte »'s first render does not carry it.
      const { downloadZip } = await import('client-zip');
      const blob = await downloadZip(entries()).blob();
      const url = URL.createObjectURL(blob);
      saveFrom(url, t('attachments.zip_name'));
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      showAlert(feedback, {
        type: 'success', id: 'attachments-zipped', role: 'status', title: t('attachments.download_selected'),
        body: [t('attachments.zipped', { n: files.length })],
      });
    } catch (error) {
      showAlert(feedback, {
        type: 'error', id: 'attachments-download-error', title: t('attachments.download_error_title'),
        body: [error instanceof ApiError ? error.message
          : t('attachments.download_failed', { file_name: current?.file_name || t('attachments.zip_name') })],
      }, { focus: true });
    }
    trigger.disabled = false;
    trigger.focus();
    return undefined;
  }

  // ------------------------------------------------------------ deletion

  function confirmDelete(rows, openerId) {
    feedback.replaceChildren();
    if (!rows.length) return noneSelected();
    state.toDelete = rows;
    $('attachments-delete-body').replaceChildren(...rows.map((r) =>
      el('tr', {}, td(r.type), td(r.designation), td(r.file_name))));
    open(deleteModal, openerId);
    return undefined;
  }

  async function deleteChosen() {
    if (state.busy) return;
    state.busy = true;
    const ok = $('attachments-delete-ok');
    ok.disabled = true;
    const chosen = state.toDelete;
    let alert;
    try {
      const answer = await api.post('/api/attachments/delete', { ids: chosen.map((r) => r.id) });
      for (const r of chosen) state.selected.delete(r.id);
      const n = answer?.removed ?? chosen.length;
      alert = {
        type: 'success', id: 'attachments-success', role: 'status', title: t('attachments.deleted_title'),
        body: [n === 1 ? t('attachments.deleted_one') : t('attachments.deleted', { n })],
      };
    } catch (error) {
      alert = {
        type: 'error', id: 'attachments-error', title: t('attachments.delete_error_title'),
        body: [error instanceof ApiError ? error.message : t('error.generic')],
      };
    }
    ok.disabled = false;
    state.busy = false;
    // The rows deleted had the focus's button: it goes to « Supprimer pièces jointes », which stays.
    openers.set(deleteModal, 'delete-attachments-button');
    closeModal(deleteModal);
    if (alert.type === 'success') {
      try {
        await reload();
      } catch (error) {
        alert.body.push(error instanceof ApiError ? error.message : t('error.generic'));
      }
    }
    showAlert(feedback, alert);
  }

  // ------------------------------------------------------------ « Éditer »

  const editErrors = createFormErrors({
    feedback: $('attachment-edit-feedback'),
    alertId: 'attachment-edit-errors',
    fields: () => [
      ['designation', 'attachment-edit-designation', 'attachments.field_designation'],
      ['attachment_type', 'attachment-edit-type', 'attachments.field_type'],
    ],
  });

  function edit(row, openerId) {
    feedback.replaceChildren();
    editErrors.clear();
    $('attachment-edit-feedback').replaceChildren();
    state.editing = row;
    $('attachment-edit-file').textContent = t('attachments.edit_of', { file_name: row.file_name });
    $('attachment-edit-designation').value = row.designation;
    fillTypes($('attachment-edit-type'), row.type);
    open(editModal, openerId);
  }

  $('attachment-edit-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const row = state.editing;
    if (!row || state.busy) return;
    const value = $('attachment-edit-designation').value.trim();
    const type = $('attachment-edit-type').value;
    const extra = [];
    if (!value) extra.push(['attachment-edit-designation', t('attachments.required', { field: t('attachments.field_designation') })]);
    if (!type) extra.push(['attachment-edit-type', t('attachments.required', { field: t('attachments.field_type') })]);
    if (extra.length) {
      editErrors.show(null, { extra });
      return;
    }
    state.busy = true;
    $('attachment-edit-save').disabled = true;
    try {
      const saved = await api.put(`/api/attachments/${encodeURIComponent(row.id)}`, {
        version: row.version, designation: value, attachment_type: type,
      });
      await reload(); // before closing: the focus goes back to the redrawn row's « Éditer »
      closeModal(editModal);
      showAlert(feedback, {
        type: 'success', id: 'attachments-success', role: 'status', title: t('attachments.saved_title'),
        body: [t('attachments.saved', { designation: saved.designation })],
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        editErrors.show(error);
      } else {
        editErrors.clear();
        // Changed elsewhere: the list is read again, so that the next « Éditer » starts from what is saved.
        if (error instanceof ApiError && error.status === 409) reload().catch(() => {});
        showAlert($('attachment-edit-feedback'), {
          type: 'error', id: 'attachment-edit-error',
          title: error instanceof ApiError && error.status === 409 ? t('attachments.conflict_title') : t('alert.error_title'),
          body: [error instanceof ApiError ? error.message : t('error.generic')],
        }, { focus: true });
      }
    }
    $('attachment-edit-save').disabled = false;
    state.busy = false;
  });
  $('attachment-edit-cancel').addEventListener('click', () => closeModal(editModal));

  // ------------------------------------------------------------ « Ajouter une pièce jointe »

  const addErrors = createFormErrors({
    feedback: $('attachment-form-feedback'),
    alertId: 'attachment-form-errors',
    fields: () => [
      ['file_name', 'attachment-file', 'attachments.field_file'],
      ['size', 'attachment-file', 'attachments.field_file'],
      ['upload_id', 'attachment-file', 'attachments.field_file'],
      ['designation', 'attachment-designation', 'attachments.field_designation'],
      ['attachment_type', 'attachment-type', 'attachments.field_type'],
    ],
  });

  function resetForm() {
    form.reset();
    fillTypes(typeSelect);
    state.designationTouched = false;
    addErrors.clear();
    progressGroup.hidden = true;
  }

  // « Désignation »: the file's name by default, until the person writes its own.
  designation.addEventListener('input', () => { state.designationTouched = designation.value.trim() !== ''; });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    if (file && !state.designationTouched) designation.value = file.name.slice(0, MAX_DESIGNATION);
  });

  /** What the server would refuse before any upload, by field id, in its words. */
  function problems(file, name, type) {
    const found = [];
    const fileLabel = t('attachments.field_file');
    if (!file) found.push(['attachment-file', t('attachments.required', { field: fileLabel })]);
    else if (!EXTENSIONS.includes(extensionOf(file.name))) {
      found.push(['attachment-file', t('attachments.extension', { field: fileLabel, extensions: EXTENSIONS.join(', ') })]);
    } else if (file.size === 0) found.push(['attachment-file', t('attachments.empty', { field: fileLabel })]);
    else if (file.size > MAX_SIZE) found.push(['attachment-file', t('attachments.too_large', { field: fileLabel })]);
    const designationLabel = t('attachments.field_designation');
    if (!name) found.push(['attachment-designation', t('attachments.required', { field: designationLabel })]);
    else if (name.length > MAX_DESIGNATION) {
      found.push(['attachment-designation', t('attachments.too_long', { field: designationLabel, max: MAX_DESIGNATION })]);
    }
    if (!type) found.push(['attachment-type', t('attachments.required', { field: t('attachments.field_type') })]);
    return found;
  }

  function showProgress(sent, total) {
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    progress.value = percent;
    progress.setAttribute('aria-valuetext', `${percent} %`);
    // The text is read out (aria-live): a quarter at a time, not at every progress event.
    const quarter = Math.floor(percent / 25);
    if (quarter !== state.quarter) {
      state.quarter = quarter;
      progressText.textContent = t('attachments.progress_value', {
        percent, sent: fileSize(sent), total: fileSize(total),
      });
    }
  }

  /** The presigned POST: the ticket's fields, then the file; resolves when S3 answered 2xx. */
  function send(ticket, file) {
    return new Promise((resolve, reject) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(ticket.fields)) data.append(name, value);
      data.append('file', file);
      const xhr = new XMLHttpRequest();
      state.upload = xhr;
      xhr.open('POST', ticket.url);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) showProgress(Math.min(event.loaded, file.size), file.size);
      });
      xhr.addEventListener('load', () => (xhr.status >= 200 && xhr.status < 300
        ? resolve() : reject(new Error(`HTTP ${xhr.status}`))));
      xhr.addEventListener('error', () => reject(new Error('network')));
      xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      xhr.send(data);
    });
  }

  function formAlert(options) {
    showAlert($('attachment-form-feedback'), options, { focus: true });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state.upload || state.busy) return;
    windowFeedback.replaceChildren();
    addErrors.clear();
    const file = fileInput.files[0];
    const name = designation.value.trim();
    const type = typeSelect.value;
    const found = problems(file, name, type);
    if (found.length) {
      addErrors.show(null, { extra: found });
      return;
    }
    const declared = { file_name: file.name, attachment_type: type, designation: name };
    const addButton = $('attachment-add-button');
    addButton.disabled = true;
    state.busy = true;
    let stage = 'ticket';
    try {
      const ticket = await api.post('/api/attachments/uploads', { ...declared, size: file.size });
      stage = 'upload';
      progressGroup.hidden = false;
      state.quarter = null;
      showProgress(0, file.size);
      $('attachment-cancel-upload').focus();
      await send(ticket, file);
      showProgress(file.size, file.size);
      state.upload = null;
      stage = 'record';
      const row = await api.post('/api/attachments', { upload_id: ticket.upload_id, ...declared });
      resetForm();
      await reload();
      formAlert({
        type: 'success', id: 'attachment-added', role: 'status', title: t('attachments.added_title'),
        body: [t('attachments.added', { designation: row.designation, file_name: row.file_name })],
      });
    } catch (error) {
      state.upload = null;
      progressGroup.hidden = true;
      if (error instanceof DOMException && error.name === 'AbortError') {
        formAlert({
          type: 'info', id: 'attachment-cancelled', role: 'status', title: t('attachments.cancelled_title'),
          body: [t('attachments.cancelled', { file_name: file.name })],
        });
      } else if (error instanceof ApiError && error.status === 422) {
        addErrors.show(error, { title: t('attachments.refused_title') });
      } else if (error instanceof ApiError) {
        formAlert({
          type: 'error', id: 'attachment-refused',
          title: error.code === 'attachment_quota' ? t('attachments.quota_title') : t('attachments.refused_title'),
          body: [error.message],
        });
      } else {
        formAlert({
          type: 'error', id: 'attachment-refused', title: t('attachments.refused_title'),
          body: [stage === 'upload' ? t('attachments.upload_failed', { file_name: file.name }) : t('error.generic')],
        });
      }
    }
    addButton.disabled = false;
    state.busy = false;
  });

  $('attachment-cancel-upload').addEventListener('click', () => {
    if (state.upload) state.upload.abort();
  });

  // ------------------------------------------------------------ the buttons of the block

  $('delete-attachments-button').addEventListener('click', () =>
    confirmDelete(ticked(), 'delete-attachments-button'));
  $('download-attachments-button').addEventListener('click', downloadSelected);
  $('manage-attachments-button').addEventListener('click', () => {
    feedback.replaceChildren();
    windowFeedback.replaceChildren();
    $('attachment-form-feedback').replaceChildren();
    if (!state.upload) resetForm();
    open(windowModal, 'manage-attachments-button');
  });
  $('attachments-modal-close').addEventListener('click', () => closeModal(windowModal));
  windowModal.addEventListener('dsfr.conceal', () => {
    if (state.upload) state.upload.abort(); // closing the window gives up an upload under way
  });
  $('attachments-delete-ok').addEventListener('click', deleteChosen);
  $('attachments-delete-cancel').addEventListener('click', () => closeModal(deleteModal));
  fillTypes(typeSelect);

  return {
    /** New data from GET /api/account (also after a language switch). */
    update(rows) {
      state.rows = rows || [];
      const ids = new Set(state.rows.map((r) => r.id));
      state.selected = new Set([...state.selected].filter((id) => ids.has(id)));
      if (!state.upload && !state.busy) fillTypes(typeSelect, typeSelect.value); // its first option is text
      render();
    },
  };
}
