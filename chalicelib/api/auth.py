"""Login, logout, and the ways into an account without a session (sign-up, activation, forgotten password, unlock,
reactivation). Answers that start from an address are the same whether an account has it or not."""

from chalice import Blueprint, Response

from chalicelib.api.http import endpoint, expired_session_cookie, json_response, session_cookie

blueprint = Blueprint(__name__)


def _acknowledge(key: str, language: str):
    from chalicelib import schemas
    from chalicelib.messages import say

    return 202, schemas.Acknowledgement(message=say(key, language))


@endpoint(blueprint, "/auth/login", "POST", body="LoginRequest", authenticated=False)
def login(body, **_):
    from chalicelib import schemas
    from chalicelib.api.shapes import me
    from chalicelib.services import auth

    result = auth.login(body.login, body.password)
    answer = schemas.LoginAnswer(**me(result.profile, result.previous_login_at).model_dump(),
                                 password_expired=result.password_expired)
    return json_response(200, answer, headers={"Set-Cookie": session_cookie(result.cookie_value)})


@endpoint(blueprint, "/auth/logout", "POST", body="EmptyRequest", allow_expired_password=True)
def logout(session, **_):
    from chalicelib.services import auth

    auth.logout(session)
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})


@endpoint(blueprint, "/auth/password", "POST", body="ExpiredPasswordChange", allow_expired_password=True)
def change_expired_password(session, body, **_):
    from chalicelib.services import account

    account.change_expired_password(session, body.model_dump())
    return Response(body="", status_code=204)


@endpoint(blueprint, "/auth/signup", "POST", body="SignupRequest", authenticated=False)
def signup(body, language, **_):
    from chalicelib.services import recovery

    recovery.signup(body.model_dump())
    return _acknowledge("signup.sent", language)


@endpoint(blueprint, "/auth/activation/details", "POST", body="TokenOnly", authenticated=False)
def activation_details(body, **_):
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("ACTIVATION", body.token), with_question=False)


@endpoint(blueprint, "/auth/activation", "POST", body="NewSecrets", authenticated=False)
def activate(body, language, **_):
    from chalicelib.messages import say
    from chalicelib.services import recovery

    recovery.activate(body.model_dump())
    return 200, {"message": say("activation.done", language)}


@endpoint(blueprint, "/auth/password-reset/request", "POST", body="LoginOnly", authenticated=False)
def forgot_password(body, language, **_):
    from chalicelib.services import recovery

    recovery.forgot_password(body.login)
    return _acknowledge("reset.sent", language)


@endpoint(blueprint, "/auth/password-reset/details", "POST", body="TokenOnly", authenticated=False)
def reset_details(body, **_):
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("RESET", body.token), with_question=True)


@endpoint(blueprint, "/auth/password-reset", "POST", body="ResetRequest", authenticated=False)
def reset_password(body, language, **_):
    from chalicelib.messages import say
    from chalicelib.services import recovery

    recovery.reset_password(body.model_dump())
    return 200, {"message": say("reset.done", language)}


@endpoint(blueprint, "/auth/unlock", "POST", body="TokenOnly", authenticated=False)
def unlock(body, language, **_):
    from chalicelib.messages import say
    from chalicelib.services import recovery

    recovery.unlock(body.token)
    return 200, {"message": say("unlock.done", language)}


@endpoint(blueprint, "/auth/reactivation/request", "POST", body="LoginOnly", authenticated=False)
def request_reactivation(body, language, **_):
    from chalicelib.services import recovery

    recovery.request_reactivation(body.login)
    return _acknowledge("reactivation.sent", language)


@endpoint(blueprint, "/auth/reactivation/details", "POST", body="TokenOnly", authenticated=False)
def reactivation_details(body, **_):
    from chalicelib.api.shapes import link_account
    from chalicelib.services import recovery

    return link_account(recovery.link_details("REACTIVATION", body.token), with_question=False)


@endpoint(blueprint, "/auth/reactivation", "POST", body="NewSecrets", authenticated=False)
def reactivate(body, language, **_):
    from chalicelib.messages import say
    from chalicelib.services import recovery

    recovery.reactivate(body.model_dump())
    return 200, {"message": say("reactivation.done", language)}
