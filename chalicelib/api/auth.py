"""Login, logout, and the ways into an account without a session (sign-up, activation, forgotten password, unlock,
reactivation). Answers that start from an address are the same whether an account has it or not."""

from chalice import Blueprint, Response

from chalicelib.api.http import client_address, endpoint, expired_session_cookie

blueprint = Blueprint(__name__)


def _acknowledge(key: str, language: str, status: int = 202):
    from chalicelib.api import schemas
    from chalicelib.api.messages import say

    return status, schemas.Acknowledgement(message=say(key, language))


@endpoint(blueprint, "/auth/login", "POST", body="LoginRequest", authenticated=False, response="LoginAnswer")
def login(request, body, language, **_):
    """Log in: opens a session (cookie) and answers who is logged in. With a second factor: 202
    ``SecondFactorNeeded`` (no session), then ``/auth/login/second-factor`` with the code."""
    from chalicelib.api.security import login_answer, user_agent
    from chalicelib.services import auth

    result = auth.login(body.login, body.password, source=client_address(request), user_agent=user_agent(request))
    return login_answer(result, language)


@endpoint(
    blueprint, "/auth/logout", "POST", body="EmptyRequest", allow_expired_password=True, response=None, status=204,
)
def logout(session, **_):
    """Log out: the session ends on the server and the cookie is cleared."""
    from chalicelib.services import auth

    auth.logout(session)
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})


@endpoint(
    blueprint, "/auth/password", "POST", body="ExpiredPasswordChange", allow_expired_password=True,
    response=None, status=204,
)
def change_expired_password(session, body, **_):
    """Replace an expired password, the only thing an expired session may do."""
    from chalicelib.services import account

    account.change_expired_password(session, body.model_dump())
    return Response(body="", status_code=204)


@endpoint(
    blueprint, "/auth/signup", "POST", body="SignupRequest", authenticated=False,
    response="Acknowledgement", status=202,
)
def signup(body, language, **_):
    """« Créer un compte »: mails an activation link; the same answer for a known address."""
    from chalicelib.services import recovery

    recovery.signup(body.model_dump())
    return _acknowledge("signup.sent", language)


@endpoint(blueprint, "/auth/activation/details", "POST", body="TokenOnly", authenticated=False, response="LinkAccount")
def activation_details(body, **_):
    """Who an activation link is for, while it is valid."""
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("ACTIVATION", body.token), with_question=False)


@endpoint(blueprint, "/auth/activation", "POST", body="NewSecrets", authenticated=False, response="Acknowledgement")
def activate(body, language, **_):
    """Activate an account: password, secret question and answer."""
    from chalicelib.services import recovery

    recovery.activate(body.model_dump())
    return _acknowledge("activation.done", language, 200)


@endpoint(
    blueprint, "/auth/password-reset/request", "POST", body="LoginOnly", authenticated=False,
    response="Acknowledgement", status=202,
)
def forgot_password(body, language, **_):
    """« Mot de passe oublié »: mails a reset link; the same answer for any login."""
    from chalicelib.services import recovery

    recovery.forgot_password(body.login)
    return _acknowledge("reset.sent", language)


@endpoint(
    blueprint, "/auth/password-reset/details", "POST", body="TokenOnly", authenticated=False, response="LinkAccount",
)
def reset_details(body, **_):
    """Who a reset link is for, with its secret question."""
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("RESET", body.token), with_question=True)


@endpoint(
    blueprint, "/auth/password-reset", "POST", body="ResetRequest", authenticated=False, response="Acknowledgement",
)
def reset_password(body, language, **_):
    """Set a new password with the answer to the secret question; every session ends."""
    from chalicelib.services import recovery

    recovery.reset_password(body.model_dump())
    return _acknowledge("reset.done", language, 200)


@endpoint(blueprint, "/auth/unlock", "POST", body="TokenOnly", authenticated=False, response="Acknowledgement")
def unlock(body, language, **_):
    """Unlock a login locked after too many failures."""
    from chalicelib.services import recovery

    recovery.unlock(body.token)
    return _acknowledge("unlock.done", language, 200)


@endpoint(
    blueprint, "/auth/reactivation/request", "POST", body="LoginOnly", authenticated=False,
    response="Acknowledgement", status=202,
)
def request_reactivation(body, language, **_):
    """« Réactiver mon compte »: mails a reactivation link; the same answer for any login."""
    from chalicelib.services import recovery

    recovery.request_reactivation(body.login)
    return _acknowledge("reactivation.sent", language)


@endpoint(
    blueprint, "/auth/reactivation/details", "POST", body="TokenOnly", authenticated=False, response="LinkAccount",
)
def reactivation_details(body, **_):
    """Who a reactivation link is for, while it is valid."""
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("REACTIVATION", body.token), with_question=False)


@endpoint(blueprint, "/auth/reactivation", "POST", body="NewSecrets", authenticated=False, response="Acknowledgement")
def reactivate(body, language, **_):
    """« Activation du compte utilisateur »: new password, question and answer; the account is active again."""
    from chalicelib.services import recovery

    recovery.reactivate(body.model_dump())
    return _acknowledge("reactivation.done", language, 200)


@endpoint(blueprint, "/auth/email-change/cancel", "POST", body="TokenOnly", authenticated=False,
          response="Acknowledgement")
def cancel_email_change(body, language, **_):
    """The link mailed to the old address (7 days, no session needed): the change does not happen, or is undone."""
    from chalicelib.services import email_change

    email_change.cancel(body.token)
    return _acknowledge("email_change.cancelled", language, 200)
