// « Mes demandes » (issue 11): every request the user made (rattachements, abonnements) with its steps: asked,
// decided by whom and when, with the reason (GET /api/account/requests, one Query); « Retirer la demande » on a
// pending one (POST /api/account/requests/withdraw): its managers no longer see it.
import { api } from '../api.js';
import { showApiError } from '../forms.js';
import { formatDateTime, onLangChange, setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { $, el } from '../ui.js';

startPage();

const state = { items: [], loaded: false };

function title(request) {
  return request.request_type === 'membership'
    ? t('requests.membership', { structure: request.structure })
    : t('requests.subscription', { space: request.space, structure: request.structure });
}

function stepItem(step) {
  return el('li', {},
    el('time', { datetime: step.at }, formatDateTime(step.at)), ' : ', step.sentence,
    step.reason ? el('span', { className: 'fr-text--sm' }, ` ${t('requests.reason', { reason: step.reason })}`) : null);
}

function requestItem(request, index) {
  const headingId = `request-${index}-title`;
  const withdraw = request.pending ? el('button', {
    type: 'button', className: 'fr-btn fr-btn--secondary fr-btn--sm fr-icon-close-line fr-btn--icon-left',
    id: `request-${index}-withdraw`, 'aria-label': t('requests.withdraw_label', { request: title(request) }),
  }, t('requests.withdraw')) : null;
  if (withdraw) withdraw.addEventListener('click', () => withdrawRequest(request, withdraw));
  return el('li', { className: 'fr-mb-4w', id: `request-${index}` },
    el('h2', { className: 'fr-h5 fr-mb-1w', id: headingId }, title(request)),
    request.services ? el('p', { className: 'fr-text--sm fr-mb-1w' }, t('requests.services', { services: request.services })) : null,
    el('p', { className: 'fr-mb-1w' }, el('strong', {}, request.pending ? t('requests.pending') : t('requests.closed'))),
    el('ol', { className: 'fr-mb-1w', 'aria-labelledby': headingId }, ...request.steps.map(stepItem)),
    withdraw);
}

function render() {
  $('requests-loading').hidden = true;
  $('requests-empty').hidden = state.items.length > 0;
  $('requests-list').replaceChildren(...state.items.map(requestItem));
}

async function load() {
  state.items = (await api.get('/api/account/requests')).items;
  render();
}

async function withdrawRequest(request, button) {
  button.disabled = true;
  const payload = { structure_id: request.structure_id };
  if (request.request_type === 'subscription') payload.space = request.space;
  try {
    await api.post('/api/account/requests/withdraw', payload);
    await load();
    showAlert($('requests-feedback'), { type: 'success', id: 'requests-withdrawn', title: t('requests.withdrawn'), role: 'status' });
    $('requests-title').focus();
  } catch (error) {
    button.disabled = false;
    showApiError($('requests-feedback'), error);
  }
}

onLangChange(async () => {
  if (!state.loaded) return;
  try {
    await load();
  } catch (error) {
    showApiError($('requests-feedback'), error, { focus: false });
  }
});

(async () => {
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
    await load();
    state.loaded = true;
  } catch (error) {
    $('requests-loading').hidden = true;
    showApiError($('requests-feedback'), error, { focus: false });
  }
  markReady();
})();
