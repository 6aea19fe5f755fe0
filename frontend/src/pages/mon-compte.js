// « Mon Compte »: rendered from ONE call GET /api/account, saved with PUT /api/account (« Valider »).
import { api, ApiError } from '../api.js';
import { COUNTRY_CODES, DEFAULT_COUNTRY } from '../countries.js';
import {
  countryName, formatShortDateTime, getApiLang, getLocale, onLangChange, setLang, spaceLabel, t,
} from '../i18n.js';
import { createDeactivation } from '../deactivation.js';
import { buildAlert, markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { createMembershipsBlock } from '../memberships-block.js';
import { createStrengthMeter } from '../strength-meter.js';
import { takeFlash } from '../ui.js';

startPage();

const $ = (id) => document.getElementById(id);

// Request body paths (docs/API.md `fields` keys) -> element ids, in page order.
const FIELDS = [
  ['contact_email', 'contact-email'],
  ['last_name', 'last-name'],
  ['first_name', 'first-name'],
  ['address.line1', 'address-line1'],
  ['address.line2', 'address-line2'],
  ['address.line3', 'address-line3'],
  ['address.postal_code', 'address-postal-code'],
  ['address.city', 'address-city'],
  ['address.country', 'address-country'],
  ['phone', 'phone'],
  ['fax', 'fax'],
  ['language', 'language'],
  ['notifications', 'notifications'],
  ['password.current', 'password-current'],
  ['password.new', 'password-new'],
  ['password.confirmation', 'password-confirmation'],
  ['secret_question.question', 'secret-question'],
  ['secret_question.answer', 'secret-answer'],
];
const FIELD_IDS = new Map(FIELDS);

const form = $('account-form');
const feedback = $('account-feedback');
const submitButton = $('submit-button');
const cancelButton = $('cancel-button');

const state = {
  head: null, // last saved {me, version, profile, settings, password, secret_question}
  lists: { memberships: [], subscriptions: [], attachments: [] },
  sending: false,
};

// Remember each field's own aria-describedby, so error references can be added and removed.
for (const [, id] of FIELDS) {
  const el = $(id);
  el.dataset.describedby = el.getAttribute('aria-describedby') || '';
}

const meter = createStrengthMeter({
  input: $('password-new'),
  value: $('password-strength-value'),
  bar: $('password-strength-bar'),
  warning: $('password-strength-warning'),
  userInputs: () => [
    state.head?.profile.login, $('contact-email').value, $('last-name').value, $('first-name').value,
    $('address-city').value, 'chorus', 'chorus pro', 'choruspro',
  ],
  policy: () => ({ min: state.head?.password.min_length ?? 12, max: state.head?.password.max_length ?? 128 }),
});

// ---------------------------------------------------------------- rendering

function fillCountries(selected) {
  const select = $('address-country');
  const codes = COUNTRY_CODES.includes(selected) || !selected ? [...COUNTRY_CODES] : [...COUNTRY_CODES, selected];
  const collator = new Intl.Collator(getLocale());
  const named = codes
    .filter((code) => code !== DEFAULT_COUNTRY)
    .map((code) => [code, countryName(code)])
    .sort((a, b) => collator.compare(a[1], b[1]));
  named.unshift([DEFAULT_COUNTRY, countryName(DEFAULT_COUNTRY)]);
  select.replaceChildren(
    ...named.map(([code, name]) => {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = name;
      return option;
    }),
  );
  select.value = selected || DEFAULT_COUNTRY;
}

/** Read-only parts that depend on the language: dates, expiry countdown, password rules. */
function renderDerived() {
  const { settings, password } = state.head;
  $('created-at').value = formatShortDateTime(settings.created_at);
  $('reactivated-at').value = formatShortDateTime(settings.reactivated_at);
  $('deactivated-at').value = formatShortDateTime(settings.deactivated_at);
  $('updated-at').value = formatShortDateTime(settings.updated_at);
  $('account-status').value = settings.status || '';

  const days = password.expires_in_days;
  let expiry = '';
  if (Number.isInteger(days)) {
    if (days > 1) expiry = t('password.expires_in', { n: days });
    else if (days === 1) expiry = t('password.expires_in_one');
    else if (days === 0) expiry = t('password.expires_today');
    else expiry = t('password.expired');
  }
  $('password-expiry').textContent = expiry;
  $('password-rules-intro').textContent = t('password.rules', {
    min: password.min_length ?? 12, max: password.max_length ?? 128,
  });
}

/** Put every field back to the last saved values (after GET, PUT or « Annuler »). */
function fillForm() {
  const { profile, settings, secret_question: secret } = state.head;
  const address = profile.address || {};
  $('login').value = profile.login || '';
  $('contact-email').value = profile.contact_email || '';
  $('last-name').value = profile.last_name || '';
  $('first-name').value = profile.first_name || '';
  $('address-line1').value = address.line1 || '';
  $('address-line2').value = address.line2 || '';
  $('address-line3').value = address.line3 || '';
  $('address-postal-code').value = address.postal_code || '';
  $('address-city').value = address.city || '';
  fillCountries(address.country || DEFAULT_COUNTRY);
  $('phone').value = profile.phone || '';
  $('fax').value = profile.fax || '';
  $('language').value = settings.language === 'EN' ? 'EN' : 'FR';
  $('notifications').checked = Boolean(settings.notifications);
  for (const id of ['password-current', 'password-new', 'password-confirmation']) $(id).value = '';
  for (const id of ['password-current-show', 'password-new-show', 'password-confirmation-show']) {
    const box = $(id);
    if (box.checked) box.click(); // let the DSFR put the fields back to type=password
  }
  $('secret-question').value = secret?.question || '';
  $('secret-answer').value = '';
  meter.reset();
  renderDerived();
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

function renderTable(bodyId, rows, columns, emptyKey) {
  const body = $(bodyId);
  if (!rows.length) {
    const tr = document.createElement('tr');
    const td = cell(t(emptyKey), 'app-empty');
    td.colSpan = columns.length;
    tr.append(td);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.append(...columns.map((column) => cell(column(row))));
      return tr;
    }),
  );
}

