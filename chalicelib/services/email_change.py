"""A verified change of the contact or login address (issue 13): it takes effect only when the new address confirms
it; the old address is told and may cancel it for 7 days. Asking for an address another account uses as its login
answers the same as for a free one: the confirmation then fails, and says why, to the one who owns the new address."""

import logging
import secrets
from zoneinfo import ZoneInfo

from chalicelib.domain import clock, entities
from chalicelib.domain.email_change import (
    CANCEL_LIFETIME,
    CONFIRM_LIFETIME,
    EMAIL_CHANGE,
    PENDING,
    cancellable,
    check_request,
)
from chalicelib.domain.errors import AddressTaken, EmailChangeLocked, InvalidInput, InvalidLink, NotAuthenticated
from chalicelib.mail import sender
from chalicelib.services import tokens
from chalicelib.services.auth import CurrentSession, end_all_sessions
from chalicelib.store import accounts, email_changes

log = logging.getLogger(__name__)


def request_change(user_id: str, target: str, address: str | None,
                   profile: entities.UserProfile | None = None) -> entities.EmailChange:
    """Record the change with its two mails (one transaction); nothing of the profile changes yet. The mailer issues
    each mail's link when it sends it, tied to this change by ``link_ref``."""
    profile = profile or accounts.get_profile(user_id)
    if profile is None:
        raise NotAuthenticated()
    current = profile.login if target == "login" else profile.contact_email
    new_address, problems = check_request(target, address, current)
    if problems:
        raise InvalidInput(fields=problems)
    now = clock.now()
    change = entities.EmailChange(
        user_id=user_id, target=target, old_address=current, new_address=new_address,
        status=EMAIL_CHANGE.transition("request").target, requested_at=now, confirm_until=now + CONFIRM_LIFETIME,
        cancel_until=now + CANCEL_LIFETIME, change_id=secrets.token_hex(16),
    )
    context = {"target": target, "new_address": new_address, "old_address": current, "link_ref": change.change_id}
    mails = [
        # The confirmation goes to the new address only, the notice to the old one (the login's for a login).
        sender.outbox_item("changement_adresse_confirmation", profile, context, link="EMAIL_CHANGE",
                           address=new_address),
        sender.outbox_item("changement_adresse_avis", profile, context, to_login=target == "login",
                           link="EMAIL_CHANGE_CANCEL"),
    ]
    try:
        email_changes.save(change, mails)
    except email_changes.ChangeLocked:
        previous = email_changes.get(user_id)
        until = (previous.cancel_until if previous else now).astimezone(ZoneInfo("Europe/Paris"))
        raise EmailChangeLocked(until=until.strftime("%d/%m/%Y %H:%M")) from None
    log.info("address change (%s) requested by user %s", target, user_id)
    return change


def withdraw(current: CurrentSession) -> None:
    """« Annuler la modification » in « Mon Compte »: a pending change is dropped (nothing to do when none is)."""
    if email_changes.withdraw(current.user_id):
        log.info("pending address change withdrawn by user %s", current.user_id)


def confirm(current: CurrentSession, token: str) -> entities.UserProfile:
    """The link mailed to the new address, opened while logged in as the account it is for."""
    item = tokens.peek("EMAIL_CHANGE", token)
    if item.user_id != current.user_id:
        log.info("address change link of another account opened by user %s", current.user_id)
        raise InvalidLink()
    change = email_changes.get(current.user_id)
    now = clock.now()
    if change is None or change.status != PENDING or change.change_id != item.ref or now >= change.confirm_until:
        raise InvalidLink()
    profile = accounts.get_profile(current.user_id)
    if profile is None:
        raise NotAuthenticated()
    if change.target == "login":
        holder = accounts.find_user_id(change.new_address)
        if holder is not None and holder != current.user_id:
            raise AddressTaken()
    try:
        email_changes.confirm(change, item.token_hash, profile.version, now)
    except InvalidLink:
        # Either the link was used meanwhile, or another account took the login between the check and the write.
        if change.target == "login" and accounts.find_user_id(change.new_address) not in (None, current.user_id):
            raise AddressTaken() from None
        raise
    setattr(profile, change.target, change.new_address)
    profile.updated_at = now
    profile.version += 1
    if change.target == "contact_email":
        from chalicelib.services.account import _lift_bounce_mark

        _lift_bounce_mark(profile)  # the bounce mark was about the old contact address
    log.info("address change (%s) confirmed by user %s", change.target, current.user_id)
    return profile


def cancel(token: str) -> None:
    """The link mailed to the old address, valid 7 days, with or without a session: the change never happens, or
    is undone, and then every session of the account ends (whoever changed the address is logged out)."""
    item = tokens.peek("EMAIL_CHANGE_CANCEL", token)
    change = email_changes.get(item.user_id)
    now = clock.now()
    if change is None or change.change_id != item.ref or not cancellable(change, now):
        raise InvalidLink()
    profile = accounts.get_profile(item.user_id)
    if profile is None:
        raise InvalidLink()
    undone = change.status != PENDING
    try:
        email_changes.cancel(change, item.token_hash, profile.version, now)
    except InvalidLink:
        if undone and change.target == "login" \
                and accounts.find_user_id(change.old_address) not in (None, item.user_id):
            raise AddressTaken() from None
        raise
    if undone:
        ended = end_all_sessions(item.user_id)
        log.info("confirmed address change (%s) undone by the old address of user %s; %d session(s) ended",
                 change.target, item.user_id, ended)
    else:
        log.info("pending address change (%s) cancelled by the old address of user %s", change.target, item.user_id)
