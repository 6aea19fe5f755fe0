// « Sécurité et confidentialité »: ONE call GET /api/account/security renders « Mes sessions », the second factor and
// « Historique de connexion » (the banner comes from /api/me, as on every page).
// « Fermer » -> POST /api/account/sessions/{id}/close; « Fermer toutes les autres sessions » -> .../close-others.
// Double authentification: POST /api/account/second-factor/setup (QR code + secret), then POST
// /api/account/second-factor {code} -> the ten recovery codes, shown once; off: POST .../second-factor/off.
// Issue 13's sections (the login's verified change, « Télécharger mes données ») read GET /api/account/privacy.
import { api, goToLogin } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { formatShortDateTime, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { createPrivacyBlock } from '../privacy-block.js';
import { $, button, el, emptyRow, td } from '../ui.js';

startPage();

const state = { view: null, setup: null, codes: null };
const feedback = $('security-feedback');
const sessionsFeedback = $('sessions-feedback');
const totpFeedback = $('totp-feedback');

const unknown = (value) => value || t('sessions.unknown');

function renderSessions() {
  const body = $('sessions-body');
  body.replaceChildren(...state.view.sessions.map((s) => {
    const action = s.current
      ? el('strong', { id: 'current-session' }, t('sessions.current'))
      : button({
        text: t('sessions.close'), kind: 'secondary', size: 'sm', dataset: { session: s.session_id },
        title: t('sessions.close_label', {
          browser: unknown(s.browser), system: unknown(s.system), date: formatShortDateTime(s.started_at),
        }),
      });
    if (!s.current) {
      action.setAttribute('aria-label', action.title);
      action.addEventListener('click', () => closeSession(s, action));
    }
    return el('tr', { dataset: { current: String(s.current) } },
      td(unknown(s.browser)), td(unknown(s.system)), td(unknown(s.source)),
      td(formatShortDateTime(s.started_at)), td(formatShortDateTime(s.last_active_at)), td(action));
  }));
  $('close-others-button').disabled = !state.view.sessions.some((s) => !s.current);
}

function renderHistory() {
  const rows = state.view.history.map((h) => el('tr', {},
    td(formatShortDateTime(h.at)), td(t(`event.${h.event}`)), td(unknown(h.browser)), td(unknown(h.system)),
    td(unknown(h.source))));
  $('history-body').replaceChildren(...(rows.length ? rows : [emptyRow(5, t('history.empty'))]));
}

function renderSecondFactor() {
  const status = state.view.second_factor;
  const settingUp = state.setup !== null;
  const showingCodes = state.codes !== null;
  $('totp-status').textContent = status.enabled
    ? t('totp.on', { date: formatShortDateTime(status.enabled_at), count: status.recovery_codes_left })
    : t('totp.off');
  $('totp-start-group').hidden = status.enabled || settingUp || showingCodes;
  $('totp-setup-form').hidden = !settingUp;
  $('totp-codes').hidden = !showingCodes;
  $('totp-disable-form').hidden = !status.enabled || showingCodes;
  if (settingUp) {
    // The SVG comes from our API and is shown as an image: an <img> never runs what an SVG could hold.
    $('totp-qr').src = `data:image/svg+xml;base64,${btoa(state.setup.qr_svg)}`;
    $('totp-secret').textContent = state.setup.secret.replace(/(.{4})/g, '$1 ').trim();
  }
  if (showingCodes) {
    $('totp-codes-list').replaceChildren(...state.codes.map((code) => el('li', {}, el('code', {}, code))));
  }
}

function render() {
  renderSessions();
  renderSecondFactor();
  renderHistory();
}

async function reload() {
  state.view = await api.get('/api/account/security');
  render();
}

async function closeSession(session, control) {
  control.disabled = true;
  sessionsFeedback.replaceChildren();
  try {
    await api.post(`/api/account/sessions/${encodeURIComponent(session.session_id)}/close`, {});
    await reload();
    showAlert(sessionsFeedback, { type: 'success', id: 'session-closed', role: 'status', title: t('sessions.closed') });
    $('sessions-title').focus();
  } catch (error) {
    control.disabled = false;
    showApiError(sessionsFeedback, error);
  }
}

$('close-others-button').addEventListener('click', async () => {
  const control = $('close-others-button');
  control.disabled = true;
  sessionsFeedback.replaceChildren();
  try {
    const answer = await api.post('/api/account/sessions/close-others', {});
    await reload();
    showAlert(sessionsFeedback, {
      type: 'success', id: 'sessions-closed', role: 'status', title: t('sessions.others_closed', { count: answer.closed }),
    });
  } catch (error) {
    control.disabled = false;
    showApiError(sessionsFeedback, error);
  }
});

$('totp-start').addEventListener('click', async () => {
  totpFeedback.replaceChildren();
  $('totp-start').disabled = true;
  try {
    state.setup = await api.post('/api/account/second-factor/setup', {});
    renderSecondFactor();
    $('totp-code').focus();
  } catch (error) {
    showApiError(totpFeedback, error);
  }
  $('totp-start').disabled = false;
});

const setupForm = $('totp-setup-form');
const setupErrors = createFormErrors({ feedback: totpFeedback, fields: () => [['code', 'totp-code', 'field.code']] });
handleSubmit(setupForm, {
  errors: setupErrors,
  feedback: totpFeedback,
  statuses: [422, 400],
  send: () => api.post('/api/account/second-factor', { code: $('totp-code').value.trim() }),
  onSuccess: async (answer) => {
    state.setup = null;
    state.codes = answer.recovery_codes;
    $('totp-code').value = '';
    await reload();
    $('totp-codes-title').focus();
  },
});

$('totp-codes-done').addEventListener('click', () => {
  state.codes = null;
  renderSecondFactor();
  $('totp-title').focus();
});

const disableForm = $('totp-disable-form');
const disableErrors = createFormErrors({
  feedback: totpFeedback,
  fields: () => [['password', 'totp-password', 'totp.password'], ['code', 'totp-off-code', 'field.code']],
});
handleSubmit(disableForm, {
  errors: disableErrors,
  feedback: totpFeedback,
  statuses: [422, 400],
  send: () => api.post('/api/account/second-factor/off', {
    password: $('totp-password').value, code: $('totp-off-code').value.trim(),
  }),
  onSuccess: async () => {
    $('totp-password').value = '';
    $('totp-off-code').value = '';
    await reload();
    showAlert(totpFeedback, { type: 'success', id: 'totp-disabled', role: 'status', title: t('totp.disabled') });
  },
});

const privacy = createPrivacyBlock();

onLangChange(() => {
  if (state.view) render();
  if (state.privacy) privacy.render(state.privacy);
});

(async () => {
  try {
    const [me, view, privacyView] = await Promise.all([
      api.get('/api/me'), api.get('/api/account/security'), api.get('/api/account/privacy'),
    ]);
    setLang(me.language);
    renderBanner(me);
    state.view = view;
    state.privacy = privacyView;
    render();
    privacy.render(privacyView);
    $('security-content').hidden = false;
    if (window.location.hash === '#second-factor') $('totp-title').focus();
  } catch (error) {
    if (error && error.status === 401) await goToLogin();
    showApiError(feedback, error, { id: 'load-error', title: t('security.load_error'), focus: false });
  }
  $('security-loading').hidden = true;
  markReady();
})();