// « Mes rattachements aux structures »: its own module (selection, pages, deletion with confirmation).
const membershipsBlock = createMembershipsBlock({
  // After a deletion: the lists are read again (a deleted link also takes its subscriptions away); the form keeps
  // what the person may be typing.
  refresh: async () => {
    const account = await api.get('/api/account');
    state.lists = {
      memberships: account.memberships || [],
      subscriptions: account.subscriptions || [],
      attachments: account.attachments || [],
    };
    renderTables({ memberships: false });
    return state.lists.memberships;
  },
});

function renderTables({ memberships = true } = {}) {
  const { subscriptions, attachments } = state.lists;
  if (memberships) membershipsBlock.update(state.lists.memberships);
  renderTable('subscriptions-body', subscriptions, [
    (r) => r.identifier, (r) => r.designation, (r) => r.service, (r) => spaceLabel(r.space),
    (r) => r.habilitation, (r) => r.status,
  ], 'empty.subscriptions');
  renderTable('attachments-body', attachments, [
    (r) => r.type, (r) => r.designation, (r) => r.extension, (r) => r.file_name,
  ], 'empty.attachments');
}

// A language switch re-renders what JavaScript wrote (static text is handled by i18n).
onLangChange(() => {
  if (!state.head) return;
  fillCountries($('address-country').value);
  renderDerived();
  renderTables({ memberships: false });
  membershipsBlock.rerender();
  meter.refresh();
  renderFlash();
});

// ---------------------------------------------------------------- errors

const groupOf = (el) => el.closest('.fr-input-group, .fr-select-group, .fr-checkbox-group');
const errorClassOf = (group) => {
  if (group.classList.contains('fr-select-group')) return 'fr-select-group--error';
  if (group.classList.contains('fr-checkbox-group')) return 'fr-checkbox-group--error';
  return 'fr-input-group--error';
};

