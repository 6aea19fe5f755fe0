"""« Mon Compte » and the banner."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/me", "GET", allow_expired_password=True, response="Me")
def read_me(session, **_):
    """The banner: name, language and the previous login."""
    from chalicelib.api.shapes import me
    from chalicelib.services import account

    profile, spaces, escalated, rejections = account.get_banner(session)
    return me(profile, session.previous_login_at, spaces, escalated, rejections)


@endpoint(blueprint, "/account", "GET", response="Account")
def read_account(session, **_):
    """Everything « Mon Compte » shows, in one call."""
    from chalicelib.api.shapes import account_view
    from chalicelib.services import account

    return account_view(account.get_account(session), session.previous_login_at)


@endpoint(blueprint, "/account", "PUT", body="AccountUpdate", response="AccountHead")
def update_account(session, body, **_):
    """« Valider »: all personal information at once, optionally the password and the secret question."""
    from chalicelib.api.shapes import account_head, email_change_view
    from chalicelib.services import account

    saved = account.update_account(session, body.model_dump())
    return account_head(saved.profile, session.previous_login_at, email_change=email_change_view(saved.email_change))


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


# « Sécurité et confidentialité »: verified address change and data export (issue 13) -------------------------------

@endpoint(blueprint, "/account/privacy", "GET", response="PrivacyView")
def read_privacy(session, **_):
    """What « Sécurité et confidentialité » shows of the address change and the data export: two requests."""
    from chalicelib.api import schemas
    from chalicelib.api.shapes import data_export_view, email_change_view
    from chalicelib.store import exports

    change, export = exports.privacy_items(session.user_id)
    return schemas.PrivacyView(email_change=email_change_view(change), data_export=data_export_view(export))


@endpoint(blueprint, "/account/email-change", "POST", body="EmailChangeRequest", response="EmailChangeView",
          status=202, labels="email_change")
def request_email_change(session, body, **_):
    """A new contact or login address: a link to confirm it goes to the new address, a notice to the old one. The
    same answer whether another account uses the address or not."""
    from chalicelib.api.shapes import email_change_view
    from chalicelib.services import email_change

    change = email_change.request_change(session.user_id, body.target, body.address)
    return 202, email_change_view(change)


@endpoint(blueprint, "/account/email-change", "DELETE", response=None, status=204)
def withdraw_email_change(session, **_):
    """« Annuler la modification »: the pending change is dropped, its links die."""
    from chalice import Response

    from chalicelib.services import email_change

    email_change.withdraw(session)
    return Response(body="", status_code=204)


@endpoint(blueprint, "/account/email-change/confirm", "POST", body="TokenOnly", response="Acknowledgement")
def confirm_email_change(session, body, language, **_):
    """The link of the new address, opened while logged in to the account it is for."""
    from chalicelib.api import schemas
    from chalicelib.api.messages import say
    from chalicelib.services import email_change

    email_change.confirm(session, body.token)
    return schemas.Acknowledgement(message=say("email_change.done", language))


@endpoint(blueprint, "/account/export", "POST", body="EmptyRequest", response="DataExportView", status=202)
def request_export(session, **_):
    """« Télécharger mes données »: the archive is built off the request path; a mail says when it is ready."""
    from chalicelib.api.shapes import data_export_view
    from chalicelib.services import data_export

    return 202, data_export_view(data_export.request(session))


@endpoint(blueprint, "/account/export/link", "GET", response="DataExportLink")
def export_link(session, **_):
    """A link to the user's own archive, valid five minutes."""
    from chalicelib.api import schemas
    from chalicelib.services import data_export

    url, expires_at = data_export.link(session)
    return schemas.DataExportLink(url=url, expires_at=expires_at)
