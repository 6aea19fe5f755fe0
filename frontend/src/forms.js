// Errors of a form answered 422 (docs/API.md: `fields` keyed by the body's dotted paths): each message in red next
// to its field (DSFR error state, aria-invalid, aria-describedby) and a summary alert with links to the fields.
import { ApiError } from './api.js';
import { t } from './i18n.js';
import { showAlert } from './layout.js';
import { el } from './ui.js';

const GROUPS = '.fr-input-group, .fr-select-group, .fr-upload-group, .fr-checkbox-group, .fr-radio-group, .fr-fieldset';
const ERROR_CLASSES = {
  'fr-input-group': 'fr-input-group--error',
  'fr-select-group': 'fr-select-group--error',
  'fr-upload-group': 'fr-upload-group--error',
  'fr-checkbox-group': 'fr-checkbox-group--error',
  'fr-radio-group': 'fr-radio-group--error',
  'fr-fieldset': 'fr-fieldset--error',
};

const groupOf = (node) => node.closest(GROUPS);
const errorClassOf = (group) =>
  Object.entries(ERROR_CLASSES).find(([base]) => group.classList.contains(base))?.[1] || 'fr-input-group--error';

/**
 * @param {object} o
 * @param {HTMLElement} o.feedback       where the summary alert goes
 * @param {() => Array<Array<string>>} o.fields  [path, element id, label key, label text?] in page order
 *        (a function, so that dynamic rows such as services.0.code are included)
 * @param {string} [o.alertId]
 * @param {(path: string) => string} [o.pathLabel]  how a path with no field of its own is named in the summary
 */
export function createFormErrors({ feedback, fields, alertId = 'form-errors', pathLabel = (path) => path }) {
  const marked = new Set();

  function messagesOf(id) {
    const existing = document.getElementById(`${id}-messages`);
    if (existing) return existing;
    const node = document.getElementById(id);
    const group = node && groupOf(node);
    const box = el('div', { className: 'fr-messages-group', id: `${id}-messages`, 'aria-live': 'polite' });
    (group || node.parentElement).append(box);
    return box;
  }

  function clear() {
    for (const id of marked) {
      const node = document.getElementById(id);
      if (!node) continue;
      const group = groupOf(node);
      if (group) group.classList.remove(...Object.values(ERROR_CLASSES));
      document.getElementById(`${id}-messages`)?.replaceChildren();
      node.removeAttribute('aria-invalid');
      const own = (node.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== `${id}-error`);
      if (own.length) node.setAttribute('aria-describedby', own.join(' '));
      else node.removeAttribute('aria-describedby');
    }
    marked.clear();
    feedback.querySelector(`#${alertId}`)?.remove();
  }

  function setError(id, message) {
    const node = document.getElementById(id);
    if (!node) return;
    const group = groupOf(node);
    if (group) group.classList.add(errorClassOf(group));
    const p = el('p', { className: 'fr-message fr-message--error fr-error-text', id: `${id}-error` }, message);
    messagesOf(id).replaceChildren(p);
    // A fieldset (radio or checkbox group) carries the message; its inputs are not marked one by one.
    if (node.tagName !== 'FIELDSET') node.setAttribute('aria-invalid', 'true');
    const described = (node.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== p.id);
    node.setAttribute('aria-describedby', [...described, p.id].join(' '));
    marked.add(id);
  }

  /** The field of a path; a parent path ('address') points to its first child field. */
  function fieldFor(path) {
    const list = fields();
    const exact = list.find(([p]) => p === path);
    if (exact) return exact;
    return list.find(([p]) => p.startsWith(`${path}.`)) || null;
  }

  const labelOf = (field, path) => (field ? field[3] || t(field[2]) : pathLabel(path));

  function summaryLine(label, message) {
    return message.toLocaleLowerCase().includes(label.toLocaleLowerCase())
      ? message
      : t('alert.field_message', { label, message });
  }

  /**
   * Show an ApiError's fields (or its message alone). extra: [[id, message]] client-side errors.
   * Returns true when something was shown next to a field.
   */
  function show(error, { title = t('alert.errors_title'), extra = [] } = {}) {
    clear();
    const byId = new Map();
    const orphans = [];
    for (const [path, message] of Object.entries(error?.fields || {})) {
      const field = fieldFor(path);
      if (field && document.getElementById(field[1])) {
        if (!byId.has(field[1])) byId.set(field[1], { label: labelOf(field, path), message: String(message) });
      } else {
        orphans.push([path, String(message)]);
      }
    }
    for (const [id, message] of extra) {
      const field = fields().find(([, i]) => i === id);
      if (!byId.has(id)) byId.set(id, { label: field ? labelOf(field, id) : id, message });
    }
    const order = fields().map(([, id]) => id);
    const ordered = [...byId.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
    for (const [id, { message }] of ordered) setError(id, message);

    const list = el('ul', { className: 'app-error-list' });
    for (const [id, { label, message }] of ordered) {
      list.append(el('li', {}, el('a', { href: `#${id}`, dataset: { focus: id } }, summaryLine(label, message))));
    }
    for (const [path, message] of orphans) list.append(el('li', {}, summaryLine(pathLabel(path), message)));
    const count = ordered.length + orphans.length;
    const body = count
      ? [count === 1 ? t('alert.errors_intro_one') : t('alert.errors_intro', { n: count }), list]
      : [error?.message || t('error.generic')];
    const alert = showAlert(feedback, { type: 'error', id: alertId, title, body });
    alert.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[data-focus]') : null;
      if (!link) return;
      event.preventDefault();
      focusField(link.dataset.focus);
    });
    if (ordered.length) focusField(ordered[0][0]);
    else alert.focus();
    return ordered.length > 0;
  }

  function focusField(id) {
    const node = document.getElementById(id);
    if (!node) return;
    if (node.tagName === 'FIELDSET') node.querySelector('input:not([disabled]), select, textarea')?.focus();
    else node.focus();
  }

  return { clear, show, setError, fieldFor };
}

