"""Repository of login attempts (per login name), one-time tokens and the days of password reminders.

- ``ATTEMPTS#<login>`` / ``ATTEMPTS``: the failures of a login name, expired by TTL.
- ``ATTEMPTS#SOURCE#<address>`` / ``WINDOW#<start>``: the login failures of a source address in one fixed window,
  counted with an atomic ADD (parallel requests lose no count), expired by TTL.
- ``TOKEN#<sha256 of the token>`` / ``TOKEN``: a one-time link (activation, reset, unlock, reactivation), expired by TTL
  and deleted by its single use.
- ``REMIND#<day>#<shard>`` / ``<user id>#<kind>``: who gets a password-expiry reminder that day; the daily job reads
  only its day's shards.
Sessions and tokens also carry ``gsi1pk = EXPIRY#<day>`` so that housekeeping finds what expired without a Scan.
"""

import secrets
from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.domain import entities
from chalicelib.domain.throttle import Attempts
from chalicelib.store.common import commit, entity
from chalicelib.store.models import Item, LoginAttempts, LoginEvent, OneTimeToken, Reminder, SourceAttempts, bind

REMINDER_SHARDS = 8


def _login_key(login: str) -> str:
    return f"ATTEMPTS#{login.casefold()}"


def attempts_key(login: str) -> tuple[str, str]:
    """The key of a login name's failures (read in batches by the check of stale requests)."""
    return _login_key(login), "ATTEMPTS"


def get_attempts(login: str) -> Attempts:
    bind()
    try:
        item = LoginAttempts.get(_login_key(login), "ATTEMPTS", consistent_read=True)
    except DoesNotExist:
        return Attempts()
    return Attempts(item.failures, item.first_failure_at, item.last_failure_at, item.locked_until)


def _source_keys(source: str, window: datetime) -> tuple[str, str]:
    return f"ATTEMPTS#SOURCE#{source}", f"WINDOW#{stamp(window)}"


def get_attempts_and_source(login: str, source: str, window: datetime) -> tuple[Attempts, int]:
    """The failures of a login name and those of a source in ``window``: one BatchGetItem for both."""
    bind()
    state, source_failures = Attempts(), 0
    for item in Item.batch_get([(_login_key(login), "ATTEMPTS"), _source_keys(source, window)], consistent_read=True):
        if isinstance(item, LoginAttempts):
            state = Attempts(item.failures, item.first_failure_at, item.last_failure_at, item.locked_until)
        elif isinstance(item, SourceAttempts):
            source_failures = int(item.failures)
    return state, source_failures


def count_source_failure(source: str, window: datetime, keep_until: datetime) -> None:
    bind()
    item = SourceAttempts(*_source_keys(source, window))
    item.update(actions=[
        SourceAttempts.failures.add(1), SourceAttempts.expires_at.set(keep_until),
        SourceAttempts.kind.set(SourceAttempts),
    ])


def save_attempts(login: str, state: Attempts, keep_until: datetime, events: list[entities.LoginEvent] = ()) -> None:
    """The login's failures, with the history lines of its owner (if any): one BatchWriteItem either way, so that an
    unknown login costs the same requests as a known one."""
    bind()
    with LoginAttempts.batch_write() as batch:
        batch.save(LoginAttempts(
            _login_key(login), "ATTEMPTS", failures=state.failures, first_failure_at=state.first_failure_at,
            last_failure_at=state.last_failure_at, locked_until=state.locked_until, expires_at=keep_until,
        ))
        for event in events:
            batch.save(event_item(event))


# Before every session (sort keys are hexadecimal hashes) and ``SECURITY``: read backwards, the partition gives the
# second factor and every session first, then the history from the newest line.
HISTORY_PREFIX = "#HISTORY#"


def event_item(event: entities.LoginEvent) -> LoginEvent:
    """A line of the login history, in its user's ``SESSION#`` partition, expiring after 90 days."""
    from chalicelib.domain.security import history_until

    pk = f"SESSION#{event.user_id}"
    sk = f"{HISTORY_PREFIX}{stamp(event.at)}#{secrets.token_hex(4)}"
    until = history_until(event.at)
    return LoginEvent(pk, sk, user_id=event.user_id, at=event.at, event=event.event, browser=event.browser,
                      system=event.system, source=event.source, expires_at=until, **expiry_keys(until, pk, sk))


def clear_attempts(login: str) -> None:
    bind()
    LoginAttempts(_login_key(login), "ATTEMPTS").delete()


def expiry_keys(moment: datetime, pk: str, sk: str) -> dict:
    """The ``gsi1`` keys that file an expiring item under its day, in time order (one fixed format sorts as text)."""
    return {"gsi1pk": f"EXPIRY#{moment.date().isoformat()}", "gsi1sk": f"{stamp(moment)}#{pk}#{sk}"}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _token_pk(token_hash: str) -> str:
    return f"TOKEN#{token_hash}"


def save_token(token: entities.OneTimeToken) -> None:
    bind()
    pk = _token_pk(token.token_hash)
    OneTimeToken(pk, "TOKEN", purpose=token.purpose, user_id=token.user_id, expires_at=token.expires_at,
                 ref=token.ref, **expiry_keys(token.expires_at, pk, "TOKEN")).save()


def peek_token(token_hash: str) -> entities.OneTimeToken | None:
    bind()
    try:
        item = OneTimeToken.get(_token_pk(token_hash), "TOKEN", consistent_read=True)
    except DoesNotExist:
        return None
    return entity(entities.OneTimeToken, item, token_hash=token_hash)


def consume_token(token: entities.OneTimeToken) -> bool:
    """Delete the token if it is still there: True for the one caller that used it."""
    bind()
    try:
        OneTimeToken(_token_pk(token.token_hash), "TOKEN").delete(condition=OneTimeToken.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _reminder_key(reminder: entities.Reminder) -> tuple[str, str]:
    shard = int(reminder.user_id[-4:], 16) % REMINDER_SHARDS
    return f"REMIND#{reminder.day}#{shard}", f"{reminder.user_id}#{reminder.reminder_kind}"


def reminder_item(reminder: entities.Reminder) -> Reminder:
    """The stored reminder (written with the password change that sets it)."""
    return Reminder(*_reminder_key(reminder), user_id=reminder.user_id, reminder_kind=reminder.reminder_kind,
                    password_changed_at=reminder.password_changed_at)


def save_reminders(reminders: list[entities.Reminder]) -> None:
    """Write reminders outside a password change (the demo data, whose passwords are set by seeding)."""
    bind()
    with Reminder.batch_write() as batch:
        for reminder in reminders:
            batch.save(reminder_item(reminder))


def reminders_of_day(day: str):
    """Every reminder of ``day``: one Query per shard."""
    bind()
    for shard in range(REMINDER_SHARDS):
        for item in Reminder.query(f"REMIND#{day}#{shard}"):
            yield entity(entities.Reminder, item, day=day)


def delete_reminder(reminder: entities.Reminder) -> None:
    """One transaction, so that the mail it tells about joins it (``sender.with_next_commit``): the mail is queued
    if and only if the reminder goes. ``ConcurrentChange`` if it went already (another run)."""
    bind()
    commit(lambda transaction: transaction.delete(Reminder(*_reminder_key(reminder)),
                                                  condition=Reminder.pk.exists()))


def remove_expired(day: str, now: datetime) -> int:
    """Delete the sessions and tokens whose expiry day is ``day`` and whose time is past; how many went."""
    bind()
    removed = 0
    for item in list(Item.structure_members.query(f"EXPIRY#{day}", Item.gsi1sk < stamp(now))):
        item.delete()
        removed += 1
    return removed
