"""« Mon Compte »: read the whole account in one Query, save personal information in one write."""

import logging
from dataclasses import dataclass

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.errors import InvalidInput, NotAuthenticated, Problem, VersionConflict, WrongCurrentPassword
from chalicelib.domain.memberships import may_decide_escalated
from chalicelib.domain.password_policy import contains_personal_data
from chalicelib.domain.profile import check_password_change, check_profile, check_secret_question, personal_data_of
from chalicelib.domain.secret_answer import normalise_answer
from chalicelib.domain.subscriptions import SPACES
from chalicelib.services import auth
from chalicelib.services.auth import CurrentSession, end_other_sessions
from chalicelib.services.events import about_account
from chalicelib.services.hashing import hash_secret, verify_secret
from chalicelib.services.passwords import reminder_items
from chalicelib.store import accounts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedProfile:
    profile: entities.UserProfile
    other_sessions_ended: int
    email_change: entities.EmailChange | None = None  # a new contact address waits for its confirmation


def get_account(current: CurrentSession) -> entities.Account:
    account = accounts.load_account(current.user_id)
    if account is None:
        raise NotAuthenticated()
    return account


def get_profile(current: CurrentSession) -> entities.UserProfile:
    profile = accounts.get_profile(current.user_id)
    if profile is None:
        raise NotAuthenticated()
    return profile


def get_banner(current: CurrentSession) -> tuple[entities.UserProfile, list[str], bool, list]:
    """The banner's profile, the spaces the user holds (the navigation follows them), whether requests escalated to
    it wait in « Activité du gestionnaire » (a secondary manager acting as a user holds no manager space) and its
    rejected invoices to attest: one Query."""
    rejections = []
    profile, spaces, escalated_in = accounts.get_profile_and_spaces(current.user_id, rejections)
    if profile is None:
        raise NotAuthenticated()
    escalated = any(may_decide_escalated(m, True, clock.today()) for m in escalated_in)
    return profile, [space for space in SPACES if space in spaces], escalated, rejections


def update_account(current: CurrentSession, data: dict) -> SavedProfile:
    """Save every piece of personal information at once, or nothing.

    ``data`` has the shape of ``schemas.AccountUpdate``. Without a password or secret-question change this is one
    UpdateItem conditioned on the version; with one, a Query (to verify the current password) and one
    TransactWriteItems, then the user's other sessions end.
    """
    changes, problems = check_profile(data)
    password_change, secret_change = data.get("password"), data.get("secret_question")
    if password_change is not None:
        personal_data = [data["first_name"], data["last_name"], data["contact_email"]]
        problems.update(check_password_change(password_change, personal_data))
    if secret_change is not None:
        problems.update(check_secret_question(secret_change))
    if problems:
        raise InvalidInput(fields=problems)

    now = clock.now()
    changes["updated_at"] = now
    # A new contact address takes effect only once confirmed (issue 13): the rest saves at once.
    new_contact = changes.pop("contact_email")
    if password_change is None and secret_change is None:
        profile = accounts.update_profile(current.user_id, data["version"], changes)
        _lift_bounce_mark(profile)
        return SavedProfile(profile, 0, _contact_change(profile, new_contact))

    account = get_account(current)
    profile, credentials = account.profile, account.credentials
    if profile.version != data["version"]:
        raise VersionConflict()
    credential_changes, reminders = {}, []
    if password_change is not None:
        if contains_personal_data(password_change["new"], [profile.login]):
            raise InvalidInput(fields={"password.new": Problem("password.personal")})
        _verify_current_password(profile, credentials, password_change["current"], "password.current", current)
        credential_changes["password_hash"] = hash_secret(password_change["new"])
        changes["password_changed_at"] = now
        reminders = reminder_items(current.user_id, now)
    if secret_change is not None:
        changes["secret_question"] = secret_change["question"]
        credential_changes["secret_answer_hash"] = hash_secret(normalise_answer(secret_change["answer"]))
    events = [about_account(event_kinds.PASSWORD_CHANGED, current.user_id, now)] if password_change else []
    accounts.update_profile_and_credentials(
        current.user_id, data["version"], changes, credential_changes, credentials.password_hash, reminders,
        events=events,
    )
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.version += 1
    _lift_bounce_mark(profile)
    ended = end_other_sessions(current) if password_change is not None else 0
    if password_change is not None:
        _record_password_change(current)
        log.info("password changed for user %s; %d other session(s) ended", current.user_id, ended)
    return SavedProfile(profile, ended, _contact_change(profile, new_contact))


def _contact_change(profile: entities.UserProfile, new_contact: str) -> entities.EmailChange | None:
    if new_contact == profile.contact_email:
        return None
    from chalicelib.services import email_change

    return email_change.request_change(profile.user_id, "contact_email", new_contact, profile)


def _record_password_change(current: CurrentSession) -> None:
    from chalicelib.domain.security import PASSWORD_CHANGE
    from chalicelib.services import account_security

    account_security.record(current, PASSWORD_CHANGE)


def _lift_bounce_mark(profile) -> None:
    """A new contact address lifts the bounce mark at once (it was about the old one: ``contact_bounces``); the mark
    itself goes too, one UpdateItem in that case only."""
    if profile.contact_bounced_address and not profile.contact_bounces:
        from chalicelib.store import outbox

        outbox.clear_contact_bounce(profile)
        profile.contact_bounced_at = profile.contact_bounce = profile.contact_bounced_address = None


def _verify_current_password(profile, credentials, candidate: str, field: str,
                             current: CurrentSession | None = None) -> None:
    """The current password, checked like a login: throttled, and a wrong one counts as a failure."""
    state = auth.check_not_throttled(profile.login)
    if not verify_secret(credentials.password_hash, candidate):
        origin = auth.Origin(current.source, current.browser, current.system) if current else None
        # The history line names the browser of the session that tried.
        auth.record_failure(profile.login, state, profile, origin=origin)
        log.info("password change refused: wrong current password for user %s", profile.user_id)
        raise WrongCurrentPassword(fields={field: Problem("password.wrong")})


def change_expired_password(current: CurrentSession, data: dict) -> None:
    """The only thing open once the password has expired: choosing a new one."""
    account = get_account(current)
    profile, credentials = account.profile, account.credentials
    problems = check_password_change(
        {"current": data["current"], "new": data["new"], "confirmation": data["confirmation"]},
        personal_data_of(profile), prefix="",
    )
    if problems:
        raise InvalidInput(fields=problems)
    _verify_current_password(profile, credentials, data["current"], "current", current)
    now = clock.now()
    accounts.update_profile_and_credentials(
        current.user_id, profile.version, {"password_changed_at": now, "updated_at": now},
        {"password_hash": hash_secret(data["new"])}, credentials.password_hash, reminder_items(current.user_id, now),
        events=[about_account(event_kinds.PASSWORD_CHANGED, current.user_id, now)],
    )
    auth.clear_password_expired(current)
    ended = end_other_sessions(current)
    _record_password_change(current)
    log.info("expired password replaced for user %s; %d other session(s) ended", current.user_id, ended)
