// Rejected invoices to attest (issue 12), shown on every page by layout.js from /me's answer (no request of its own
// there). Past 7 days the notice is all the page shows until the user attests (« J'atteste avoir pris connaissance
// du rejet »). Built with DOM methods only: numbers and reasons come from the invoicing platform.
import { api } from './api.js';
import { formatDateTime, getLocale, t } from './i18n.js';

const NOTICE_ID = 'rejections-notice';
let items = null; // the last list shown (re-rendered on a language switch)
let fetched = false;

function formatDay(iso) {
  const [year, month, day] = String(iso || '').split('-').map(Number);
  if (!year) return '';
  return new Intl.DateTimeFormat(getLocale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, day)));
}

/** Show the rejections of a /me answer; an answer without them (null: /account's banner) asks /me once. */
export async function showRejections(me) {
  if (Array.isArray(me && me.rejections)) {
    items = me.rejections;
  } else if (!fetched) {
    fetched = true;
    try {
      const answer = await api.get('/api/me', { on401: 'throw' });
      if (!Array.isArray(answer.rejections)) return;
      items = answer.rejections;
    } catch {
      return;
    }
  }
  if (items) render();
}

function setBlocked(main, blocked) {
  for (const child of main.children) {
    if (child.id === NOTICE_ID) continue;
    if (blocked && !child.hidden) {
      child.hidden = true;
      child.dataset.hiddenByRejection = 'true';
    } else if (!blocked && child.dataset.hiddenByRejection) {
      child.hidden = false;
      delete child.dataset.hiddenByRejection;
    }
  }
  for (const nav of document.querySelectorAll('#header-navigation, .fr-header__menu')) nav.hidden = blocked;
}

function render(status = '') {
  const main = document.querySelector('main');
  if (!main) return;
  let notice = document.getElementById(NOTICE_ID);
  const blocking = items.some((item) => item.blocking);
  setBlocked(main, blocking);
  if (!items.length) {
    if (notice && !status) notice.remove();
    else if (notice) notice.replaceChildren(statusLine(status));
    return;
  }
  if (!notice) {
    notice = document.createElement('section');
    notice.id = NOTICE_ID;
    notice.className = 'fr-container fr-mt-4w';
    notice.setAttribute('aria-labelledby', `${NOTICE_ID}-title`);
    main.prepend(notice);
  }
  const alert = document.createElement('div');
  alert.className = `fr-alert fr-alert--${blocking ? 'error' : 'warning'} fr-mb-4w`;
  const heading = document.createElement('h2');
  heading.className = 'fr-alert__title';
  heading.id = `${NOTICE_ID}-title`;
  heading.textContent = t(blocking ? 'rejections.blocking_title'
    : (items.length > 1 ? 'rejections.title_many' : 'rejections.title'));
  const intro = document.createElement('p');
  intro.textContent = t(blocking ? 'rejections.blocking_intro' : 'rejections.intro');
  const list = document.createElement('ul');
  items.forEach((item, index) => list.append(row(item, index)));
  alert.append(heading, intro, list);
  notice.replaceChildren(...(status ? [statusLine(status)] : []), alert);
  if (blocking) notice.scrollIntoView({ block: 'start' });
}

function statusLine(text) {
  const p = document.createElement('p');
  p.className = 'fr-alert fr-alert--success fr-alert--sm fr-mb-2w';
  p.setAttribute('role', 'status');
  p.textContent = text;
  return p;
}

function row(item, index) {
  const li = document.createElement('li');
  li.className = 'fr-mb-2w';
  const id = `${NOTICE_ID}-${index}`;
  const what = document.createElement('p');
  what.id = id;
  what.className = 'fr-mb-1v';
  what.textContent = t('rejections.item', {
    number: item.number, amount: item.amount, service: item.service_code || t('rejections.whole_structure'),
    date: formatDay(item.date),
  });
  li.append(what);
  if (item.reason) {
    const reason = document.createElement('p');
    reason.className = 'fr-mb-1v';
    reason.textContent = t('rejections.reason', { reason: item.reason });
    li.append(reason);
  }
  const deadline = document.createElement('p');
  deadline.className = 'fr-mb-1v';
  deadline.textContent = t('rejections.deadline', { date: formatDateTime(item.deadline) });
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'fr-btn fr-btn--sm';
  button.textContent = t('rejections.attest');
  button.setAttribute('aria-describedby', id);
  button.addEventListener('click', () => attest(item, button));
  li.append(deadline, button);
  return li;
}

async function attest(item, button) {
  button.disabled = true;
  try {
    await api.post('/api/account/rejections/attestation', { structure_id: item.structure_id, number: item.number });
  } catch {
    button.disabled = false;
    return;
  }
  items = items.filter((other) => other !== item);
  render(t('rejections.attested', { number: item.number }));
  const notice = document.getElementById(NOTICE_ID);
  if (notice) notice.querySelector('button, [role="status"]')?.focus?.();
}
