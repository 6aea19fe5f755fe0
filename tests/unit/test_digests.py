"""Rules of the daily digest and weekly recap (domain.digests): shards, days and weeks read, who gets a mail, invoices
grouped by status, a week's movements."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import digests as rules
from chalicelib.domain import events
from chalicelib.domain.accounts import ACTIVE, INACTIVE

AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def invoice(number, status, at=AT, structure="s1", amount="10"):
    return events.Event(rules.INVOICE_STATUS, at, number + status, None, None, structure,
                        {"number": number, "status": status, "amount": amount, "service_id": "A",
                         "date": "2026-11-26"})


@given(st.text(min_size=1), st.integers(min_value=1, max_value=64))
def test_a_shard_is_stable_and_in_range(key, shards):
    assert 0 <= rules.shard(key, shards) < shards
    assert rules.shard(key, shards) == rules.shard(key, shards)


def test_shards_spread_users_evenly():
    counts = Counter(rules.shard(f"user{i}", 16) for i in range(16_000))
    assert len(counts) == 16 and max(counts.values()) < 1.1 * 1000 and min(counts.values()) > 0.9 * 1000


def test_days_and_weeks_are_french():
    late = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # a Sunday in UTC, Monday 00:30 in Paris
    assert rules.day_of(late) == "2026-11-30" and rules.week_of(late) == "2026-11-30"
    assert rules.day_of(AT) == "2026-11-27" and rules.week_of(AT) == "2026-11-23"
    # a run tells the Paris day before its own, whatever the UTC date
    assert rules.digest_day(datetime(2026, 11, 28, 5, tzinfo=UTC)) == "2026-11-27"
    assert rules.digest_day(datetime(2026, 11, 27, 23, 30, tzinfo=UTC)) == "2026-11-27"
    assert rules.previous_week(datetime(2026, 11, 30, 5, 30, tzinfo=UTC)) == "2026-11-23"
    assert rules.previous_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == "2026-11-23"  # Monday in Paris


def test_chunks_hold_at_most_so_many_items_and_bytes():
    assert rules.chunks_by_size([10] * 7, 3, 1000) == [3, 3, 1]
    assert rules.chunks_by_size([400, 400, 400, 100], 90, 1000) == [2, 2]
    assert rules.chunks_by_size([5000, 1], 90, 1000) == [1, 1]  # too large alone: alone
    assert rules.chunks_by_size([], 90, 1000) == []


@given(st.lists(st.integers(min_value=1, max_value=2000), max_size=300))
def test_chunks_keep_every_item_in_order(sizes):
    lengths = rules.chunks_by_size(sizes, 90, 3000)
    assert sum(lengths) == len(sizes) and all(0 < n <= 90 for n in lengths)
    start = 0
    for n in lengths:
        assert n == 1 or sum(sizes[start:start + n]) <= 3000
        start += n


@dataclass
class Profile:
    notifications: bool = True
    status: str = ACTIVE
    contact_bounces: bool = False


def test_who_gets_a_mail():
    assert rules.gets_mail(Profile())
    assert not rules.gets_mail(Profile(notifications=False))
    assert not rules.gets_mail(Profile(status=INACTIVE))
    assert not rules.gets_mail(Profile(contact_bounces=True))
    assert not rules.gets_mail(None)


def test_invoices_group_by_latest_status_in_lifecycle_order():
    groups = rules.invoice_groups([
        invoice("F1", "MISE_EN_PAIEMENT"), invoice("F2", "DEPOSEE"),
        invoice("F3", "DEPOSEE"), invoice("F3", "REJETEE", AT + timedelta(minutes=1)),
        invoice("F3", "DEPOSEE", structure="s2"),  # another structure's F3 is another invoice
    ])
    assert [(g.status, [i["number"] for i in g.invoices]) for g in groups] == [
        ("DEPOSEE", ["F2", "F3"]), ("REJETEE", ["F3"]), ("MISE_EN_PAIEMENT", ["F1"])]


def test_an_unknown_status_comes_last_rather_than_lost():
    groups = rules.invoice_groups([invoice("F1", "NOUVEAU"), invoice("F2", "COMPTABILISEE")])
    assert [g.status for g in groups] == ["COMPTABILISEE", "NOUVEAU"]


def test_a_digest_keeps_invoices_apart_and_caps_the_events():
    other = [events.make(events.PASSWORD_CHANGED, AT + timedelta(seconds=i), subject_id="u") for i in range(60)]
    digest = rules.digest(other + [invoice("F1", "DEPOSEE")])
    assert len(digest.events) == rules.MAX_EVENTS and digest.more == 10 and digest.events[0].at > digest.events[1].at
    assert [g.status for g in digest.invoices] == ["DEPOSEE"]
    assert rules.digest([]).empty


def test_a_digest_lists_so_many_invoices_per_status_and_counts_them_all():
    many = [invoice(f"F{i}", "DEPOSEE", AT + timedelta(seconds=i)) for i in range(rules.MAX_INVOICES + 20)]
    digest = rules.digest(many + [invoice("R1", "REJETEE")])
    deposited, rejected = digest.invoices
    assert (deposited.total, len(deposited.invoices)) == (rules.MAX_INVOICES + 20, rules.MAX_INVOICES)
    assert deposited.invoices[0]["number"] == f"F{rules.MAX_INVOICES + 19}"  # the newest listed
    assert (rejected.total, [i["number"] for i in rejected.invoices]) == (1, ["R1"])


def test_a_weeks_recap_sorts_movements_and_sums_invoices():
    decision = dict(actor_id="p", subject_id="j", structure_id="s1",
                    params={"person": "J", "structure": "S", "actor": "P"})
    history = [
        events.make(events.MEMBERSHIP_VALIDATED, AT, request="M#s1", **decision),
        events.make(events.MEMBERSHIP_DELETED, AT, **decision),
        events.make(events.SUBSCRIPTION_REFUSED, AT, request="S#s1#x",
                    **{**decision, "params": {**decision["params"], "space": "x"}}),
        invoice("F1", "REJETEE", amount="100.25"), invoice("F2", "REJETEE", amount="0.5"),
        invoice("F3", "DEPOSEE", amount="n/a"),
    ]
    recap = rules.recap(history)
    assert [e.kind for e in recap.attached] == [events.MEMBERSHIP_VALIDATED]
    assert [e.kind for e in recap.left] == [events.MEMBERSHIP_DELETED]
    assert {e.kind for e in recap.decided} == {events.MEMBERSHIP_VALIDATED, events.SUBSCRIPTION_REFUSED}
    assert recap.invoices == [{"status": "DEPOSEE", "count": 1, "amount": 0.0},
                              {"status": "REJETEE", "count": 2, "amount": 100.75}]
    assert rules.in_recap(events.MEMBERSHIP_VALIDATED) and not rules.in_recap(events.MEMBERSHIP_REQUESTED)
