// « Prolonger » (issue 12): the link of the mail a principal manager gets 14 days before a dated rattachement ends.
// The API checks the caller manages the structure (GET and POST /api/structures/{id}/members/{user}/extension).
import { api } from '../api.js';
import { createFormErrors, handleSubmit, showApiError } from '../forms.js';
import { setLang, t } from '../i18n.js';
import { markReady, renderBanner, showAlert, startPage } from '../layout.js';
import { $ } from '../ui.js';

startPage();

const params = new URLSearchParams(window.location.search);
const path = `/api/structures/${encodeURIComponent(params.get('structure_id') || '')}/members/${
  encodeURIComponent(params.get('user_id') || '')}/extension`;
const feedback = $('extension-feedback');
const form = $('extension-form');
const errors = createFormErrors({ feedback, fields: () => [['valid_until', 'extension-valid-until', 'extension.valid_until']] });

function formatDay(iso) {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function show(membership) {
  $('extension-summary').textContent = t('extension.summary', {
    person: `${membership.first_name} ${membership.last_name}`, structure: membership.designation,
    date: formatDay(membership.valid_until),
  });
  $('extension-body').hidden = false;
}

handleSubmit(form, {
  errors,
  feedback,
  buttons: () => [$('extension-submit')],
  send: () => api.post(path, { valid_until: $('extension-valid-until').value || null }),
  onSuccess: (membership) => {
    show(membership);
    showAlert(feedback, { type: 'success', id: 'extension-done', role: 'status',
      title: t('extension.done', { date: formatDay(membership.valid_until) }) }, { focus: true });
  },
});

(async () => {
  try {
    const me = await api.get('/api/me');
    setLang(me.language);
    renderBanner(me);
    show(await api.get(path));
  } catch (error) {
    showApiError(feedback, error, { focus: false });
  }
  $('extension-loading').hidden = true;
  markReady();
})();
