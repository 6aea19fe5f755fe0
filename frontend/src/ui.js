// DOM building blocks shared by the pages of guide §4 (structures and rattachements):
// elements, DSFR table cells, selection boxes, pagination, « N lignes par page », dates, a one-shot « flash »
// message carried to the next page, and the labels of the codes of docs/API.md.
// Everything that comes from the API is written with textContent, never parsed as HTML.
import { COUNTRY_CODES, DEFAULT_COUNTRY } from './countries.js';
import { countryName, getLocale, t } from './i18n.js';

/**
 * el('a', {className: 'fr-link', href: '#', dataset: {page: 2}}, 'text', node)
 * Attributes: className, dataset, hidden/disabled/checked/... (properties), everything else through setAttribute.
 * Children: strings (text nodes) or nodes; null/false are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'text') node.textContent = value;
    else if (['hidden', 'disabled', 'checked', 'required', 'readOnly', 'selected', 'value', 'colSpan', 'tabIndex']
      .includes(name)) node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

/** A <td> holding text (or nodes). */
export function td(content, className) {
  const cell = el('td', { className });
  if (content instanceof Node) cell.append(content);
  else if (Array.isArray(content)) cell.append(...content.filter(Boolean));
  else cell.textContent = content ?? '';
  return cell;
}

/** One line « nothing here » spanning the whole table. */
export function emptyRow(columns, text) {
  return el('tr', {}, el('td', { className: 'app-empty', colSpan: columns }, text));
}

/**
 * DSFR selectable row cell: <th class="fr-cell--fixed" scope="row"> with a small checkbox (or radio)
 * whose label is read by screen readers only (« Sélectionner Menuiserie Dupont »).
 */
export function selectCell({ id, name, value, label, type = 'checkbox', checked = false, asHeader = true }) {
  const input = el('input', { type, id, name, value, checked });
  if (type === 'checkbox') input.setAttribute('data-fr-row-select', 'true');
  const group = el('div', { className: `fr-${type}-group fr-${type}-group--sm app-cell-select` },
    input,
    el('label', { className: 'fr-label', for: id }, el('span', { className: 'fr-sr-only' }, label)));
  return el(asHeader ? 'th' : 'td', { className: 'fr-cell--fixed', scope: asHeader ? 'row' : null }, group);
}

/** A DSFR button; icon is a DSFR icon name (« delete-bin-line »), iconOnly hides the text (kept as the name). */
export function button({ text, id, icon, iconOnly = false, kind = 'primary', size, type = 'button', dataset, title }) {
  const classes = ['fr-btn'];
  if (kind === 'secondary') classes.push('fr-btn--secondary');
  if (kind === 'tertiary') classes.push('fr-btn--tertiary');
  if (kind === 'tertiary-no-outline') classes.push('fr-btn--tertiary-no-outline');
  if (size === 'sm') classes.push('fr-btn--sm');
  if (icon) classes.push(`fr-icon-${icon}`, ...(iconOnly ? [] : ['fr-btn--icon-left']));
  return el('button', {
    type, id, className: classes.join(' '), dataset, title: iconOnly ? (title || text) : title,
  }, text);
}

/** A DSFR link styled as a button. */
export function linkButton({ text, href, id, icon, iconOnly = false, kind = 'primary', size, title, download }) {
  const classes = ['fr-btn'];
  if (kind === 'secondary') classes.push('fr-btn--secondary');
  if (kind === 'tertiary') classes.push('fr-btn--tertiary');
  if (kind === 'tertiary-no-outline') classes.push('fr-btn--tertiary-no-outline');
  if (size === 'sm') classes.push('fr-btn--sm');
  if (icon) classes.push(`fr-icon-${icon}`, ...(iconOnly ? [] : ['fr-btn--icon-left']));
  return el('a', {
    href, id, className: classes.join(' '), title: iconOnly ? (title || text) : title, download,
  }, text);
}

// ---------------------------------------------------------------- pagination

/** The page numbers to show: 1 … p-1 p p+1 … last (null = ellipsis). */
function pageWindow(page, pages) {
  const wanted = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < sorted.length; i += 1) {
    if (i && sorted[i] - sorted[i - 1] > 1) out.push(null);
    out.push(sorted[i]);
  }
  return out;
}

