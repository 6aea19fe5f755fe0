"""« Mon Compte » and the banner."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/me", "GET", allow_expired_password=True, response="Me")
def read_me(session, **_):
    """The banner: name, language and the previous login."""
    from chalicelib.api.shapes import me
    from chalicelib.services import account

    profile, spaces, escalated = account.get_banner(session)
    return me(profile, session.previous_login_at, spaces, escalated)


@endpoint(blueprint, "/account", "GET", response="Account")
def read_account(session, **_):
    """Everything « Mon Compte » shows, in one call."""
    from chalicelib.api.shapes import account_view
    from chalicelib.services import account

    return account_view(account.get_account(session), session.previous_login_at)


@endpoint(blueprint, "/account", "PUT", body="AccountUpdate", response="AccountHead")
def update_account(session, body, **_):
    """« Valider »: all personal information at once, optionally the password and the secret question."""
    from chalicelib.api.shapes import account_head
    from chalicelib.services import account

    saved = account.update_account(session, body.model_dump())
    return account_head(saved.profile, session.previous_login_at)


@endpoint(blueprint, "/account/deactivation", "GET", response="HandOvers")
def structures_to_hand_over(session, **_):
    """The structures the user leads: each needs a new principal manager before the account is deactivated."""
    from chalicelib.api import schemas
    from chalicelib.services import lifecycle

    return schemas.HandOvers(structures=[
        schemas.HandOver(structure_id=m.structure_id, identifier=m.identifier, designation=m.designation)
        for m in lifecycle.structures_to_hand_over(session)
    ])


@endpoint(blueprint, "/account/deactivation", "POST", body="Deactivation", response=None, status=204)
def deactivate(session, body, **_):
    """« Désactiver mon compte », with a new principal manager for each structure the user leads."""
    from chalice import Response

    from chalicelib.api.http import expired_session_cookie
    from chalicelib.services import lifecycle

    lifecycle.deactivate(session, body.successors)
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})