function clearErrors() {
  for (const [, id] of FIELDS) {
    const el = $(id);
    const group = groupOf(el);
    group?.classList.remove('fr-input-group--error', 'fr-select-group--error', 'fr-checkbox-group--error');
    $(`${id}-messages`)?.replaceChildren();
    el.removeAttribute('aria-invalid');
    if (el.dataset.describedby) el.setAttribute('aria-describedby', el.dataset.describedby);
    else el.removeAttribute('aria-describedby');
  }
}

function setFieldError(id, message) {
  const el = $(id);
  const group = groupOf(el);
  if (group) group.classList.add(errorClassOf(group));
  const p = document.createElement('p');
  p.className = 'fr-message fr-message--error fr-error-text';
  p.id = `${id}-error`;
  p.textContent = message;
  $(`${id}-messages`).replaceChildren(p);
  el.setAttribute('aria-invalid', 'true');
  el.setAttribute('aria-describedby', [el.dataset.describedby, p.id].filter(Boolean).join(' '));
}

/** Find the field of an error path; 'address' or 'password' alone point to their first field. */
function fieldIdFor(path) {
  if (FIELD_IDS.has(path)) return FIELD_IDS.get(path);
  const child = FIELDS.find(([p]) => p.startsWith(`${path}.`));
  return child ? child[1] : null;
}

function labelFor(path) {
  const key = `field.${path}`;
  const text = t(key);
  return text === key ? path : text;
}

/** « Nom : message », unless the server's message already names the field. */
function summaryLine(path, message) {
  const label = labelFor(path);
  return message.toLocaleLowerCase().includes(label.toLocaleLowerCase())
    ? message
    : t('alert.field_message', { label, message });
}

function showFieldErrors(error) {
  const entries = Object.entries(error.fields);
  const byId = new Map();
  const orphans = [];
  for (const [path, message] of entries) {
    const id = fieldIdFor(path);
    if (id && !byId.has(id)) byId.set(id, { path: FIELDS.find(([, i]) => i === id)[0], message: String(message) });
    else if (!id) orphans.push([path, String(message)]);
  }
  // Page order.
  const ordered = FIELDS.filter(([, id]) => byId.has(id)).map(([, id]) => [id, byId.get(id)]);
  for (const [id, { message }] of ordered) setFieldError(id, message);

  const list = document.createElement('ul');
  list.className = 'app-error-list';
  for (const [id, { path, message }] of ordered) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#${id}`;
    a.dataset.focus = id;
    a.textContent = summaryLine(path, message);
    li.append(a);
    list.append(li);
  }
  for (const [path, message] of orphans) {
    const li = document.createElement('li');
    li.textContent = summaryLine(path, message);
    list.append(li);
  }
  const count = ordered.length + orphans.length;
  const body = [];
  if (count) {
    body.push(count === 1 ? t('alert.errors_intro_one') : t('alert.errors_intro', { n: count }), list);
  } else {
    body.push(error.message);
  }
  const alert = showAlert(feedback, { type: 'error', id: 'form-errors', title: t('alert.errors_title'), body });
  alert.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-focus]') : null;
    if (!link) return;
    event.preventDefault();
    $(link.dataset.focus)?.focus();
  });
  if (ordered.length) $(ordered[0][0]).focus();
  else alert.focus();
}

function showConflict(error) {
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'fr-btn fr-btn--secondary fr-btn--sm fr-mt-2w';
  reload.id = 'reload-button';
  reload.textContent = t('button.reload');
  reload.addEventListener('click', async () => {
    reload.disabled = true;
    const ok = await load();
    if (ok) $('account-title').focus();
    else reload.disabled = false;
  });
  showAlert(feedback, {
    type: 'error', id: 'conflict-alert', title: t('alert.conflict_title'), body: [error.message, reload],
  }, { focus: true });
}

function showError(error) {
  const message = error instanceof ApiError ? error.message : t('error.generic');
  showAlert(feedback, { type: 'error', id: 'error-alert', title: t('alert.error_title'), body: [message] }, { focus: true });
}

// ---------------------------------------------------------------- actions

const trimmed = (id) => $(id).value.trim();
const orNull = (id) => trimmed(id) || null;

