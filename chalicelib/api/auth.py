"""Login and logout."""

from chalice import Blueprint, Response

from chalicelib.api.http import endpoint, expired_session_cookie, json_response, session_cookie

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/auth/login", "POST", body="LoginRequest", authenticated=False)
def login(body, **_):
    from chalicelib.api.shapes import me
    from chalicelib.services import auth

    result = auth.login(body.login, body.password)
    return json_response(
        200, me(result.profile, result.previous_login_at), headers={"Set-Cookie": session_cookie(result.cookie_value)}
    )


@endpoint(blueprint, "/auth/logout", "POST", body="EmptyRequest")
def logout(session, **_):
    from chalicelib.services import auth

    auth.logout(session)
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})
