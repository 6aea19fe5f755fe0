"""Daily digest and weekly recap (guide §3): mails to the users who have something new, read from the day's and the
week's shards of ``gsi2`` (``store.digests``), never from every user, never user by user.

Daily, per shard: the day's feed items of the shard's readers come from one Query of ``DIGEST#<day>#<shard>`` on
``gsi2`` (paged by 1 MB: hundreds of users a page, with the events' content), grouped by reader; one BatchGetItem per
100 of those readers reads their profiles (notifications off, deactivated, bouncing: no mail); the mails go to the
outbox ``CHUNK`` at a time in one TransactWriteItems with the shard's checkpoint. So a few hundredths of a request per
mail. The run on day D tells the Paris day D-1: no per-user cursor.

Weekly, on Mondays, per shard: the past week's movements of the shard's structures from one Query of
``RECAP#<Monday>#<shard>`` on ``gsi2``, read alongside its structures' managers (``RECAP_MANAGERS#<bucket>`` on
``gsi2``, in the same structure order: a few Query pages per bucket, no Query per structure), one BatchGetItem per 100
managers, the mails in chunks as above. A few hundredths of a request per mail while a fair share of the shard's
structures move in a week (the managers' pages hold about a thousand rattachements each).

Idempotent: a mail's outbox id is fixed by its day (or week), structure and user, and is put only if it does not exist;
the checkpoint says how far the shard went and moves only from the value the run read, in the transaction of the mails
it covers. Twice the same day sends nothing more (the second run starts after the checkpoint); a run stopped half-way
and run again resumes after the last chunk written (a chunk is all or nothing); if another run got there first, its
chunk's transaction is cancelled and its mails are put one by one, each only if absent.
"""

import logging
import time
from collections import Counter
from datetime import datetime

from chalicelib import settings
from chalicelib.domain import clock, events
from chalicelib.domain import digests as domain
from chalicelib.domain.memberships import manages
from chalicelib.mail import sender
from chalicelib.store import digests

log = logging.getLogger(__name__)

DAILY_TEMPLATE = "resume_quotidien"
WEEKLY_TEMPLATE = "recapitulatif_hebdomadaire"
CHUNK = 90  # mails per TransactWriteItems, with the shard's checkpoint: under DynamoDB's 100 items
CHUNK_BYTES = 3_000_000  # their contexts' size: under a transaction's 4 MB, with room for the rest of the items
PROFILES = 100  # users per BatchGetItem

# How a digest names each invoice status (DOMAIN.md's order).
STATUS_LABELS = {
    "fr": dict(zip(domain.INVOICE_STATUSES, (
        "Déposée", "En cours d'acheminement", "Mise à disposition", "À recycler", "Suspendue", "Rejetée",
        "Service fait", "Mandatée", "Mise à disposition comptable", "Comptabilisée", "Mise en paiement"),
        strict=True)),
    "en": dict(zip(domain.INVOICE_STATUSES, (
        "Submitted", "Being routed", "Made available", "To be recycled", "Suspended", "Rejected",
        "Service rendered", "Payment ordered", "Made available to accounting", "Recorded in the accounts",
        "Payment issued"), strict=True)),
}


class Interrupted(Exception):
    """Raised by a test's hook to stop a run half-way, as a Lambda timeout or crash would."""


def _language(profile) -> str:
    return "en" if getattr(profile, "language", "FR") == "EN" else "fr"


def _sentence(event: events.Event, language: str) -> str:
    from chalicelib.api.event_messages import sentence

    try:
        return sentence(event, language)
    except KeyError:  # a kind this code does not word yet: its name rather than nothing
        return event.kind


def _link(event: events.Event) -> str:
    screen = event.link if event.kind in events.KINDS else "accueil.html"
    return f"{settings.portal_url()}/{screen}"


def _invoice_groups(groups: list[domain.InvoiceGroup], language: str) -> list[dict]:
    portal = settings.portal_url()
    return [{
        "status": group.status,
        "label": STATUS_LABELS[language].get(group.status, group.status),
        "total": group.total or len(group.invoices),
        "invoices": [{"number": i.get("number", ""), "amount": i.get("amount", ""), "date": i.get("date", ""),
                      "reason": i.get("reason", ""), "link": f"{portal}/accueil.html"} for i in group.invoices],
    } for group in groups]


