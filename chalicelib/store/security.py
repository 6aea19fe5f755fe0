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

from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.domain.throttle import Attempts
from chalicelib.store.models import Item, LoginAttempts, OneTimeToken, Reminder, SourceAttempts, bind

REMINDER_SHARDS = 8


def _login_key(login: str) -> str:
    return f"ATTEMPTS#{login.casefold()}"


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


def save_attempts(login: str, state: Attempts, keep_until: datetime) -> None:
    bind()
    LoginAttempts(
        _login_key(login), "ATTEMPTS", failures=state.failures, first_failure_at=state.first_failure_at,
        last_failure_at=state.last_failure_at, locked_until=state.locked_until, expires_at=keep_until,
    ).save()


def clear_attempts(login: str) -> None:
    bind()
    LoginAttempts(_login_key(login), "ATTEMPTS").delete()


def expiry_keys(moment: datetime, pk: str, sk: str) -> dict:
    """The ``gsi1`` keys that file an expiring item under its day, in time order (one fixed format sorts as text)."""
    return {"gsi1pk": f"EXPIRY#{moment.date().isoformat()}", "gsi1sk": f"{stamp(moment)}#{pk}#{sk}"}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def save_token(token_hash: str, purpose: str, user_id: str, expires_at: datetime) -> None:
    bind()
    pk = f"TOKEN#{token_hash}"
    OneTimeToken(pk, "TOKEN", purpose=purpose, user_id=user_id, expires_at=expires_at,
                 **expiry_keys(expires_at, pk, "TOKEN")).save()


def peek_token(token_hash: str) -> OneTimeToken | None:
    bind()
    try:
        return OneTimeToken.get(f"TOKEN#{token_hash}", "TOKEN", consistent_read=True)
    except DoesNotExist:
        return None


def consume_token(token: OneTimeToken) -> bool:
    """Delete the token if it is still there: True for the one caller that used it."""
    bind()
    try:
        token.delete(condition=OneTimeToken.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def reminder_items(user_id: str, days: dict[str, str], changed_at: datetime) -> list[Reminder]:
    """Reminder items for ``days`` ({kind: ISO day}); written with the password change that sets them."""
    shard = int(user_id[-4:], 16) % REMINDER_SHARDS
    return [
        Reminder(f"REMIND#{day}#{shard}", f"{user_id}#{kind}", user_id=user_id, reminder_kind=kind,
                 password_changed_at=changed_at)
        for kind, day in days.items()
    ]


def save_reminders(reminders: list[Reminder]) -> None:
    """Write reminders outside a password change (the demo data, whose passwords are set by seeding)."""
    bind()
    with Reminder.batch_write() as batch:
        for reminder in reminders:
            batch.save(reminder)


def reminders_of_day(day: str):
    """Every reminder of ``day``: one Query per shard."""
    bind()
    for shard in range(REMINDER_SHARDS):
        yield from Reminder.query(f"REMIND#{day}#{shard}")


def delete_reminder(reminder: Reminder) -> None:
    bind()
    reminder.delete()


def expired_before(day: str, now: datetime):
    """Sessions and tokens whose expiry day is ``day`` and whose time is past."""
    from chalicelib.store.models import Item

    bind()
    yield from Item.structure_members.query(f"EXPIRY#{day}", Item.gsi1sk < stamp(now))


def delete_item(item) -> None:
    bind()
    item.delete()
