// The forms that start from a login (« Réactiver mon compte », « Mot de passe oublié ? »): « Identifiant de connexion »
// and « Valider » -> always 202 {"message"} (the same whether an account has the login or not: what differs goes by
// mail). Markup: partials/login-request-form.html. The login typed on the login page is offered again.
import { api } from './api.js';
import { createFormErrors, handleSubmit } from './forms.js';
import { t } from './i18n.js';
import { markReady } from './layout.js';
import { showMessage } from './lifecycle.js';
import { $ } from './ui.js';

const LOGIN_HINT_KEY = 'mc.login-hint';

/** Keep the login typed on the login page for the next page (« Réactiver mon compte »). */
export function rememberLogin(login) {
  try {
    if (login) sessionStorage.setItem(LOGIN_HINT_KEY, login);
    else sessionStorage.removeItem(LOGIN_HINT_KEY);
  } catch {
    /* storage unavailable: the field simply starts empty */
  }
}

function takeLogin() {
  try {
    const login = sessionStorage.getItem(LOGIN_HINT_KEY) || '';
    sessionStorage.removeItem(LOGIN_HINT_KEY);
    return login;
  } catch {
    return '';
  }
}

export function startLoginRequest({ path }) {
  const form = $('request-form');
  const feedback = $('request-feedback');
  const input = $('request-login');
  const errors = createFormErrors({ feedback, fields: () => [['login', 'request-login', 'field.login']] });
  input.value = takeLogin();

  handleSubmit(form, {
    errors,
    feedback,
    send: () => api.post(path, { login: input.value.trim() }, { on401: 'throw' }),
    onSuccess: (answer) => showMessage(feedback, {
      type: 'success', id: 'request-sent', title: t('lifecycle.sent_title'), message: answer.message,
      links: [{ href: '/', text: t('link.back_login'), id: 'request-login-link', secondary: true }],
    }),
  });
  markReady();
}