class _ShardRun:
    """One shard's run for one period: mails queued in chunks, each chunk with the checkpoint that covers it."""

    def __init__(self, job: str, period: str, shard: int, now: datetime, counts: Counter, after_chunk):
        self.job, self.period, self.shard, self.now, self.counts = job, period, shard, now, counts
        self.after_chunk = after_chunk
        self.checkpoint = digests.checkpoint(job, period, shard)
        if self.checkpoint is not None:
            counts["already_sent"] += int(self.checkpoint.sent)
        self.pending: list[tuple[str, object, int]] = []  # (position, outbox item, context size)

    @property
    def after(self) -> str | None:
        return self.checkpoint.done_up_to if self.checkpoint is not None else None

    def add(self, position: str, template: str, profile, context: dict, mail_id: str) -> None:
        """Queue a mail at ``position`` (positions increase along the shard's reading order)."""
        if self.after is not None and position <= self.after:
            return  # a structure re-read on resuming: its managers before the checkpoint have their mail
        item = sender.outbox_item(template, profile, context, mail_id=mail_id)
        self.pending.append((position, item, len(item.context)))
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for length in domain.chunks_by_size([size for _, _, size in self.pending], CHUNK, CHUNK_BYTES):
            chunk, self.pending = self.pending[:length], self.pending[length:]
            self._write(chunk)

    def _write(self, chunk) -> None:
        position = chunk[-1][0]
        try:
            self.checkpoint = digests.write_chunk(self.job, self.period, self.shard, [item for _, item, _ in chunk],
                                                  position, self.checkpoint, self.now)
            self.counts["sent"] += len(chunk)
        except digests.CheckpointMoved:
            self._one_by_one(chunk)
        if self.after_chunk:
            self.after_chunk(self.counts["sent"])

    def _one_by_one(self, chunk) -> None:
        """Another run queued some of these (or moved the checkpoint): what it did not queue goes mail by mail, each
        only if absent, then the checkpoint follows unless that run moved it further."""
        latest = digests.checkpoint(self.job, self.period, self.shard)
        done = latest.done_up_to if latest is not None else None
        added = covered = 0  # queued now; and with those queued before, past the checkpoint
        for position, item, _ in chunk:
            if done is not None and position <= done:
                self.counts["already_sent"] += 1
                continue
            covered += 1
            if digests.put_mail(item):
                added += 1
                self.counts["sent"] += 1
            else:
                self.counts["already_sent"] += 1
        position = chunk[-1][0]
        moved = None
        if done is None or position > done:
            moved = digests.move_checkpoint(self.job, self.period, self.shard, position, latest, covered, self.now)
        self.checkpoint = moved or digests.checkpoint(self.job, self.period, self.shard)
        log.warning("%s digest shard %s: a chunk met another run's mails, %d queued one by one", self.job, self.shard,
                    added)


def _batched(iterable, size: int):
    batch = []
    for element in iterable:
        batch.append(element)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# Daily -------------------------------------------------------------------------------------------------------------

class OutOfTime(Exception):
    """The run's time is nearly over: it stops after a chunk written (its checkpoint saved)."""


def _every_shard(run_shard, shards, after_chunk, stop_at: float | None, counts: Counter) -> dict:
    """Run each shard; past ``stop_at`` (``time.monotonic()``, the Lambda run's end less a margin), stop after the
    chunk being written and name the shards left (``unfinished``: the fan-out hands them to the queue again, and they
    resume after their checkpoints)."""

    def hook(sent):
        if after_chunk:
            after_chunk(sent)
        if stop_at is not None and time.monotonic() >= stop_at:
            raise OutOfTime()

    unfinished, started = [], False
    for shard in range(settings.digest_shards()) if shards is None else shards:
        # the first shard always gets a chunk: each run moves on, however late it starts
        if unfinished or (started and stop_at is not None and time.monotonic() >= stop_at):
            unfinished.append(shard)
            continue
        started = True
        try:
            run_shard(shard, hook)
        except OutOfTime:
            unfinished.append(shard)
    result = dict(counts)
    if unfinished:
        result["unfinished"] = unfinished
    return result


def run_daily(shards=None, after_chunk=None, now: datetime | None = None, day: str | None = None,
              stop_at: float | None = None) -> dict:
    """Every shard (or those given, one per fan-out message, with the moment of the run that sent them).
    ``after_chunk`` is a test's hook, called after each chunk of mails is written. ``day``: another day than the
    previous one (the local stack's on-demand run tells today's). ``stop_at``: see ``_every_shard``."""
    now = now or clock.now()
    day = day or domain.digest_day(now)
    counts = Counter()
    result = _every_shard(lambda shard, hook: _daily_shard(shard, day, now, counts, hook), shards, after_chunk,
                          stop_at, counts)
    log.info("daily digest of %s: %s", day, result or "nothing")
    return result


def run_today() -> dict:
    """The local stack's ``/dev/run/daily_digest``: today's digest now (a demo sends invoices and wants their mail at
    once). Its mails keep their ids: the next morning's run of that day sends none of them again."""
    return run_daily(day=domain.day_of(clock.now()))


