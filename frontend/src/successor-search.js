// The pieces of « Désigner un nouveau gestionnaire principal » shared by designate.js (« Mon Compte », « Activité du
// gestionnaire ») and deactivation.js (« Désactiver mon compte »): the members who may take the principal role
// (GET /api/structures/{id}/members?q=…&status=VALIDEE: name, e-mail or postal address), the « Rechercher » field with
// its magnifier, the radio list of candidates, and a structure's block (legend, search, results, messages).
import { api } from './api.js';
import { t } from './i18n.js';
import { el, personName } from './ui.js';

const PRINCIPAL = 'GESTIONNAIRE_PRINCIPAL';

/** Active users of a structure who may take the principal role (the principal, i.e. the user, left out). */
export const candidatesOf = (members) => members.filter((m) => m.role !== PRINCIPAL && (!m.status || m.status === 'VALIDEE'));

/** The candidates of a structure, found by q (all of them without q). */
export async function searchCandidates(structureId, q = '') {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  params.set('status', 'VALIDEE');
  const data = await api.get(`/api/structures/${encodeURIComponent(structureId)}/members?${params}`);
  return candidatesOf(data.members || []);
}

/** « e-mail · address » (and the role when withRole) under a candidate's name. */
export function memberHint(member, { withRole = false } = {}) {
  const address = member.address
    ? [member.address.line1, [member.address.postal_code, member.address.city].filter(Boolean).join(' ')]
      .filter(Boolean).join(', ')
    : '';
  return [member.contact_email, address, withRole ? member.role : null].filter(Boolean).join(' · ');
}

/** A radio group of candidates inside zone (ids `${prefix}-…`); keeps the current choice when it is still offered. */
export function renderCandidates(zone, { prefix, members, emptyText, withRole = false }) {
  const chosen = zone.querySelector('input[type=radio]:checked')?.value;
  if (!members.length) {
    zone.replaceChildren(el('p', { className: 'app-empty fr-mb-0', id: `${prefix}-none` }, emptyText));
    return;
  }
  const legendId = `${prefix}-candidates-legend`;
  const fieldset = el('fieldset', {
    className: 'fr-fieldset fr-mb-0', id: `${prefix}-candidates`, 'aria-labelledby': legendId,
  }, el('legend', { className: 'fr-fieldset__legend fr-fieldset__legend--regular', id: legendId },
    members.length === 1 ? t('designate.candidates_one') : t('designate.candidates', { n: members.length })));
  members.forEach((member, i) => {
    const inputId = `${prefix}-user-${i}`;
    fieldset.append(el('div', { className: 'fr-fieldset__element' },
      el('div', { className: 'fr-radio-group' },
        el('input', {
          type: 'radio', id: inputId, name: `${prefix}-user`, value: member.user_id, checked: member.user_id === chosen,
        }),
        el('label', { className: 'fr-label', for: inputId }, personName(member),
          el('span', { className: 'fr-hint-text' }, memberHint(member, { withRole }))))));
  });
  zone.replaceChildren(fieldset);
}

/** « Rechercher » field with the magnifier button (Entrée searches too); onSearch(q). */
export function searchField({ prefix, label, onSearch }) {
  const qId = `${prefix}-q`;
  const input = el('input', {
    className: 'fr-input', type: 'search', id: qId, name: qId, autocomplete: 'off', 'aria-describedby': `${prefix}-q-hint`,
  });
  const go = el('button', {
    type: 'button', className: 'fr-btn fr-icon-search-line', id: `${prefix}-search`, title: t('button.search'),
  }, t('button.search'));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onSearch(input.value.trim());
    }
  });
  go.addEventListener('click', () => onSearch(input.value.trim()));
  return el('div', { className: 'fr-input-group' },
    el('label', { className: 'fr-label', for: qId }, label,
      el('span', { className: 'fr-hint-text', id: `${prefix}-q-hint` }, t('designate.search_hint'))),
    el('div', { className: 'fr-input-wrap fr-input-wrap--addon' }, input, go));
}

/** A structure's block: legend, search field, the candidates (`${prefix}-results`) and its messages. */
export function structureBlock({ prefix, id = prefix, legend, label, onSearch, structureId, messagesData }) {
  return el('fieldset', {
    className: 'fr-fieldset app-designate', id, 'aria-labelledby': `${prefix}-legend`,
    dataset: structureId ? { structureId } : undefined,
  },
  el('legend', { className: 'fr-fieldset__legend', id: `${prefix}-legend` }, legend),
  el('div', { className: 'fr-fieldset__element' }, searchField({ prefix, label, onSearch })),
  el('div', { className: 'fr-fieldset__element', id: `${prefix}-results`, 'aria-live': 'polite' }),
  el('div', { className: 'fr-messages-group', id: `${prefix}-messages`, 'aria-live': 'polite', dataset: messagesData }));
}

export const structureLabel = (s) => t('designate.structure', { designation: s.designation || '', identifier: s.identifier || '' });
