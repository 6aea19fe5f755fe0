"""Daily digest and weekly recap (guide §3): mails to the users who have something new, read from the day's and the
week's sharded marks (``store.digests``), never from every user.

Daily, per shard: one Query per day read (yesterday and today) for the users marked, one BatchGetItem per 50 of them
(profile and last digest record), then for each user who gets a mail one Query of its feed since its last digest and one
write (the record, conditional on its period being older, with the mail's outbox item when the mailer queues mails in
the change's transaction). So about 2 requests per mail, of which the shard Queries and batch reads are shared.

Weekly, on Mondays, per shard: the structures marked for the past week, then per structure one Query of its history for
that week and one Query of its members (its managers), one BatchGetItem of the managers' profiles and records, and one
write per mail.

Idempotent: a user's record holds the day (or week) it was last told, and is written only if older, so a second run
the same day sends nothing and a run stopped half-way, run again, sends the rest and nothing twice.
"""

import logging
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib import settings
from chalicelib.domain import clock, events
from chalicelib.domain import digests as domain
from chalicelib.domain.memberships import VALIDATED, manages
from chalicelib.mail import sender
from chalicelib.store import digests, memberships
from chalicelib.store.common import commit

log = logging.getLogger(__name__)

DAILY_TEMPLATE = "resume_quotidien"
WEEKLY_TEMPLATE = "recapitulatif_hebdomadaire"
FEED_READ = 200  # feed items read for one digest (one Query page): more than a mail should list
BATCH = 50  # users per BatchGetItem (two keys each: profile and record)

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
        "invoices": [{"number": i.get("number", ""), "amount": i.get("amount", ""), "date": i.get("date", ""),
                      "reason": i.get("reason", ""), "link": f"{portal}/accueil.html"} for i in group.invoices],
    } for group in groups]


def _deliver(template: str, profile, context: dict, record_sk: str, period: str, cursor: str | None,
             now: datetime) -> bool:
    """Record the period for the user and mail it, once: with a mailer that queues in a transaction, both in one
    TransactWriteItems; otherwise the record first (the conditional write is what forbids a second mail), then the
    mail, and a mail SES refuses gives the period back so that the next run tries again."""
    queue = getattr(sender, "queue", None)
    if queue is not None:
        try:
            commit(lambda transaction: (
                digests.record(profile.user_id, record_sk, period, cursor, now, transaction=transaction),
                queue(transaction, template, profile, context)), conflict=digests.AlreadySent)
        except digests.AlreadySent:
            return False
        return True
    try:
        digests.record(profile.user_id, record_sk, period, cursor, now)
    except digests.AlreadySent:
        return False
    if not sender.send(template, profile, context):
        digests.forget(profile.user_id, record_sk, period)
        return False
    return True


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# Daily -------------------------------------------------------------------------------------------------------------

def run_daily(shards=None, after_mail=None, now: datetime | None = None) -> dict:
    """Every shard (or those given, one per fan-out message, with the moment of the run that sent them).
    ``after_mail`` is a test's hook, called after each mail."""
    now = now or clock.now()
    counts = Counter()
    for shard in range(settings.digest_shards()) if shards is None else shards:
        _daily_shard(shard, now, counts, after_mail)
    log.info("daily digest: %s", dict(counts) or "nothing")
    return dict(counts)


def _daily_shard(shard: int, now: datetime, counts: Counter, after_mail) -> None:
    today = domain.day_of(now)
    users = list(dict.fromkeys(user for day in domain.days_to_read(now) for user in digests.users_of_day(day, shard)))
    for chunk in _chunks(users, BATCH):
        found = digests.profiles_and_records(chunk)
        for user_id in chunk:
            profile, period, cursor = found[user_id]
            if period is not None and period >= today:
                counts["already_sent"] += 1
                continue
            if not domain.gets_mail(profile):
                counts["not_mailed"] += 1
                continue
            feed, reached = digests.feed_after(user_id, cursor or digests.cursor_of(domain.first_cursor(now)),
                                               FEED_READ)
            digest = domain.digest(feed)
            if digest.empty:
                counts["nothing_new"] += 1
                continue
            language = _language(profile)
            context = {
                "day": today,
                "events": [{"sentence": _sentence(e, language), "at": e.at.isoformat(), "link": _link(e)}
                           for e in digest.events],
                "more": digest.more,
                "invoice_groups": _invoice_groups(digest.invoices, language),
            }
            if _deliver(DAILY_TEMPLATE, profile, context, digests.DAILY, today, reached, now):
                counts["sent"] += 1
                if after_mail:
                    after_mail(counts["sent"])
            else:
                counts["already_sent"] += 1


# Weekly ------------------------------------------------------------------------------------------------------------

def run_weekly(shards=None, after_mail=None, now: datetime | None = None) -> dict:
    now = now or clock.now()
    week, start, end = domain.previous_week(now)
    counts = Counter()
    for shard in range(settings.digest_shards()) if shards is None else shards:
        for structure_id in digests.structures_of_week(week, shard):
            _recap_structure(structure_id, week, start, end, now, counts, after_mail)
    log.info("weekly recap of %s: %s", week, dict(counts) or "nothing")
    return dict(counts)


def _lines(selected: list[events.Event], language: str) -> list[dict]:
    return [{"sentence": _sentence(e, language), "at": e.at.isoformat()} for e in selected]


def _recap_structure(structure_id, week, start, end, now, counts: Counter, after_mail) -> None:
    history = digests.history_between(structure_id, start, end)
    recap = domain.recap(history)
    if recap.empty:
        return
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()  # rattachements' dates are French days
    managers = [m for m in memberships.members(structure_id, VALIDATED) if manages(m, today)]
    record_sk = digests.weekly_sk(structure_id)
    found = {}
    for chunk in _chunks([m.user_id for m in managers], BATCH):
        found.update(digests.profiles_and_records(chunk, record_sk))
    structure_name = managers[0].designation if managers else structure_id  # the rattachement copies the name
    for manager in managers:
        profile, period, _ = found.get(manager.user_id, (None, None, None))
        if period is not None and period >= week:
            counts["already_sent"] += 1
            continue
        if not domain.gets_mail(profile):
            counts["not_mailed"] += 1
            continue
        language = _language(profile)

        context = {
            "week": week, "structure": structure_name, "structure_id": structure_id,
            "attached": _lines(recap.attached, language), "left": _lines(recap.left, language),
            "decided": _lines(recap.decided, language), "subscriptions": _lines(recap.subscriptions, language),
            "invoices": [{**row, "amount": f"{row['amount']:.2f}",
                          "label": STATUS_LABELS[language].get(row["status"], row["status"])}
                         for row in recap.invoices],
            "history_link": f"{settings.portal_url()}/historique.html?id={structure_id}",
        }
        if _deliver(WEEKLY_TEMPLATE, profile, context, record_sk, week, None, now):
            counts["sent"] += 1
            if after_mail:
                after_mail(counts["sent"])
        else:
            counts["already_sent"] += 1