def _daily_shard(shard: int, day: str, now: datetime, counts: Counter, after_chunk) -> None:
    today = now.astimezone(domain.PARIS).date().isoformat()
    run = _ShardRun("daily", day, shard, now, counts, after_chunk)
    for group in _batched(digests.day_feeds(day, shard, run.after), PROFILES):
        found = digests.profiles([user_id for user_id, _ in group])
        for user_id, feed in group:
            profile = found.get(user_id)
            if not domain.gets_mail(profile):
                counts["not_mailed"] += 1
                continue
            digest = domain.digest(feed)
            language = _language(profile)
            context = {
                "day": today,
                "events": [{"sentence": _sentence(e, language), "at": e.at.isoformat(), "link": _link(e)}
                           for e in digest.events],
                "more": digest.more,
                "invoice_groups": _invoice_groups(digest.invoices, language),
            }
            run.add(f"{user_id}#", DAILY_TEMPLATE, profile, context, f"digest-{day}-{user_id}")
    run.flush()


# Weekly ------------------------------------------------------------------------------------------------------------

def run_weekly(shards=None, after_chunk=None, now: datetime | None = None, stop_at: float | None = None) -> dict:
    now = now or clock.now()
    week = domain.previous_week(now)
    counts = Counter()
    result = _every_shard(lambda shard, hook: _weekly_shard(shard, week, now, counts, hook), shards, after_chunk,
                          stop_at, counts)
    log.info("weekly recap of %s: %s", week, result or "nothing")
    return result


def _lines(selected: list[events.Event], language: str) -> list[dict]:
    return [{"sentence": _sentence(e, language), "at": e.at.isoformat()} for e in selected]


def _weekly_shard(shard: int, week: str, now: datetime, counts: Counter, after_chunk) -> None:
    today = now.astimezone(domain.PARIS).date()  # rattachements' dates are French days
    run = _ShardRun("weekly", week, shard, now, counts, after_chunk)
    waiting = []  # (structure id, its name, its recap, a manager's user id)
    buckets = {}  # the managers' buckets read so far, each followed in structure order
    for structure_id, history in digests.week_histories(week, shard, run.after):
        recap = domain.recap(history)
        if recap.empty:
            continue
        bucket = digests.manager_bucket(structure_id)
        if bucket not in buckets:
            buckets[bucket] = _Following(digests.bucket_managers(bucket, run.after))
        managers = sorted((m for m in buckets[bucket](structure_id) if manages(m, today)), key=lambda m: m.user_id)
        name = managers[0].designation if managers else structure_id  # the rattachement copies the name
        waiting += [(structure_id, name, recap, m.user_id) for m in managers]
        if len(waiting) >= PROFILES:
            _recap_mails(run, week, waiting, counts)
            waiting = []
    _recap_mails(run, week, waiting, counts)
    run.flush()


class _Following:
    """A bucket's managers read alongside its week's movements: both come in structure order (gsi2 sort keys
    ``<structure>#...``), so each structure's managers are found by reading on, never by a Query of their own."""

    def __init__(self, grouped):
        self.grouped, self.current = grouped, next(grouped, None)

    def __call__(self, structure_id: str) -> list:
        wanted = f"{structure_id}#"  # the order of the sort keys, whatever the characters of the ids
        while self.current is not None and f"{self.current[0]}#" < wanted:
            self.current = next(self.grouped, None)
        if self.current is not None and self.current[0] == structure_id:
            return self.current[1]
        return []


def _recap_mails(run: _ShardRun, week: str, waiting: list, counts: Counter) -> None:
    if not waiting:
        return
    found = digests.profiles([user_id for *_, user_id in waiting])
    for structure_id, name, recap, user_id in waiting:
        profile = found.get(user_id)
        if not domain.gets_mail(profile):
            counts["not_mailed"] += 1
            continue
        language = _language(profile)
        context = {
            "week": week, "structure": name, "structure_id": structure_id,
            "attached": _lines(recap.attached, language), "left": _lines(recap.left, language),
            "decided": _lines(recap.decided, language), "subscriptions": _lines(recap.subscriptions, language),
            "invoices": [{**row, "amount": f"{row['amount']:.2f}",
                          "label": STATUS_LABELS[language].get(row["status"], row["status"])}
                         for row in recap.invoices],
            "history_link": f"{settings.portal_url()}/historique.html?id={structure_id}",
        }
        run.add(f"{structure_id}#{user_id}#", WEEKLY_TEMPLATE, profile, context,
                f"recap-{week}-{structure_id}-{user_id}")
