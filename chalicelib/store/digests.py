"""Repository of the digest jobs' keys (``store.models`` documents the layout).

- ``gsi2`` ``DIGEST#<day>#<shard>`` / ``<reader>#<feed sk>``: every feed item carries these keys, so a shard's day is
  read by a few Query pages (1 MB each, hundreds of users), grouped by reader, with the events' content: no item
  written per event besides the feed item, no read of a user's feed, no user without something.
- ``gsi2`` ``RECAP#<Monday>#<shard>`` / ``<structure>#<history sk>``: the history items of the recap's kinds, so a
  shard's week is read the same way, grouped by structure.
- ``gsi2`` ``RECAP_MANAGERS#<bucket>`` / ``<structure>#<user>``: every rattachement whose role lets it manage its
  structure (principal, secondary acting as manager), whatever its status and dates (the job checks them on the item
  read), set where a rattachement is put or its role changes (``store.memberships``). The bucket is the structure's
  among ``domain.MANAGER_BUCKETS``, fixed whatever ``DIGEST_SHARDS`` says (these keys outlive any run). A shard's
  recap reads its structures' managers in a few Query pages per bucket, in the order of its week's movements (both
  sorted by structure): no Query per structure.
- ``DIGEST_RUN#<job>#<period>`` / ``SHARD#<shard>``: how far a shard's run went (``done_up_to``, the position of its
  last mail, and how many it sent), written in the same TransactWriteItems as the chunk of mails it covers, on the
  condition that it still says what the run read: a crash leaves the whole chunk or none, a rerun resumes after it.
- Mails are outbox items with deterministic ids (``digest-<day>-<user>``, ``recap-<week>-<structure>-<user>``), put on
  the condition that they do not exist: a mail can never be queued twice, whatever the runs do.
"""

import logging
import uuid
from datetime import datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import settings
from chalicelib.domain import digests as domain
from chalicelib.domain.memberships import can_manage
from chalicelib.store import retries
from chalicelib.store.models import (
    PROFILE_SK,
    Item,
    OutboxMail,
    UserProfile,
    bind,
    transaction_connection,
    user_pk,
)

log = logging.getLogger(__name__)

DAY_PREFIX = "DIGEST#"
WEEK_PREFIX = "RECAP#"
RUN_PREFIX = "DIGEST_RUN#"
MANAGERS_PREFIX = "RECAP_MANAGERS#"


class RunCheckpoint(Item, discriminator="DIGEST_RUN"):
    done_up_to = UnicodeAttribute()  # the position of the last mail queued (a user id, or structure#user)
    sent = NumberAttribute(default=0)
    expires_at = TTLAttribute()


def day_pk(day: str, shard: int) -> str:
    return f"{DAY_PREFIX}{day}#{shard}"


def week_pk(week: str, shard: int) -> str:
    return f"{WEEK_PREFIX}{week}#{shard}"


# Keys the event items carry (``store.events``) ----------------------------------------------------------------------

def feed_keys(reader: str, at: datetime, sk: str) -> dict:
    """gsi2 keys of a reader's feed item: its Paris day's shard, then the reader."""
    shard = domain.shard(reader, settings.digest_shards())
    return {"gsi2pk": day_pk(domain.day_of(at), shard), "gsi2sk": f"{reader}#{sk}"}


def history_keys(kind: str, structure_id: str, at: datetime, sk: str) -> dict:
    """gsi2 keys of a history item when its kind is a movement of the weekly recap; none otherwise."""
    if not domain.in_recap(kind):
        return {}
    shard = domain.shard(structure_id, settings.digest_shards())
    return {"gsi2pk": week_pk(domain.week_of(at), shard), "gsi2sk": f"{structure_id}#{sk}"}


def managers_pk(bucket: int) -> str:
    return f"{MANAGERS_PREFIX}{bucket}"


def manager_bucket(structure_id: str) -> int:
    return domain.shard(structure_id, domain.MANAGER_BUCKETS)


def manager_keys(structure_id: str, user_id: str, role: str, scope: str | None) -> dict:
    """gsi2 keys of a rattachement whose role lets it manage its structure; None for both otherwise (an update sets
    them so, a put leaves them out)."""
    if not can_manage(role, scope, True):
        return {"gsi2pk": None, "gsi2sk": None}
    return {"gsi2pk": managers_pk(manager_bucket(structure_id)), "gsi2sk": f"{structure_id}#{user_id}"}


# Reads -------------------------------------------------------------------------------------------------------------

def _grouped(pk: str, after: str | None, prefix: str, inclusive: bool):
    """(owner, events) in gsi2 order from one partition of gsi2, starting after the position ``after`` (its own
    owner re-read when ``inclusive``); DynamoDB pages the Query by 1 MB. The owner is read from the item's base key
    (``FEED#<reader>`` / ``HISTORY#<structure>``), never inferred from its neighbours."""
    from chalicelib.store.events import EventRecord, to_event

    bind()
    condition = None
    if after is not None:
        owner = after.split("#", 1)[0]
        condition = Item.gsi2sk >= f"{owner}#" if inclusive else Item.gsi2sk > f"{owner}$"  # "$" follows "#"
    owner, events = None, []
    for item in Item.digest_index.query(pk, condition):
        if not isinstance(item, EventRecord):
            continue
        this = item.pk.removeprefix(prefix)
        if this != owner:
            if events:
                yield owner, events
            owner, events = this, []
        events.append(to_event(item))
    if events:
        yield owner, events


