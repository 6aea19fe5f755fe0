// « Mon Compte »: rendered from ONE call GET /api/account, saved with PUT /api/account (« Valider »).
import { api, ApiError } from '../api.js';
import { createAttachmentsBlock } from '../attachments-block.js';
import { DEFAULT_COUNTRY } from '../countries.js';
import {
  formatShortDateTime, getApiLang, hasKey, onLangChange, setLang, t,
} from '../i18n.js';
import { createDeactivation } from '../deactivation.js';
import { createFormErrors, handleSubmit } from '../forms.js';
import { buildAlert, markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { createMembershipsBlock } from '../memberships-block.js';
import { createPrivacyBlock } from '../privacy-block.js';
import { createStrengthMeter } from '../strength-meter.js';
import { createSubscriptionsBlock } from '../subscriptions-block.js';
import { $, button, fillCountries, takeFlash } from '../ui.js';

startPage();

// Request body paths (docs/API.md `fields` keys) -> element ids, in page order; the label key is `field.<path>`.
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
].map(([path, id]) => [path, id, `field.${path}`]);

const form = $('account-form');
const feedback = $('account-feedback');
const cancelButton = $('cancel-button');

const state = {
  head: null, // last saved {me, version, profile, settings, password, secret_question}
  lists: { memberships: [], subscriptions: [], attachments: [] },
};

// 422 answers: each message next to its field, a summary with links (forms.js).
const errors = createFormErrors({
  feedback,
  fields: () => FIELDS,
  pathLabel: (path) => (hasKey(`field.${path}`) ? t(`field.${path}`) : path),
});

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
  // Mails to the contact address bounce: none is sent there until it is changed (the mark goes with the address).
  const bounce = state.head.profile.contact_bounce;
  $('bounce-alert').hidden = !bounce;
  $('bounce-body').textContent = bounce
    ? t(bounce.kind === 'COMPLAINT' ? 'account.complaint_body' : 'account.bounce_body',
      { date: formatShortDateTime(bounce.since) })
    : '';
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
  fillCountries($('address-country'), { selected: address.country || DEFAULT_COUNTRY });
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

/** After a deletion: the lists are read again (a deleted link also takes its subscriptions away, a space given up may
 * close a tab of the navigation); the form keeps what the person may be typing. */
async function readLists() {
  const account = await api.get('/api/account');
  state.lists = {
    memberships: account.memberships || [],
    subscriptions: account.subscriptions || [],
    attachments: account.attachments || [],
  };
  if (state.head) state.head.me = account.me;
  renderBanner(account.me);
}

// « Mes rattachements aux structures » and « Mes abonnements aux espaces »: their own modules (selection, deletion
// with confirmation).
const membershipsBlock = createMembershipsBlock({
  refresh: async () => {
    await readLists();
    renderTables({ memberships: false });
    return state.lists.memberships;
  },
});
const subscriptionsBlock = createSubscriptionsBlock({
  refresh: async () => {
    await readLists();
    renderTables();
  },
});

// « Pièces jointes » (guide §6): its own module too (selection, downloads, « Gérer pièces jointes »).
const attachmentsBlock = createAttachmentsBlock({
  refresh: async () => {
    await readLists();
    renderTables();
    return state.lists.attachments;
  },
});

function renderTables({ memberships = true } = {}) {
  if (memberships) membershipsBlock.update(state.lists.memberships);
  subscriptionsBlock.update(state.lists.subscriptions, state.lists.memberships);
  attachmentsBlock.update(state.lists.attachments);
}

// Issue 13: a new address waiting for its confirmation, next to its field (the login's change and the data export are
// on « Sécurité et confidentialité »).
const privacy = createPrivacyBlock();

// A language switch re-renders what JavaScript wrote (static text is handled by i18n).
onLangChange(() => {
  if (!state.head) return;
  privacy.render(state.head);
  fillCountries($('address-country'), { selected: $('address-country').value });
  renderDerived();
  renderTables({ memberships: false });
  membershipsBlock.rerender();
  meter.refresh();
  renderFlash();
});

// ---------------------------------------------------------------- errors

function showConflict(error) {
  const reload = button({ text: t('button.reload'), id: 'reload-button', kind: 'secondary', size: 'sm' });
  reload.classList.add('fr-mt-2w');
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

const headOf = (data) => ({
  me: data.me,
  version: data.version,
  profile: data.profile,
  settings: data.settings,
  password: data.password,
  secret_question: data.secret_question,
  email_change: data.email_change ?? null,
  data_export: data.data_export ?? null,
});

handleSubmit(form, {
  errors,
  feedback,
  statuses: [422, 400],
  buttons: () => [$('submit-button'), cancelButton],
  ready: () => Boolean(state.head),
  send: () => api.put('/api/account', collectBody()),
  onSuccess: (saved) => {
    // A new contact address is not saved yet: it waits for its confirmation (the answer's email_change).
    state.head = headOf({ ...state.head, ...saved, email_change: saved.email_change ?? state.head.email_change });
    const languageChanged = state.head.settings.language !== getApiLang();
    fillForm();
    renderBanner(state.head.me);
    if (languageChanged) setLang(state.head.settings.language);
    privacy.setChange(state.head.email_change);
    const sent = saved.email_change ? [t('privacy.sent', { address: saved.email_change.new_address })] : [];
    showAlert(feedback, {
      type: 'success', id: 'success-alert', role: 'status', title: t('alert.saved_title'),
      body: [t('alert.saved'), ...sent],
    }, { focus: true });
  },
  onError: (error) => {
    if (!(error instanceof ApiError && error.status === 409)) return false;
    showConflict(error);
    return true;
  },
});

// « Désactiver mon compte » (guide §7): its confirmation window, and the designation step for a principal manager.
createDeactivation({ button: $('deactivate-button'), pageFeedback: feedback });

cancelButton.addEventListener('click', () => {
  if (!state.head) return;
  errors.clear();
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
    errors.clear();
    feedback.replaceChildren();
    fillForm();
    renderTables();
    renderBanner(account.me);
    privacy.render(state.head);
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