/** An error alert with the API's message (or a generic one). A 503 (AWS busy through the server's retries: nothing
 * was saved) says so in its title whatever the page's, so that the person tries again rather than re-types. */
export function showApiError(container, error, { id = 'error-alert', title = t('alert.error_title'), focus = true } = {}) {
  const message = error && error.message && error.name === 'ApiError' ? error.message : t('error.generic');
  const heading = error && error.status === 503 ? t('alert.unavailable_title') : title;
  return showAlert(container, { type: 'error', id, title: heading, body: [message] }, { focus });
}

/** True for an ApiError that names fields (422 answers; 400 ones too where a page says so). */
export const hasFieldErrors = (error, statuses = [422]) =>
  error instanceof ApiError && (!statuses || statuses.includes(error.status)) && Object.keys(error.fields).length > 0;

/**
 * The one submit path of the forms: a second submit while one is sending is ignored; the previous errors and alerts
 * go; the buttons are disabled (aria-busy on the form) while send() runs; then onSuccess(answer), or the field errors
 * of a 422 next to their fields (forms.js), or onError(error) when it returns true, or an alert with the API's message.
 * @param {HTMLFormElement} form
 * @param {object} o
 * @param {ReturnType<typeof createFormErrors>} o.errors
 * @param {HTMLElement} o.feedback                  where the alerts go
 * @param {() => Promise<any>} o.send              the API call
 * @param {(answer: any) => any} [o.onSuccess]
 * @param {(error: any) => boolean} [o.onError]    true when it showed the error itself
 * @param {() => boolean} [o.ready]                false: not now (data not loaded yet)
 * @param {() => boolean} [o.check]                client-side checks before sending; false stops there
 * @param {() => Iterable<HTMLButtonElement>} [o.buttons]  disabled while sending (default: all of the form's)
 * @param {number[]|null} [o.statuses]             the statuses whose `fields` go next to the fields (null: any)
 * @param {(error: any) => void} [o.showFields]    instead of errors.show(error)
 * @param {boolean} [o.leaves]                     success leaves the page: the form stays busy
 * @param {(busy: boolean) => void} [o.onBusy]
 */
export function handleSubmit(form, {
  errors, feedback, send, onSuccess = () => {}, onError = () => false, ready = () => true, check = () => true,
  buttons = () => form.querySelectorAll('button'), statuses = [422], showFields = (error) => errors.show(error),
  leaves = false, onBusy = () => {},
}) {
  let sending = false;

  function setBusy(busy) {
    sending = busy;
    for (const b of buttons()) b.disabled = busy;
    if (busy) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    onBusy(busy);
  }

  function showError(error) {
    if (hasFieldErrors(error, statuses)) showFields(error);
    else if (!onError(error)) {
      errors.clear();
      showApiError(feedback, error);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending || !ready() || !check()) return;
    errors.clear();
    feedback.replaceChildren();
    setBusy(true);
    let answer;
    try {
      answer = await send();
    } catch (error) {
      setBusy(false);
      showError(error);
      return;
    }
    try {
      await onSuccess(answer);
    } finally {
      if (!leaves) setBusy(false);
    }
  });

  return { isSending: () => sending };
}