def day_feeds(day: str, shard: int, after: str | None = None):
    """Each reader of a shard's day with its feed events of that day, in reader order, after reader ``after``."""
    from chalicelib.store.events import FEED_PREFIX

    return _grouped(day_pk(day, shard), after, FEED_PREFIX, inclusive=False)


def week_histories(week: str, shard: int, after: str | None = None):
    """Each structure of a shard's week with its movements, from structure ``after`` (re-read: a chunk may have
    stopped among its managers)."""
    from chalicelib.store.events import HISTORY_PREFIX

    return _grouped(week_pk(week, shard), after, HISTORY_PREFIX, inclusive=True)


def bucket_managers(bucket: int, after: str | None = None):
    """(structure id, its rattachements with a manager's role) of a bucket's structures, in structure order, from
    structure ``after`` (re-read, as ``week_histories``): a few Query pages (1 MB, about a thousand rattachements)."""
    from chalicelib.store.memberships import to_membership
    from chalicelib.store.models import Membership

    bind()
    condition = Item.gsi2sk >= f"{after.split('#', 1)[0]}#" if after is not None else None
    owner, found = None, []
    for item in Item.digest_index.query(managers_pk(bucket), condition):
        if not isinstance(item, Membership):
            continue
        if item.structure_id != owner:
            if found:
                yield owner, found
            owner, found = item.structure_id, []
        found.append(to_membership(item))
    if found:
        yield owner, found


def profiles(user_ids: list[str]) -> dict:
    """Profiles of ``user_ids``: one BatchGetItem per 100 (PynamoDB pages the keys so)."""
    from chalicelib.store.accounts import profile_entity

    bind()
    found = {}
    for item in Item.batch_get([(user_pk(user_id), PROFILE_SK) for user_id in dict.fromkeys(user_ids)]):
        if isinstance(item, UserProfile):
            found[item.user_id] = profile_entity(item)
    return found


def checkpoint(job: str, period: str, shard: int) -> RunCheckpoint | None:
    """How far a shard's run for ``period`` went: one GetItem (strongly consistent)."""
    bind()
    try:
        return RunCheckpoint.get(f"{RUN_PREFIX}{job}#{period}", f"SHARD#{shard}", consistent_read=True)
    except RunCheckpoint.DoesNotExist:
        return None


# Writes ------------------------------------------------------------------------------------------------------------

class CheckpointMoved(Exception):
    """Another run of the shard went on meanwhile: read the checkpoint again."""


def _checkpoint_item(job: str, period: str, shard: int, position: str, sent: int, now: datetime) -> RunCheckpoint:
    return RunCheckpoint(f"{RUN_PREFIX}{job}#{period}", f"SHARD#{shard}", done_up_to=position, sent=sent,
                         expires_at=now + domain.RUNS_KEPT_FOR)


def _checkpoint_condition(previous: RunCheckpoint | None):
    if previous is None:
        return RunCheckpoint.pk.does_not_exist()
    return RunCheckpoint.done_up_to == previous.done_up_to


def write_chunk(job: str, period: str, shard: int, mails: list[OutboxMail], position: str,
                previous: RunCheckpoint | None, now: datetime) -> RunCheckpoint:
    """The chunk's mails, each only if it does not exist, and the shard's checkpoint moved to ``position``, only if it
    still is ``previous``: one TransactWriteItems, all or nothing. Raises ``CheckpointMoved`` when a condition fails
    (another run queued some of them, or moved the checkpoint)."""
    bind()
    sent = (previous.sent if previous else 0) + len(mails)
    item = _checkpoint_item(job, period, shard, position, sent, now)
    token = uuid.uuid4().hex  # the same for the retries of this chunk: DynamoDB cannot apply it twice
    for attempt in range(1, retries.TRANSACTION_ATTEMPTS + 1):
        transaction = TransactWrite(connection=transaction_connection(), client_request_token=token)
        for mail in mails:
            transaction.save(mail, condition=OutboxMail.pk.does_not_exist())
        transaction.save(item, condition=_checkpoint_condition(previous))
        try:
            transaction._commit()
            return item
        except TransactWriteError as error:
            if retries.transient_cancellation(error) and attempt < retries.TRANSACTION_ATTEMPTS:
                retries.pause(attempt)
                continue
            if error.cause_response_code == "TransactionCanceledException" \
                    and not retries.transient_cancellation(error):
                raise CheckpointMoved() from error
            raise
    raise AssertionError("unreachable")


def put_mail(mail: OutboxMail) -> bool:
    """One mail alone, only if it does not exist (the fallback when a chunk's transaction was cancelled): whether it
    was queued now."""
    bind()
    try:
        mail.save(condition=OutboxMail.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def move_checkpoint(job: str, period: str, shard: int, position: str, previous: RunCheckpoint | None, added: int,
                    now: datetime) -> RunCheckpoint | None:
    """The checkpoint moved forward after mails put one by one; None when another run moved it first (it is ahead or
    will be: its own chunks are conditional too)."""
    bind()
    item = _checkpoint_item(job, period, shard, position, (previous.sent if previous else 0) + added, now)
    try:
        item.save(condition=_checkpoint_condition(previous))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item
