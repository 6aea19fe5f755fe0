"""Getting into an account without a session: sign-up and activation, forgotten password, unlock after too many
failures, reactivation of a deactivated account (guide §8). Every answer that starts from an address is the same
whether an account has it or not; what differs goes by mail to the owner."""

import logging
import uuid
from datetime import timedelta

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.accounts import ACCOUNT, ACTIVE, INACTIVE, PENDING_ACTIVATION, REACTIVATION_DAYS
from chalicelib.domain.errors import InvalidInput, InvalidLink, Problem, ReactivationTooLate
from chalicelib.domain.memberships import PENDING, holds_manager_role
from chalicelib.domain.profile import check_new_password, check_new_secrets, check_signup, personal_data_of
from chalicelib.domain.secret_answer import normalise_answer
from chalicelib.domain.security import PASSWORD_RESET
from chalicelib.mail import sender
from chalicelib.services import tokens
from chalicelib.services.auth import check_not_throttled, end_all_sessions, record_failure
from chalicelib.services.events import about_account
from chalicelib.services.hashing import hash_secret, verify_secret
from chalicelib.services.passwords import reminder_items
from chalicelib.store import accounts, memberships, security, sessions

log = logging.getLogger(__name__)


def signup(data: dict) -> None:
    """« Créer un compte »: a pending account and an activation link to the login address."""
    data, problems = check_signup(data)
    if problems:
        raise InvalidInput(fields=problems)
    login = data["login"]
    user_id = accounts.find_user_id(login)
    now = clock.now()
    if user_id is not None:
        existing = accounts.get_profile(user_id)
        if existing is not None and existing.status == PENDING_ACTIVATION:
            # Not activated yet (the link may have expired): a new link, nothing else changes.
            sender.send("activation", existing, {}, to_login=True, link="ACTIVATION")
        elif existing is not None:
            sender.send("inscription_existante", existing, {}, to_login=True)
        log.info("sign-up for an existing login (%s)", existing.status if existing else "?")
        return
    new = entities.UserProfile(
        user_id=uuid.uuid4().hex, login=login, contact_email=data.get("contact_email") or login,
        last_name=data["last_name"], first_name=data["first_name"], address_line1="", address_line2=None,
        address_line3=None, postal_code=None, city="", country="FR", phone=data.get("phone"), fax=None,
        language=data.get("language") or "FR", notifications=True, status=ACCOUNT.transition("sign_up").check(None),
        created_at=now, reactivated_at=None, deactivated_at=None, updated_at=now, password_changed_at=now,
        secret_question="",
    )
    try:
        # The account and its activation mail are saved together, or neither.
        with sender.with_next_commit("activation", new, {}, to_login=True, link="ACTIVATION"):
            profile = accounts.create_user(new, None, None)
    except accounts.LoginTaken:
        return  # a concurrent sign-up for the same address won: its mail is on its way
    log.info("account %s created, waiting for activation", profile.user_id)


def _check_new_secrets(data: dict, profile) -> None:
    problems = check_new_secrets(data, personal_data_of(profile))
    if problems:
        raise InvalidInput(fields=problems)


def _set_secrets(profile, data: dict, transition: str, status_changes: dict, events=()) -> None:
    """New password, question and answer (with the reminders of the new password), and the account's ``transition``,
    at once."""
    now = clock.now()
    changes = {"password_changed_at": now, "updated_at": now, "secret_question": data["secret_question"],
               **status_changes}
    accounts.update_profile_and_credentials(
        profile.user_id, profile.version, changes,
        {"password_hash": hash_secret(data["password"]),
         "secret_answer_hash": hash_secret(normalise_answer(data["secret_answer"]))},
        None, reminders=reminder_items(profile.user_id, now), transition=ACCOUNT.transition(transition),
        events=events,
    )


def link_details(purpose: str, token: str):
    """What a link's page shows before anything is sent: the account's general information (read-only)."""
    item = tokens.peek(purpose, token)
    profile = accounts.get_profile(item.user_id)
    if profile is None:
        raise InvalidLink()
    if purpose == "REACTIVATION":
        _check_reactivation_delay(profile)
    return profile


def activate(data: dict) -> None:
    item = tokens.peek("ACTIVATION", data["token"])
    profile = accounts.get_profile(item.user_id)
    if profile is None or profile.status != PENDING_ACTIVATION:
        raise InvalidLink()
    _check_new_secrets(data, profile)
    tokens.consume(item)
    _set_secrets(profile, data, "activate", {})
    log.info("account %s activated", profile.user_id)


