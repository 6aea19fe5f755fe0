"""Rules of issue 12: who hears of an invoice, the 7-day attestation, the INVOICE_STATUS kind's contract, dated
rattachements' days and extensions."""

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import events, invoices, membership_ends
from chalicelib.domain.entities import Subscription
from chalicelib.domain.memberships import PRINCIPAL, USER, VALIDATED
from chalicelib.domain.subscriptions import INVOICES_SENT, MODIFICATION, VALID

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)


def row(user, service):
    return Subscription(user, "S1", "12600591700516", "Menuiserie", service, service, INVOICES_SENT, MODIFICATION,
                        VALID)


ROWS = [row("paul", "MOBURB"), row("paul", "MEUBLES"), row("julie", "MOBURB"), row("marc", None)]


@pytest.mark.parametrize("service, expected", [
    ("MOBURB", ["julie", "marc", "paul"]),
    ("MEUBLES", ["marc", "paul"]),
    ("MENINT", ["marc"]),
    (None, ["marc"]),  # an invoice of no service: the whole-structure holders only
])
def test_holders_are_the_whole_structure_and_the_service(service, expected):
    assert invoices.holders(ROWS, service) == expected


def rejection(notified_at=NOW, attested_at=None):
    return invoices.Rejection("julie", "F1", "S1", "MOBURB", "10.00", date(2026, 11, 26), "Motif", notified_at,
                              attested_at)


def test_a_rejection_blocks_from_the_seventh_day_until_attested():
    assert invoices.must_attest(invoices.REJECTED) and not invoices.must_attest(invoices.DEPOSITED)
    assert not invoices.blocking(rejection(), NOW + timedelta(days=7) - timedelta(microseconds=1))
    assert invoices.blocking(rejection(), NOW + timedelta(days=7))
    assert not invoices.blocking(rejection(attested_at=NOW), NOW + timedelta(days=30))
    assert invoices.deadline(rejection()) == NOW + timedelta(days=7)


def test_the_invoice_status_kind_is_the_contract_with_the_digests():
    kind = events.KINDS[events.INVOICE_STATUS]
    assert kind.params == ("number", "status", "amount", "service_id", "date")
    event = events.make(events.INVOICE_STATUS, NOW, structure_id="S1", holders=["julie", "paul"], params={
        "number": "F1", "status": invoices.REJECTED, "amount": "10.00", "service_id": "MOBURB", "date": "2026-11-26",
        "reason": "Motif"})
    assert event.readers == ("julie", "paul") and event.params["reason"] == "Motif"
    with pytest.raises(ValueError, match="number"):
        events.make(events.INVOICE_STATUS, NOW, params={"status": invoices.DEPOSITED})


class Link:
    def __init__(self, status=VALIDATED, valid_until=date(2026, 12, 31), role=USER):
        self.status, self.valid_until, self.role = status, valid_until, role


def test_dated_rattachements_days():
    assert membership_ends.ending_in_notice(date(2026, 12, 17)) == date(2026, 12, 31)
    # The last day is included: a rattachement valid until the 31st ends on the 1st (and a missed run catches up).
    assert membership_ends.days_to_end(date(2027, 1, 1)) == [date(2026, 12, 29), date(2026, 12, 30),
                                                             date(2026, 12, 31)]
    assert membership_ends.still_ending(Link(), date(2026, 12, 31))
    assert not membership_ends.still_ending(Link(valid_until=date(2027, 6, 30)), date(2026, 12, 31))
    assert not membership_ends.still_ending(None, date(2026, 12, 31))
    assert not membership_ends.ends_on_its_own(Link(role=PRINCIPAL))


def test_an_extension_moves_the_end_later():
    today = date(2026, 12, 20)
    assert membership_ends.extension_problems(date(2026, 12, 31), date(2027, 1, 31), today) == {}
    assert "valid_until" in membership_ends.extension_problems(date(2026, 12, 31), date(2026, 12, 31), today)
    assert "valid_until" in membership_ends.extension_problems(None, date(2027, 1, 31), today)
