"""Repository of events, the only code that knows their keys (``store.models`` documents the layout):

- ``FEED#<reader>`` / ``<ISO time>#<event id>``: the event in each reader's « Fil d'événements »;
- ``HISTORY#<structure>`` / ``<ISO time>#<event id>``: the structure's « Historique » (with ``actor_id`` and
  ``subject_id`` for the filter by user);
- ``REQUESTS#<requester>`` / ``<request>#<ISO time>#<event id>``: a step of a request in « Mes demandes », so that a
  request's steps follow one another.

Each is one Query. Every event item carries ``expires_at`` (DynamoDB TTL, 13 months) and is filed under its expiry day
in ``gsi1`` (``EXPIRY#<day>``), where the housekeeping job deletes it locally (moto ignores TTL).

``add(transaction, events)`` puts an event's items in the change's own TransactWriteItems (a transactional outbox):
the history item, the request step and the subject's feed item always; other readers' feed items as long as the
transaction has room under DynamoDB's 100 items; those left over are returned, and ``commit`` writes them with
BatchWriteItem right after the transaction (derived data: like the copies of a request, a reader's feed item may be
missing if the process dies between the two; the history, which is the record, is in the transaction unless the change
itself nearly fills it, which only a deactivation handing over dozens of structures can).
"""

from datetime import UTC, datetime

from pynamodb.attributes import MapAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.domain import events as domain
from chalicelib.store.models import Item, bind

TRANSACTION_LIMIT = 100
FEED_PREFIX = "FEED#"
HISTORY_PREFIX = "HISTORY#"
REQUESTS_PREFIX = "REQUESTS#"


class EventRecord(Item, discriminator="EVENT"):
    """One event as a feed, a history or a request step holds it (the same attributes, different keys)."""

    event_kind = UnicodeAttribute()  # ``kind`` is the discriminator
    event_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    actor_id = UnicodeAttribute(null=True)
    subject_id = UnicodeAttribute(null=True)
    structure_id = UnicodeAttribute(null=True)
    params = MapAttribute(null=True)  # what its sentence says: strings only
    reason = UnicodeAttribute(null=True)
    request = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


