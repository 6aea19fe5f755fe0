"""Daily digests and weekly recaps (guide §3, « Recevoir des notifications »): pure rules. Which shard a user or a
structure falls in, which days and week a run reads, who gets a mail, how invoices are grouped by status and what a
week's movements on a structure are.

The jobs read only what they send: a reader's feed item is also filed under its Paris day's shard, a movement of a
structure under its week's (``store.digests``, ``gsi2``), so a run Queries those few keys and never every user."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import events, invoices
from chalicelib.domain.accounts import ACTIVE

# How long a shard run's checkpoint is kept (TTL): past its day or week, nothing reads it.
RUNS_KEPT_FOR = timedelta(days=15)
# At most so many events in one digest (the mail says how many more the feed holds).
MAX_EVENTS = 50
# At most so many invoices listed per status in one digest (each group says how many it holds): every status shows,
# and a mail's outbox item stays far under DynamoDB's 400 KB, a chunk of mails under a transaction's 4 MB.
MAX_INVOICES = 20
# The days and weeks of digests are French ones: a run on day D tells the Paris day D-1.
PARIS = ZoneInfo("Europe/Paris")
# The weekly recap's index of managers is spread over so many partitions, by structure. Fixed, unlike the shards of
# ``DIGEST_SHARDS``: its keys live as long as the rattachements (a week's or a day's keys are rewritten every week or
# day), so raising the shards must not leave them where no run looks. A run reads only the buckets of the structures
# that moved (one when the shards are these buckets).
MANAGER_BUCKETS = 16

# The invoice event (its parameters: ``number``, ``status``, ``amount``, ``service_id``, ``reason`` (optional) and
# ``date``, with ``structure_id`` on the event) and the lifecycle statuses in their order: a digest lists its groups so.
INVOICE_STATUS = events.INVOICE_STATUS
INVOICE_STATUSES = invoices.STATUSES


def shard(key: str, shards: int) -> int:
    """The shard of a user or a structure: stable across processes and runs (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % shards


def day_of(moment: datetime) -> str:
    """The Paris day an event is filed under (its digest is the next morning's)."""
    return moment.astimezone(PARIS).date().isoformat()


def week_of(moment: datetime) -> str:
    """The week an event is filed under: its Monday (Paris)."""
    day = moment.astimezone(PARIS).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def digest_day(now: datetime) -> str:
    """The day a daily run tells: the Paris day before the run's (today's events go to tomorrow's digest), so that no
    per-user cursor is needed and a day is told once."""
    return (now.astimezone(PARIS).date() - timedelta(days=1)).isoformat()


def previous_week(now: datetime) -> str:
    """The week a Monday's recap tells: the Monday of the Paris week before the run's."""
    today = now.astimezone(PARIS).date()
    return (today - timedelta(days=today.weekday() + 7)).isoformat()


def chunks_by_size(sizes: list[int], max_count: int, max_bytes: int) -> list[int]:
    """Where to cut a list of items of ``sizes`` into chunks of at most ``max_count`` items and ``max_bytes`` (an
    item larger than ``max_bytes`` alone): the chunks' lengths."""
    lengths, count, total = [], 0, 0
    for size in sizes:
        if count and (count == max_count or total + size > max_bytes):
            lengths.append(count)
            count, total = 0, 0
        count, total = count + 1, total + size
    if count:
        lengths.append(count)
    return lengths


def gets_mail(profile) -> bool:
    """Notifications ticked, an active account, a contact address that does not bounce (the mailer's mark)."""
    return (profile is not None and bool(profile.notifications) and profile.status == ACTIVE
            and not getattr(profile, "contact_bounces", False))


@dataclass
class InvoiceGroup:
    status: str
    invoices: list[dict] = field(default_factory=list)  # the latest state of each invoice, newest first
    total: int = 0  # how many invoices the group holds (a digest lists ``MAX_INVOICES`` at most)


def invoice_groups(invoice_events: list[events.Event]) -> list[InvoiceGroup]:
    """Invoices by their latest status (one invoice moved twice in a day shows once, at its newest status), the groups
    in lifecycle order; an unknown status comes last rather than being dropped."""
    latest: dict[tuple, events.Event] = {}
    for event in sorted(invoice_events, key=lambda e: e.at):
        latest[(event.structure_id, event.params.get("number"))] = event
    groups: dict[str, InvoiceGroup] = {}
    for event in sorted(latest.values(), key=lambda e: e.at, reverse=True):
        status = event.params.get("status", "")
        groups.setdefault(status, InvoiceGroup(status)).invoices.append(
            {**event.params, "structure_id": event.structure_id, "at": event.at})
    order = {status: index for index, status in enumerate(INVOICE_STATUSES)}
    return sorted(groups.values(), key=lambda g: (order.get(g.status, len(order)), g.status))


@dataclass
class Digest:
    events: list[events.Event]  # other events, newest first
    invoices: list[InvoiceGroup]
    more: int = 0  # events left out past MAX_EVENTS

    @property
    def empty(self) -> bool:
        return not self.events and not self.invoices


def digest(feed: list[events.Event]) -> Digest:
    """A user's day: other events newest first (``MAX_EVENTS`` at most), invoices by status (``MAX_INVOICES`` listed
    per status, the newest; each group's ``total`` counts them all)."""
    invoices = [e for e in feed if e.kind == INVOICE_STATUS]
    others = sorted((e for e in feed if e.kind != INVOICE_STATUS), key=lambda e: e.at, reverse=True)
    groups = invoice_groups(invoices)
    for group in groups:
        group.total, group.invoices = len(group.invoices), group.invoices[:MAX_INVOICES]
    return Digest(others[:MAX_EVENTS], groups, max(len(others) - MAX_EVENTS, 0))


# Weekly recap ------------------------------------------------------------------------------------------------------

ATTACHED = frozenset({events.MEMBERSHIP_VALIDATED, events.MEMBERSHIP_ADDED})
LEFT = frozenset({events.MEMBERSHIP_DELETED, events.MEMBERSHIP_WITHDRAWN})
DECIDED = frozenset({events.MEMBERSHIP_VALIDATED, events.MEMBERSHIP_REFUSED, events.SUBSCRIPTION_VALIDATED,
                     events.SUBSCRIPTION_REFUSED})
SUBSCRIPTIONS = frozenset({events.SUBSCRIPTION_VALIDATED, events.SUBSCRIPTION_REMOVED, events.STRUCTURE_SPACE_SET,
                           events.STRUCTURE_SPACE_REMOVED})

IN_RECAP = ATTACHED | LEFT | DECIDED | SUBSCRIPTIONS | {INVOICE_STATUS}


def in_recap(kind: str) -> bool:
    """Whether an event of ``kind`` is a movement a structure's weekly recap tells (so marks the structure's week)."""
    return kind in IN_RECAP


@dataclass
class Recap:
    attached: list[events.Event]
    left: list[events.Event]
    decided: list[events.Event]
    subscriptions: list[events.Event]
    invoices: list[dict]  # {"status", "count", "amount"} in lifecycle order

    @property
    def empty(self) -> bool:
        return not (self.attached or self.left or self.decided or self.subscriptions or self.invoices)


def _amount(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def recap(history: list[events.Event]) -> Recap:
    """A structure's week from its history: who joined and left, the requests decided, the subscriptions changed,
    and the invoices that reached each status (counted once per invoice, at its latest status of the week)."""
    ordered = sorted(history, key=lambda e: e.at)
    counts = []
    for group in invoice_groups([e for e in ordered if e.kind == INVOICE_STATUS]):
        counts.append({"status": group.status, "count": len(group.invoices),
                       "amount": round(sum(_amount(i.get("amount")) for i in group.invoices), 2)})
    return Recap([e for e in ordered if e.kind in ATTACHED], [e for e in ordered if e.kind in LEFT],
                 [e for e in ordered if e.kind in DECIDED], [e for e in ordered if e.kind in SUBSCRIPTIONS], counts)

