// A structure's page (?id=ID): its details and services (GET /api/structures/{id}), the user's own request or link
// (« Ma demande de rattachement ») and, for its managers, the way to « Activité du gestionnaire ».
import { api } from '../api.js';
import { showApiError } from '../forms.js';
import { countryName, formatDateTime, onLangChange, setLang, t } from '../i18n.js';
import { buildAlert, markReady, renderBanner, startPage } from '../layout.js';
import {
  $, describe, el, emptyRow, formatDay, identifierTypeLabel, membershipStatusText, scopeText, servicesText, structureTypeLabel,
  takeFlash, td,
} from '../ui.js';

startPage();

const structureId = new URLSearchParams(window.location.search).get('id') || '';
const flash = takeFlash();
let structure = null;

function render() {
  const s = structure;
  document.title = t('title.structure_named', { designation: s.designation });
  $('structure-title').textContent = s.designation;
  $('breadcrumb-structure').textContent = s.designation;

  $('structure-identity').replaceChildren(describe([
    [t('criteria.identifier'), s.identifier, 'structure-identifier'],
    [t('criteria.identifier_type'), identifierTypeLabel(s.identifier_type), 'structure-identifier-type'],
    [t('col.designation'), s.designation, 'structure-designation'],
    [t('criteria.label'), s.label, 'structure-label'],
    [t('criteria.status'), s.status, 'structure-status'],
    [t('criteria.structure_type'), structureTypeLabel(s.structure_type), 'structure-type'],
    ...(s.identifier_type === 'PARTICULIER'
      ? [[t('field.last_name'), s.last_name, 'structure-last-name'], [t('field.first_name'), s.first_name, 'structure-first-name']]
      : []),
  ]));
  const a = s.address || {};
  $('structure-address').replaceChildren(describe([
    [t('field.address.line1'), a.line1, 'structure-address-line1'],
    [t('create.address_line2'), a.line2, 'structure-address-line2'],
    [t('field.address.postal_code'), a.postal_code ?? s.postal_code, 'structure-postal-code'],
    [t('field.address.city'), a.city ?? s.city, 'structure-city'],
    [t('field.address.country'), (a.country ?? s.country) ? countryName(a.country ?? s.country) : '', 'structure-country'],
  ]));

  const services = s.services || [];
  $('structure-services-body').replaceChildren(...(services.length
    ? services.map((service, i) => el('tr', {}, td(String(i + 1)), td(service.code), td(service.name)))
    : [emptyRow(3, t('structure.no_services'))]));

  const mine = s.my_membership;
  if (mine) {
    $('my-membership').replaceChildren(describe([
      [t('col.status'), membershipStatusText(mine), 'my-membership-status'],
      [t('col.role'), mine.role, 'my-membership-role'],
      ...(mine.role === 'GESTIONNAIRE_SECONDAIRE' ? [[t('col.scope'), scopeText(mine), 'my-membership-scope']] : []),
      [t('field.valid_from'), formatDay(mine.valid_from), 'my-membership-valid-from'],
      [t('field.valid_until'), formatDay(mine.valid_until), 'my-membership-valid-until'],
      [t('col.services'), servicesText(mine.services), 'my-membership-services'],
      [t('field.comment'), mine.comment, 'my-membership-comment'],
      [t('structure.requested_at'), formatDateTime(mine.requested_at), 'my-membership-requested-at'],
      [t('structure.decided_at'), formatDateTime(mine.decided_at), 'my-membership-decided-at'],
      [t('structure.decision_reason'), mine.decision_reason, 'my-membership-reason'],
    ]));
  } else {
    $('my-membership').replaceChildren(el('p', { className: 'app-empty', id: 'my-membership-none' }, t('structure.no_membership')));
  }
  // The guide's « Liste des services » of the request: each service with its own dates, status and comment.
  const myServices = mine?.services || [];
  $('my-services-zone').hidden = myServices.length === 0;
  $('my-services-body').replaceChildren(...myServices.map((service, i) => el('tr', {},
    td(String(i + 1)), td(service.code), td(service.name), td(formatDay(service.valid_from)),
    td(formatDay(service.valid_until)), td(service.status), td(service.comment || ''))));
  $('structure-manage-item').hidden = !s.can_manage;
  $('structure-manage-link').href = `activite-gestionnaire.html?structure=${encodeURIComponent(s.structure_id)}`;
  const canAsk = !mine || ['REFUSEE', 'SUPPRIMEE'].includes(mine.status);
  $('structure-request-item').hidden = !canAsk;
  $('structure-request-link').href = `rattachement-demande.html?structure=${encodeURIComponent(s.structure_id)}`;

  if (flash) {
    $('structure-flash').replaceChildren(buildAlert({
      type: 'success', id: 'flash-alert', role: 'status', title: t(`flash.${flash.key}.title`),
      body: [t(`flash.${flash.key}`, flash.params || {})],
    }));
  }
}

onLangChange(() => {
  if (structure) render();
});

(async () => {
  try {
    const [me, detail] = await Promise.all([
      api.get('/api/me'),
      structureId ? api.get(`/api/structures/${encodeURIComponent(structureId)}`) : Promise.reject(new Error('no id')),
    ]);
    setLang(me.language);
    renderBanner(me);
    structure = detail;
    render();
    $('structure-content').hidden = false;
    if (window.location.hash === '#ma-demande') $('ma-demande').focus();
  } catch (error) {
    showApiError($('structure-feedback'), error, { id: 'load-error', title: t('structure.load_error'), focus: false });
  }
  $('structure-loading').hidden = true;
  markReady();
})();