def _account_of(login: str, status: str) -> entities.UserProfile | None:
    """The account whose login this is, if it is in ``status``."""
    user_id = accounts.find_user_id(login)
    profile = accounts.get_profile(user_id) if user_id else None
    return profile if profile is not None and profile.status == status else None


def forgot_password(login: str) -> None:
    """« Mot de passe oublié »: a reset link to the login address of an active account; nothing otherwise."""
    profile = _account_of(login, ACTIVE)
    if profile is None:
        log.info("password reset asked for a login without an active account")
        return
    sender.send("reinitialisation", profile, {}, to_login=True, link="RESET")
    log.info("password reset link sent to user %s", profile.user_id)


def reset_password(data: dict) -> None:
    """The answer to the secret question and a new password; a wrong answer counts as a failed login."""
    item = tokens.peek("RESET", data["token"])
    profile, credentials = accounts.get_profile_and_credentials(item.user_id)
    if profile is None or profile.status != ACTIVE:
        raise InvalidLink()
    state = check_not_throttled(profile.login)
    problems = check_new_password(data, personal_data_of(profile))
    if problems:
        raise InvalidInput(fields=problems)
    if not verify_secret(credentials.secret_answer_hash, normalise_answer(data["secret_answer"])):
        record_failure(profile.login, state, profile)
        raise InvalidInput(fields={"secret_answer": Problem("secret_answer.wrong")})
    tokens.consume(item)
    now = clock.now()
    with sender.with_next_commit("mot_de_passe_modifie", profile, {"moment": now}, to_login=True):
        accounts.update_profile_and_credentials(
            profile.user_id, profile.version, {"password_changed_at": now, "updated_at": now},
            {"password_hash": hash_secret(data["password"])}, credentials.password_hash,
            reminders=reminder_items(profile.user_id, now),
            events=[about_account(event_kinds.PASSWORD_CHANGED, profile.user_id, now)],
        )
    ended = end_all_sessions(profile.user_id)
    sessions.add_events([entities.LoginEvent(profile.user_id, now, PASSWORD_RESET)])
    log.info("password reset for user %s; %d session(s) ended", profile.user_id, ended)


def unlock(token: str) -> None:
    item = tokens.peek("UNLOCK", token)
    profile = accounts.get_profile(item.user_id)
    if profile is None:
        raise InvalidLink()
    tokens.consume(item)
    security.clear_attempts(profile.login)
    log.info("login of user %s unlocked by its owner", profile.user_id)


def _check_reactivation_delay(profile) -> None:
    if profile.status != INACTIVE:
        raise InvalidLink()
    if clock.now() - profile.deactivated_at > timedelta(days=REACTIVATION_DAYS):
        raise ReactivationTooLate()


def request_reactivation(login: str) -> None:
    """« Réactiver mon compte »: a link valid 24 hours to the login address, or the way to the support past 60 days."""
    profile = _account_of(login, INACTIVE)
    if profile is None:
        log.info("reactivation asked for a login without a deactivated account")
        return
    try:
        _check_reactivation_delay(profile)
    except ReactivationTooLate:
        sender.send("reactivation_impossible", profile, {}, to_login=True)
        return
    sender.send("reactivation", profile, {}, to_login=True, link="REACTIVATION")
    log.info("reactivation link sent to user %s", profile.user_id)


def reactivate(data: dict) -> None:
    """« Activation du compte utilisateur »: new password, question and answer; the account is active again."""
    item = tokens.peek("REACTIVATION", data["token"])
    profile = accounts.get_profile(item.user_id)
    if profile is None:
        raise InvalidLink()
    _check_reactivation_delay(profile)
    _check_new_secrets(data, profile)
    tokens.consume(item)
    now = clock.now()
    _set_secrets(profile, data, "reactivate", {"reactivated_at": now},
                 [about_account(event_kinds.ACCOUNT_REACTIVATED, profile.user_id, now)])
    for membership in memberships.restore_memberships(profile.user_id):
        if holds_manager_role(membership):
            # Requests made while the account was deactivated wait for it too.
            memberships.add_request_copies(profile.user_id, memberships.members(membership.structure_id, PENDING))
    log.info("account %s reactivated", profile.user_id)