def stamp(moment: datetime) -> str:
    """One fixed format, in UTC, so that sort keys sort as times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sk(event: domain.Event) -> str:
    return f"{stamp(event.at)}#{event.event_id}"


def _item(event: domain.Event, pk: str, sk: str) -> EventRecord:
    return EventRecord(
        pk, sk, event_kind=event.kind, event_id=event.event_id, at=event.at, actor_id=event.actor_id,
        subject_id=event.subject_id, structure_id=event.structure_id, params=dict(event.params) or None,
        reason=event.reason, request=event.request, expires_at=event.expires_at,
        gsi1pk=f"EXPIRY#{event.expires_at.date().isoformat()}", gsi1sk=f"{stamp(event.expires_at)}#{pk}#{sk}",
    )


def items_of(event: domain.Event) -> tuple[list[EventRecord], list[EventRecord]]:
    """The items that must be in the change's transaction, and the other readers' feed items. Feed items, and history
    items of the weekly recap's kinds, carry the digests' ``gsi2`` keys (``store.digests``): the digest jobs read a
    day's or a week's shard from there, with no item written for them."""
    from chalicelib.store import digests

    sk = _sk(event)
    first = []
    if event.structure_id:
        history = _item(event, f"{HISTORY_PREFIX}{event.structure_id}", sk)
        for name, value in digests.history_keys(event.kind, event.structure_id, event.at, sk).items():
            setattr(history, name, value)
        first.append(history)
    if event.request and event.subject_id:
        first.append(_item(event, f"{REQUESTS_PREFIX}{event.subject_id}", f"{event.request}#{sk}"))
    feeds = []
    for reader in event.readers:
        feed = _item(event, f"{FEED_PREFIX}{reader}", sk)
        for name, value in digests.feed_keys(reader, event.at, sk).items():
            setattr(feed, name, value)
        feeds.append(feed)
    return first + feeds[:1], feeds[1:]


def _size(transaction) -> int:
    return sum(len(items) for items in (transaction._condition_check_items, transaction._delete_items,
                                        transaction._put_items, transaction._update_items))


def add(transaction, events) -> list[EventRecord]:
    """Put ``events`` in ``transaction``; return the feed items that did not fit, to write after it."""
    needed, others = [], []
    for event in events:
        first, rest = items_of(event)
        needed += first
        others += rest
    # The history, the request steps and the subjects' feeds first; a change so large that even they do not fit (a
    # deactivation handing over many structures) still goes through, its last event items right after it.
    fitting, rest = domain.chunks(needed + others, TRANSACTION_LIMIT - _size(transaction))
    for item in fitting:
        transaction.save(item)
    return rest


def write_rest(items: list[EventRecord]) -> None:
    if items:
        with EventRecord.batch_write() as batch:
            for item in items:
                batch.save(item)


def save(events) -> None:
    """Events of a change that has no transaction of its own (``commit`` is preferred)."""
    bind()
    items = []
    for event in events:
        first, rest = items_of(event)
        items += first + rest
    write_rest(items)


def to_event(item: EventRecord) -> domain.Event:
    return domain.Event(item.event_kind, item.at, item.event_id, item.actor_id, item.subject_id, item.structure_id,
                        dict(item.params.as_dict()) if item.params else {}, item.reason, (), item.request)


# Reads -------------------------------------------------------------------------------------------------------------

def _page(pk: str, limit: int, before: str | None = None, after: str | None = None,
          filter_condition=None) -> tuple[list[domain.Event], str | None]:
    """Newest first, ``limit`` at most, older than the cursor ``before``: one Query (``limit + 1`` items tell whether
    a next page exists; with a filter, DynamoDB may stop early and the cursor carries on from where it stopped)."""
    bind()
    condition, extra = None, 0
    if before and after:
        # BETWEEN includes its bounds; ``before`` is exclusive (the cursor's own event was on the previous page, an
        # ``until`` bound is the next day's midnight): one more item read, and that one left out.
        condition, extra = EventRecord.sk.between(after, before), 1
    elif before:
        condition = EventRecord.sk < before
    elif after:
        condition = EventRecord.sk >= after
    results = EventRecord.query(pk, condition, filter_condition, scan_index_forward=False, limit=limit + 1 + extra,
                                page_size=limit + 1 + extra)
    items = [item for item in results if isinstance(item, EventRecord) and item.sk != before]
    events = [to_event(item) for item in items[:limit]]
    if len(items) > limit:
        return events, items[limit - 1].sk
    last_key = results.last_evaluated_key
    return events, (last_key["sk"]["S"] if last_key else None)


def feed(user_id: str, limit: int, before: str | None = None) -> tuple[list[domain.Event], str | None]:
    return _page(f"{FEED_PREFIX}{user_id}", limit, before)


def history(structure_id: str, limit: int, before: str | None = None, since: datetime | None = None,
            until: datetime | None = None, user_id: str | None = None) -> tuple[list[domain.Event], str | None]:
    """A structure's history between two moments, of one user (as author or subject) or everyone."""
    upper = before
    if until is not None and (upper is None or stamp(until) < upper):
        upper = stamp(until)
    lower = stamp(since) if since is not None else None
    who = (EventRecord.actor_id == user_id) | (EventRecord.subject_id == user_id) if user_id else None
    return _page(f"{HISTORY_PREFIX}{structure_id}", limit, upper, lower, who)


def request_steps(user_id: str) -> list[domain.Event]:
    """Every step of every request of a user, by request then time: one Query (paged by DynamoDB past 1 MB only)."""
    bind()
    return [to_event(item) for item in EventRecord.query(f"{REQUESTS_PREFIX}{user_id}")
            if isinstance(item, EventRecord)]
