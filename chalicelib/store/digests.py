"""Repository of the digest jobs' keys (``store.models`` documents the layout):

- ``DIGEST#<day>#<shard>`` / ``<user id>``: the user has something new in its feed that day. Written with its feed
  items (``store.events``), idempotently (the same key each time), so the daily digest Queries a day's shards and
  reads only the users who have something.
- ``RECAP#<monday>#<shard>`` / ``<structure id>``: the structure had a movement that week (its history holds it), so
  the weekly recap reads only structures that moved.
- ``DIGESTED#<user id>`` / ``DAILY`` and ``WEEKLY#<structure id>``: what the user was last told (the day or week, and
  the feed's sort key it reached), written with a condition so that no mail goes twice.

The marks carry a TTL (``expires_at``) and are filed under ``EXPIRY#<day>`` in ``gsi1`` for the local housekeeping.
"""

import logging
from datetime import datetime

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError

from chalicelib import settings
from chalicelib.domain import digests as domain
from chalicelib.store.models import PROFILE_SK, Item, UserProfile, bind, user_pk

log = logging.getLogger(__name__)

DAY_PREFIX = "DIGEST#"
WEEK_PREFIX = "RECAP#"
RECORD_PREFIX = "DIGESTED#"
DAILY = "DAILY"
WEEKLY_PREFIX = "WEEKLY#"
BATCH_GET_LIMIT = 100  # keys per BatchGetItem


class DayMark(Item, discriminator="DIGEST_MARK"):
    user_id = UnicodeAttribute()
    expires_at = TTLAttribute()


class WeekMark(Item, discriminator="RECAP_MARK"):
    structure_id = UnicodeAttribute()
    expires_at = TTLAttribute()


class DigestRecord(Item, discriminator="DIGEST_RECORD"):
    """What a user was last told: ``period`` (a day, or a week's Monday) and the sort key its feed or the structure's
    history was read up to."""

    period = UnicodeAttribute()
    cursor = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()


def day_pk(day: str, shard: int) -> str:
    return f"{DAY_PREFIX}{day}#{shard}"


def week_pk(week: str, shard: int) -> str:
    return f"{WEEK_PREFIX}{week}#{shard}"


def _expiry(item, moment: datetime):
    from chalicelib.store.events import stamp

    item.expires_at = moment + domain.MARKS_KEPT_FOR
    item.gsi1pk = f"EXPIRY#{item.expires_at.date().isoformat()}"
    item.gsi1sk = f"{stamp(item.expires_at)}#{item.pk}#{item.sk}"
    return item


def marks_of(event) -> list[Item]:
    """The marks an event's items bring: each reader under the event's day, the structure under its week when the
    event is a movement of the recap."""
    shards = settings.digest_shards()
    day = domain.day_of(event.at)
    marks = [_expiry(DayMark(day_pk(day, domain.shard(reader, shards)), reader, user_id=reader), event.at)
             for reader in event.readers]
    if event.structure_id and domain.in_recap(event.kind):
        week = domain.week_of(event.at)
        marks.append(_expiry(WeekMark(week_pk(week, domain.shard(event.structure_id, shards)), event.structure_id,
                                      structure_id=event.structure_id), event.at))
    return marks


# Reads -------------------------------------------------------------------------------------------------------------

def users_of_day(day: str, shard: int) -> list[str]:
    """The users marked under one shard of a day: one Query (paged by DynamoDB past 1 MB)."""
    bind()
    return [item.user_id for item in DayMark.query(day_pk(day, shard)) if isinstance(item, DayMark)]


def structures_of_week(week: str, shard: int) -> list[str]:
    bind()
    return [item.structure_id for item in WeekMark.query(week_pk(week, shard)) if isinstance(item, WeekMark)]


def profiles_and_records(user_ids: list[str], record_sk: str = DAILY) -> dict[str, tuple]:
    """Each user's profile and digest record (``record_sk``): one BatchGetItem per 50 users."""
    from chalicelib.store.accounts import profile_entity

    bind()
    keys = []
    for user_id in dict.fromkeys(user_ids):
        keys += [(user_pk(user_id), PROFILE_SK), (f"{RECORD_PREFIX}{user_id}", record_sk)]
    found: dict[str, list] = {user_id: [None, None] for user_id in user_ids}
    for item in Item.batch_get(keys):
        if isinstance(item, UserProfile):
            found[item.user_id][0] = profile_entity(item)
        elif isinstance(item, DigestRecord):
            found[item.pk.removeprefix(RECORD_PREFIX)][1] = item
    return {user_id: (profile, record.period if record else None, record.cursor if record else None)
            for user_id, (profile, record) in found.items()}


def feed_after(user_id: str, cursor: str, limit: int):
    """The user's feed items after ``cursor`` (a sort key), oldest first, ``limit`` at most: one Query. Returns the
    events and the sort key of the last one read."""
    from chalicelib.store.events import FEED_PREFIX, EventRecord, to_event

    bind()
    items = [item for item in EventRecord.query(f"{FEED_PREFIX}{user_id}", EventRecord.sk > cursor, limit=limit,
                                                 page_size=limit) if isinstance(item, EventRecord)]
    return [to_event(item) for item in items], (items[-1].sk if items else cursor)


def history_between(structure_id: str, start: datetime, end: datetime):
    """A structure's history in [start, end), oldest first: one Query (paged by DynamoDB past 1 MB)."""
    from chalicelib.store.events import HISTORY_PREFIX, EventRecord, stamp, to_event

    bind()
    return [to_event(item) for item in EventRecord.query(
        f"{HISTORY_PREFIX}{structure_id}", EventRecord.sk.between(stamp(start), stamp(end)))
        if isinstance(item, EventRecord) and item.sk < stamp(end)]


def cursor_of(moment: datetime) -> str:
    """A feed's sort key just before anything at ``moment``."""
    from chalicelib.store.events import stamp

    return stamp(moment)


# Writes ------------------------------------------------------------------------------------------------------------

class AlreadySent(Exception):
    """The record says this period's mail went already (another run, or this one before it crashed)."""


def record(user_id: str, record_sk: str, period: str, cursor: str | None, moment: datetime, transaction=None):
    """Record that ``period``'s mail goes to the user: only if its record is older (a conditional PutItem, or a
    TransactWriteItems' member when ``transaction`` is given, so that the mail's outbox item goes with it)."""
    bind()
    item = DigestRecord(f"{RECORD_PREFIX}{user_id}", record_sk, period=period, cursor=cursor, sent_at=moment)
    condition = DigestRecord.pk.does_not_exist() | (DigestRecord.period < period)
    if transaction is not None:
        transaction.save(item, condition=condition)
        return
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadySent() from error
        raise


def weekly_sk(structure_id: str) -> str:
    return f"{WEEKLY_PREFIX}{structure_id}"


def forget(user_id: str, record_sk: str, period: str) -> None:
    """Give ``period`` back (its mail could not be sent): the next run tries again. Only that period's record goes."""
    bind()
    try:
        DigestRecord(f"{RECORD_PREFIX}{user_id}", record_sk).delete(condition=DigestRecord.period == period)
    except Exception:  # noqa: BLE001 - a record changed since stays; the failure is logged by the mailer already
        log.warning("digest record of user %s for %s kept", user_id, period)