/** The whole PUT body of docs/API.md. */
function collectBody() {
  const body = {
    version: state.head.version,
    contact_email: trimmed('contact-email'),
    last_name: trimmed('last-name'),
    first_name: trimmed('first-name'),
    address: {
      line1: trimmed('address-line1'),
      line2: orNull('address-line2'),
      line3: orNull('address-line3'),
      postal_code: orNull('address-postal-code'),
      city: trimmed('address-city'),
      country: $('address-country').value,
    },
    phone: orNull('phone'),
    fax: orNull('fax'),
    language: $('language').value,
    notifications: $('notifications').checked,
  };
  const current = $('password-current').value;
  const next = $('password-new').value;
  const confirmation = $('password-confirmation').value;
  if (current || next || confirmation) body.password = { current, new: next, confirmation };
  const question = trimmed('secret-question');
  const answer = $('secret-answer').value;
  if (question !== (state.head.secret_question?.question || '') || answer) {
    body.secret_question = { question, answer };
  }
  return body;
}

function setSending(sending) {
  state.sending = sending;
  submitButton.disabled = sending;
  cancelButton.disabled = sending;
  if (sending) form.setAttribute('aria-busy', 'true');
  else form.removeAttribute('aria-busy');
}

const headOf = (data) => ({
  me: data.me,
  version: data.version,
  profile: data.profile,
  settings: data.settings,
  password: data.password,
  secret_question: data.secret_question,
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.sending || !state.head) return;
  const body = collectBody();
  clearErrors();
  feedback.replaceChildren();
  setSending(true);
  try {
    const saved = await api.put('/api/account', body);
    state.head = headOf({ ...state.head, ...saved });
    const languageChanged = state.head.settings.language !== getApiLang();
    fillForm();
    renderBanner(state.head.me);
    if (languageChanged) setLang(state.head.settings.language);
    setSending(false);
    showAlert(feedback, {
      type: 'success', id: 'success-alert', role: 'status', title: t('alert.saved_title'), body: [t('alert.saved')],
    }, { focus: true });
  } catch (error) {
    setSending(false);
    if (!(error instanceof ApiError)) showError(error);
    else if ((error.status === 422 || error.status === 400) && Object.keys(error.fields).length) showFieldErrors(error);
    else if (error.status === 409) showConflict(error);
    else showError(error);
  }
});

// « Désactiver mon compte » (guide §7): its confirmation window, and the designation step for a principal manager.
createDeactivation({ button: $('deactivate-button'), pageFeedback: feedback });

cancelButton.addEventListener('click', () => {
  if (!state.head) return;
  clearErrors();
  feedback.replaceChildren();
  fillForm();
});

/** GET /api/account and render everything; true when it worked. */
async function load() {
  try {
    const account = await api.get('/api/account');
    state.head = headOf(account);
    state.lists = {
      memberships: account.memberships || [],
      subscriptions: account.subscriptions || [],
      attachments: account.attachments || [],
    };
    setLang(account.settings?.language || account.me?.language);
    clearErrors();
    feedback.replaceChildren();
    fillForm();
    renderTables();
    renderBanner(account.me);
    form.hidden = false;
    $('account-lists').hidden = false;
    $('account-loading').hidden = true;
    return true;
  } catch (error) {
    $('account-loading').hidden = true;
    const message = error instanceof ApiError ? error.message : t('error.generic');
    showAlert(feedback, {
      type: 'error', id: 'error-alert', title: t('error.load'), body: [message],
    }, { focus: Boolean(state.head) });
    return false;
  }
}

// A message left by the page before (« Votre demande de rattachement a été envoyée… »).
const flash = takeFlash();
function renderFlash() {
  if (!flash) return;
  $('account-flash').replaceChildren(buildAlert({
    type: 'success', id: 'flash-alert', role: 'status', title: t(`flash.${flash.key}.title`),
    body: [t(`flash.${flash.key}`, flash.params || {})],
  }));
}

load().then((ok) => {
  if (ok) renderFlash();
  markReady();
});

