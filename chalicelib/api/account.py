"""« Mon Compte » and the banner."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/me", "GET")
def read_me(session, **_):
    from chalicelib.api.shapes import me
    from chalicelib.services import account

    return me(account.get_profile(session), session.previous_login_at)


@endpoint(blueprint, "/account", "GET")
def read_account(session, **_):
    from chalicelib.api.shapes import account_view
    from chalicelib.services import account

    return account_view(account.get_account(session), session.previous_login_at)


@endpoint(blueprint, "/account", "PUT", body="AccountUpdate")
def update_account(session, body, **_):
    from chalicelib.api.shapes import account_head
    from chalicelib.services import account

    saved = account.update_account(session, body.model_dump())
    return account_head(saved.profile, session.previous_login_at)