/**
 * DSFR pagination (nav.fr-pagination). onPage(n) is called on a click; hrefFor(n) gives each link's href
 * (a real URL where the page can be reloaded, otherwise '#').
 */
export function pagination({ id, page, pages, onPage, hrefFor = () => '#', label }) {
  const nav = el('nav', {
    className: 'fr-pagination fr-mt-2w', role: 'navigation', id, 'aria-label': label || t('pagination.label'),
  });
  const list = el('ul', { className: 'fr-pagination__list' });
  const link = (n, text, extra = '', title = '') => {
    const disabled = n < 1 || n > pages || (extra && n === page);
    const a = el('a', {
      className: `fr-pagination__link ${extra}`.trim(),
      title: title || null,
      dataset: { page: String(n) },
    }, text);
    if (disabled) {
      a.setAttribute('aria-disabled', 'true');
      a.setAttribute('role', 'link');
    } else if (!extra && n === page) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.href = hrefFor(n);
    }
    return el('li', {}, a);
  };
  list.append(
    link(1, t('pagination.first'), 'fr-pagination__link--first', t('pagination.first')),
    link(page - 1, t('pagination.prev'), 'fr-pagination__link--prev fr-pagination__link--lg-label', t('pagination.prev')),
  );
  for (const n of pageWindow(page, pages)) {
    if (n === null) list.append(el('li', {}, el('span', { className: 'fr-pagination__link fr-hidden fr-unhidden-lg' }, '…')));
    else list.append(link(n, String(n), '', t('pagination.page', { n })));
  }
  list.append(
    link(page + 1, t('pagination.next'), 'fr-pagination__link--next fr-pagination__link--lg-label', t('pagination.next')),
    link(pages, t('pagination.last'), 'fr-pagination__link--last', t('pagination.last')),
  );
  nav.append(list);
  nav.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a[data-page]') : null;
    if (!a || !a.hasAttribute('href')) {
      if (a) event.preventDefault();
      return;
    }
    event.preventDefault();
    onPage(Number(a.dataset.page));
  });
  return nav;
}

/**
 * « Pays »: France first, then the other countries in the order of the page's language (a code outside the list is
 * kept); any: « Tous » (value '') first.
 */
export function fillCountries(select, { selected = select.value, any = false } = {}) {
  const codes = COUNTRY_CODES.includes(selected) || !selected ? COUNTRY_CODES : [...COUNTRY_CODES, selected];
  const collator = new Intl.Collator(getLocale());
  const named = codes.filter((c) => c !== DEFAULT_COUNTRY).map((c) => [c, countryName(c)])
    .sort((a, b) => collator.compare(a[1], b[1]));
  named.unshift([DEFAULT_COUNTRY, countryName(DEFAULT_COUNTRY)]);
  select.replaceChildren(
    ...(any ? [el('option', { value: '' }, t('option.any'))] : []),
    ...named.map(([c, n]) => el('option', { value: c }, n)),
  );
  select.value = selected;
}

export const PER_PAGE_CHOICES = [5, 10, 20, 50, 100];

/** Fill a <select> with « 5 lignes par page »… and select the current value. */
export function fillPerPage(select, current) {
  select.replaceChildren(...PER_PAGE_CHOICES.map((n) => el('option', { value: String(n) }, t('pagination.per_page', { n }))));
  select.value = String(current);
}

// ---------------------------------------------------------------- dates

const pad = (n) => String(n).padStart(2, '0');

/** Today in the browser's time zone, as YYYY-MM-DD (the value of an input type=date). */
export function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-05-10" -> "10/05/2026" (fr) / "10/05/2026" (en-GB); '' for null. */
export function formatDay(day) {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return String(day);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(getLocale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })
    .format(d);
}

// ---------------------------------------------------------------- flash message (next page)

const FLASH_KEY = 'mc.flash';

/** Keep a message for the next page (e.g. « Votre demande de rattachement a été envoyée… »). */
export function setFlash(key, params = {}) {
  try {
    sessionStorage.setItem(FLASH_KEY, JSON.stringify({ key, params }));
  } catch {
    /* storage unavailable: the next page simply shows no message */
  }
}

