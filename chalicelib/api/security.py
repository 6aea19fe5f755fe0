"""« Sécurité et confidentialité »: « Mes sessions », « Historique de connexion », the second factor, and the second
step of a login with a second factor."""

from chalice import Blueprint, Response

from chalicelib.api.http import client_address, endpoint, expired_session_cookie, json_response, session_cookie

blueprint = Blueprint(__name__)

SESSION_ID = r"^[0-9a-f]{16}$"


def user_agent(request) -> str | None:
    """The User-Agent header, only to name the browser (never stored as is)."""
    for key, value in (request.headers or {}).items():
        if key.lower() == "user-agent":
            return value
    return None


@endpoint(blueprint, "/account/security", "GET", response="SecurityOverview")
def read_security(session, **_):
    """« Sécurité et confidentialité »: open sessions, 90 days of login history and the second factor, in one call."""
    from chalicelib.api import schemas
    from chalicelib.services import account_security

    view = account_security.overview(session)
    state = view.state
    return schemas.SecurityOverview(
        sessions=[schemas.SessionLine(
            session_id=line.session_id, browser=line.session.browser, system=line.session.system,
            source=line.session.source, started_at=line.session.created_at,
            last_active_at=line.session.last_active_at or line.session.created_at, current=line.current,
        ) for line in view.sessions],
        history=[schemas.HistoryLine(at=e.at, event=e.event, browser=e.browser, system=e.system, source=e.source)
                 for e in view.history],
        second_factor=schemas.SecondFactorStatus(enabled=state.second_factor, enabled_at=state.totp_enabled_at,
                                                 recovery_codes_left=len(state.recovery_hashes)),
    )


@endpoint(blueprint, "/account/sessions/{session_id}/close", "POST", body="EmptyRequest", response=None, status=204)
def close_session(session, session_id, **_):
    """« Fermer »: end one of one's sessions (404 for any other id); ending the current one logs out."""
    import re

    from chalicelib.domain.errors import NotFound
    from chalicelib.services import account_security

    if not re.match(SESSION_ID, session_id):
        raise NotFound()
    was_current = account_security.close_session(session, session_id)
    headers = {"Set-Cookie": expired_session_cookie()} if was_current else {}
    return Response(body="", status_code=204, headers=headers)


@endpoint(blueprint, "/account/sessions/close-others", "POST", body="EmptyRequest", response="SessionsClosed")
def close_other_sessions(session, **_):
    """« Fermer toutes les autres sessions »: every session but the current one ends at once."""
    from chalicelib.api import schemas
    from chalicelib.services import account_security

    return schemas.SessionsClosed(closed=account_security.close_other_sessions(session))


@endpoint(blueprint, "/account/second-factor/setup", "POST", body="EmptyRequest", response="SecondFactorSetup")
def start_second_factor(session, **_):
    """« Activer la double authentification »: a new secret, as a QR code and as text, to confirm with a first code."""
    from chalicelib.api import schemas
    from chalicelib.services import account_security

    setup = account_security.start(session)
    return schemas.SecondFactorSetup(secret=setup.secret, uri=setup.uri, qr_svg=setup.qr_svg)


@endpoint(blueprint, "/account/second-factor", "POST", body="SecondFactorConfirmation", response="RecoveryCodes",
          labels="second_factor")
def confirm_second_factor(session, body, **_):
    """The first code turns the second factor on; the ten recovery codes are shown this once."""
    from chalicelib.api import schemas
    from chalicelib.services import account_security

    return schemas.RecoveryCodes(recovery_codes=account_security.confirm(session, body.code))


@endpoint(blueprint, "/account/second-factor/off", "POST", body="SecondFactorOff", response=None, status=204,
          labels="second_factor")
def disable_second_factor(session, body, **_):
    """« Désactiver la double authentification »: asks for the password and a code (or a recovery code)."""
    from chalicelib.services import account_security

    account_security.disable(session, body.password, body.code)
    return Response(body="", status_code=204)


@endpoint(blueprint, "/auth/login/second-factor", "POST", body="SecondFactorLogin", authenticated=False,
          response="LoginAnswer", labels="second_factor")
def login_second_factor(request, body, language, **_):
    """The code after the password (a login with a second factor): opens the session."""
    from chalicelib.services import auth

    result = auth.complete_second_factor(body.challenge, body.code, source=client_address(request),
                                         user_agent=user_agent(request))
    return login_answer(result, language)


def login_answer(result, language: str):
    """What « Se connecter » answers: the session (cookie) and who is logged in, or, with a second factor, 202 and the
    challenge its code goes with."""
    from chalicelib.api import schemas
    from chalicelib.api.messages import say
    from chalicelib.api.shapes import me
    from chalicelib.services.auth import SecondFactorChallenge

    if isinstance(result, SecondFactorChallenge):
        return json_response(202, schemas.SecondFactorNeeded(
            challenge=result.challenge, message=say("second_factor_required", language)))
    answer = schemas.LoginAnswer(**me(result.profile, result.previous_login_at).model_dump(),
                                 password_expired=result.password_expired)
    return json_response(200, answer, headers={"Set-Cookie": session_cookie(result.cookie_value)})
