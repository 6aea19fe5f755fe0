// Issue 13, on « Mon Compte » and « Sécurité et confidentialité » (each page has the parts it shows):
// - a new contact or login address waits for its confirmation (« En attente de confirmation : … ») and may be
//   withdrawn (« Annuler la modification », DELETE /api/account/email-change);
// - « Modifier mon identifiant de connexion » (POST /api/account/email-change, target login);
// - « Télécharger mes données »: POST /api/account/export, then GET /api/account/privacy until the archive is ready;
//   « Télécharger l'archive » asks GET /api/account/export/link for a link valid five minutes on each click.
import { api, ApiError } from './api.js';
import { createFormErrors, handleSubmit, showApiError } from './forms.js';
import { formatDateTime, t } from './i18n.js';
import { buildAlert, showAlert } from './layout.js';
import { $, button, el } from './ui.js';

const POLL_MS = 3000;
const POLL_LIMIT = 40; // two minutes: the mail says when it is ready after that

export function createPrivacyBlock() {
  let change = null;
  let exportState = null;
  let polling = null;

  // ------------------------------------------------------------ pending address change
  function renderChange() {
    for (const target of ['contact_email', 'login']) {
      const box = $(target === 'login' ? 'login-change-pending' : 'email-change-pending');
      if (!box) continue;
      if (!change || change.target !== target) {
        box.replaceChildren();
        continue;
      }
      const withdraw = button({
        text: t('privacy.withdraw'), id: `${target === 'login' ? 'login' : 'email'}-change-withdraw`,
        kind: 'secondary', size: 'sm',
      });
      withdraw.addEventListener('click', () => doWithdraw(withdraw, box));
      box.replaceChildren(el('div', { className: 'fr-alert fr-alert--info fr-alert--sm fr-mt-1w', role: 'status' },
        el('p', { id: `${target}-pending-text` },
          t(target === 'login' ? 'privacy.pending_login' : 'privacy.pending', { address: change.new_address })),
        el('p', { className: 'fr-text--sm fr-mb-1w' },
          t('privacy.pending_hint', { until: formatDateTime(change.confirm_until) })),
        withdraw));
    }
  }

  async function doWithdraw(withdraw, box) {
    withdraw.disabled = true;
    try {
      await api.delete('/api/account/email-change');
      change = null;
      renderChange();
      box.replaceChildren(buildAlert({
        type: 'success', id: 'email-change-withdrawn', role: 'status', title: t('privacy.withdrawn_title'),
        body: [t('privacy.withdrawn')],
      }));
      box.firstChild.focus();
    } catch (error) {
      withdraw.disabled = false;
      showApiError(box, error);
    }
  }

  // ------------------------------------------------------------ « Modifier mon identifiant de connexion »
  const loginForm = $('login-change-form');
  if (loginForm) {
    const loginFeedback = $('login-change-feedback');
    const loginErrors = createFormErrors({
      feedback: loginFeedback, alertId: 'login-change-errors',
      fields: () => [['address', 'new-login', 'privacy.new_login'], ['target', 'new-login', 'privacy.new_login']],
    });
    handleSubmit(loginForm, {
      errors: loginErrors,
      feedback: loginFeedback,
      send: () => api.post('/api/account/email-change', { target: 'login', address: $('new-login').value.trim() }),
      onSuccess: (answer) => {
        change = answer;
        $('new-login').value = '';
        renderChange();
        showAlert(loginFeedback, {
          type: 'success', id: 'login-change-sent', role: 'status', title: t('privacy.sent_title'),
          body: [t('privacy.sent', { address: answer.new_address })],
        }, { focus: true });
      },
    });
  }

  // ------------------------------------------------------------ « Télécharger mes données »
  const exportButton = $('export-button');
  const downloadButton = $('export-download');
  const exportStatus = $('export-status');
  const exportFeedback = $('export-feedback');

  function renderExport() {
    if (!exportButton) return;
    const status = exportState?.status;
    let text = '';
    if (status === 'DEMANDEE') text = t('privacy.export_requested', { date: formatDateTime(exportState.requested_at) });
    else if (status === 'PRETE') text = t('privacy.export_ready', { until: formatDateTime(exportState.available_until) });
    else if (status === 'ECHEC') text = t('privacy.export_failed');
    exportStatus.textContent = text;
    exportStatus.hidden = !text;
    downloadButton.hidden = status !== 'PRETE';
    exportButton.disabled = status === 'DEMANDEE';
  }

  function poll(round = 0) {
    clearTimeout(polling);
    if (!exportButton || exportState?.status !== 'DEMANDEE' || round >= POLL_LIMIT) return;
    polling = setTimeout(async () => {
      try {
        const view = await api.get('/api/account/privacy');
        if (view.data_export?.status !== 'DEMANDEE') {
          exportState = view.data_export;
          renderExport();
          return;
        }
      } catch {
        /* try again next round */
      }
      poll(round + 1);
    }, POLL_MS);
  }

  if (exportButton) {
    exportButton.addEventListener('click', async () => {
      if (exportButton.disabled) return;
      exportButton.disabled = true;
      exportFeedback.replaceChildren();
      try {
        exportState = await api.post('/api/account/export', {});
        renderExport();
        poll();
      } catch (error) {
        exportButton.disabled = false;
        showApiError(exportFeedback, error);
      }
    });

    downloadButton.addEventListener('click', async () => {
      if (downloadButton.disabled) return;
      downloadButton.disabled = true;
      exportFeedback.replaceChildren();
      try {
        const link = await api.get('/api/account/export/link');
        showAlert(exportFeedback, {
          type: 'info', id: 'export-started', role: 'status', title: t('privacy.export_download'),
          body: [t('privacy.export_started')],
        });
        window.location.assign(link.url);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          exportState = null;
          renderExport();
        }
        showApiError(exportFeedback, error);
      } finally {
        downloadButton.disabled = false;
      }
    });
  }

  return {
    /** From GET /api/account or GET /api/account/privacy: { email_change, data_export }. */
    render(view) {
      change = view.email_change || null;
      if ('data_export' in view) exportState = view.data_export || null;
      renderChange();
      renderExport();
      poll();
    },
    setChange(next) {
      change = next || null;
      renderChange();
    },
  };
}