/** The message left by the previous page, once. */
export function takeFlash() {
  try {
    const raw = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- codes of docs/API.md

export const IDENTIFIER_TYPES = ['SIRET', 'UE_HORS_FRANCE', 'HORS_UE', 'RIDET', 'TAHITI', 'AUTRE', 'PARTICULIER'];
export const STRUCTURE_TYPES = ['PRIVEE', 'PUBLIQUE'];
export const STRUCTURE_STATUSES = ['ACTIF', 'INACTIF'];

/** « Structure avec N° SIRET »… */
export const identifierTypeLabel = (code) => (code ? t(`identifier_type.${code}`) : '');
/** « Structure privée » / « Structure publique ». */
export const structureTypeLabel = (code) => (code ? t(`structure_type.${code}`) : '');

/** Membership status as the guide shows it, with « hors période de validité » for a VALIDEE link not active today. */
export function membershipStatusText(row) {
  if (!row) return '';
  if (row.status === 'VALIDEE' && row.active === false) return `${row.status} (${t('membership.inactive')})`;
  return row.status || '';
}

/** Who a pending request waits for: « Paul DUPONT (gestionnaire principal) », or once escalated the other managers;
 * '' when it waits for no one named (not pending). */
export function waitingForText(row) {
  return (row?.waiting_for || [])
    .map((m) => t('waiting.person', { name: personName(m), role: t(`waiting.role.${m.role}`) })).join(', ');
}

/** « Agit comme gestionnaire » / « Agit comme utilisateur » for a secondary manager, '' otherwise. */
export const scopeText = (row) =>
  (row && row.role === 'GESTIONNAIRE_SECONDAIRE' && row.manager_scope ? t(`scope.${row.manager_scope}`) : '');

/** « MOBURB - Mobilier urbain, MENINT - … » or « Toute la structure ». */
export function servicesText(services, { codesOnly = false } = {}) {
  if (!services || !services.length) return codesOnly ? '' : t('services.whole');
  return services.map((s) => (codesOnly ? s.code : `${s.code} - ${s.name}`)).join(', ');
}

/** Display a person « Prénom NOM ». */
export function personName(p) {
  if (!p) return '';
  return [(p.first_name || '').trim(), (p.last_name || '').trim().toLocaleUpperCase(getLocale())].filter(Boolean).join(' ');
}

/** Build a <dl>-like DSFR-friendly list of « Libellé : valeur » lines. */
export function describe(pairs, { id } = {}) {
  const dl = el('dl', { className: 'app-details', id });
  for (const [label, value, valueId] of pairs) {
    dl.append(el('div', { className: 'app-details__row' },
      el('dt', {}, label),
      el('dd', { id: valueId }, value === null || value === undefined || value === '' ? t('value.none') : value)));
  }
  return dl;
}

/** Query string of the non-empty values (keys kept in the given order). */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && String(v).trim() !== '') search.set(k, String(v).trim());
  }
  return search.toString();
}

// ---------------------------------------------------------------- DSFR modals

/** Open a DSFR modal (dialog.fr-modal) from code; the DSFR keeps the focus inside and gives it back on close. */
export function openModal(dialog) {
  if (window.dsfr && typeof window.dsfr === 'function') window.dsfr(dialog).modal.disclose();
  else dialog.classList.add('fr-modal--opened');
}

/** Close it; the focus goes back to what had it when the modal opened. */
export function closeModal(dialog) {
  if (window.dsfr && typeof window.dsfr === 'function') window.dsfr(dialog).modal.conceal(false, false);
  else dialog.classList.remove('fr-modal--opened');
}

// ---------------------------------------------------------------- services decided one by one

/** « à partir du 01/12/2026 » or « du 01/12/2026 au 30/06/2027 » of a service of a rattachement. */
export function serviceDatesText(service) {
  const from = formatDay(service.valid_from);
  return service.valid_until
    ? t('services.from_until', { from, until: formatDay(service.valid_until) })
    : t('services.from', { from });
}

/**
 * Each service of a rattachement with its status and dates (« ATELIER - Atelier : VALIDEE, à partir du … »), as a
 * list; « Toute la structure » for a rattachement to the whole structure.
 */
export function serviceStatusList(services, { id } = {}) {
  if (!services || !services.length) return el('span', { id }, t('services.whole'));
  return el('ul', { className: 'app-service-lines', id }, ...services.map((s) => el('li', {}, t('services.line', {
    code: s.code, name: s.name, status: s.status, dates: serviceDatesText(s),
  }))));
}
