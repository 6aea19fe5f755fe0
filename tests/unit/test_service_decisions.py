"""Rattachements decided service by service: the rattachement's own status sums its services' up."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.entities import ServiceRef
from chalicelib.domain.errors import ServiceDecidedTwice, ServiceNotRequested
from chalicelib.domain.memberships import (
    DEACTIVATED,
    DELETED,
    PENDING,
    REFUSED,
    VALIDATED,
    attached_services,
    decide_services,
    service_date_problems,
    service_status,
    summary_status,
)

TODAY = date(2026, 11, 27)
DAY = timedelta(days=1)
DECIDED = (PENDING, VALIDATED, REFUSED)


@pytest.mark.parametrize("services, summary", [
    ([VALIDATED], VALIDATED),
    ([VALIDATED, REFUSED], VALIDATED),  # one validated service is enough
    ([REFUSED, REFUSED, VALIDATED], VALIDATED),
    ([REFUSED], REFUSED),
    ([REFUSED, REFUSED], REFUSED),  # refused once every service was
    ([PENDING], PENDING),
    ([REFUSED, PENDING], PENDING),  # undecided while one service waits
    ([], PENDING),
])
def test_the_rattachement_status_sums_up_its_services(services, summary):
    assert summary_status(services) == summary


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(DECIDED), min_size=1, max_size=15))
def test_the_summary_is_validated_iff_a_service_is_and_refused_iff_all_are(services):
    summary = summary_status(iter(services))  # any iterable, read once
    assert (summary == VALIDATED) == (VALIDATED in services)
    assert (summary == REFUSED) == all(s == REFUSED for s in services)


@pytest.mark.parametrize("link, own, shown", [
    (VALIDATED, None, VALIDATED),  # stored before services had a status: the link's
    (PENDING, None, PENDING),
    (VALIDATED, REFUSED, REFUSED),  # a refused service of a validated link
    (VALIDATED, VALIDATED, VALIDATED),
    (DEACTIVATED, VALIDATED, DEACTIVATED),  # suspended with its link
    (DELETED, VALIDATED, DELETED),
    (DEACTIVATED, REFUSED, REFUSED),  # a refusal stays one
])
def test_what_a_service_shows(link, own, shown):
    assert service_status(link, own) == shown


def test_dates_given_per_service_are_not_in_the_past_and_end_after_they_start():
    choices = [
        {"code": "A", "valid_from": TODAY, "valid_until": TODAY},  # one day: fine
        {"code": "B", "valid_from": TODAY - DAY},
        {"code": "C", "valid_from": None, "valid_until": TODAY + DAY},  # ends after the request's start: fine
        {"code": "D", "valid_from": TODAY + 5 * DAY, "valid_until": TODAY + 4 * DAY},
        {"code": "E", "valid_until": TODAY - DAY},
    ]
    problems = service_date_problems(choices, valid_from=TODAY, today=TODAY)
    assert {path: (p.key, p.params["code"]) for path, p in problems.items()} == {
        "services.1.valid_from": ("dates.past_service", "B"),
        "services.3.valid_until": ("dates.order_service", "D"),
        "services.4.valid_until": ("dates.past_service", "E"),
    }
    # A service giving no start takes the request's, which an end must not precede.
    assert list(service_date_problems([{"code": "F", "valid_until": TODAY + DAY}], TODAY + 2 * DAY, TODAY)) == [
        "services.0.valid_until"]


def test_services_not_named_go_as_the_decision_says():
    services = [ServiceRef("A", "a", PENDING), ServiceRef("B", "b", PENDING), ServiceRef("C", "c", PENDING)]
    decided = decide_services(services, validated=["C"], refused=["A"], default=VALIDATED)
    assert [(s.code, s.status) for s in decided] == [("A", REFUSED), ("B", VALIDATED), ("C", VALIDATED)]
    decided = decide_services(services, validated=["B"], refused=[], default=REFUSED)
    assert [s.status for s in decided] == [REFUSED, VALIDATED, REFUSED]
    assert [s.status for s in services] == [PENDING] * 3  # the request read is left as it was


def test_a_decision_names_only_the_request_s_services_and_each_one_way():
    services = [ServiceRef("A", "a", PENDING), ServiceRef("B", "b", PENDING)]
    with pytest.raises(ServiceNotRequested) as unknown:
        decide_services(services, validated=["Z"], refused=[], default=VALIDATED)
    assert unknown.value.params == {"code": "Z"}
    with pytest.raises(ServiceNotRequested):
        decide_services([], validated=[], refused=["A"], default=REFUSED)  # a whole-structure request
    with pytest.raises(ServiceDecidedTwice) as twice:
        decide_services(services, validated=["B"], refused=["B"], default=VALIDATED)
    assert twice.value.params == {"code": "B"}


def test_a_refused_service_is_not_attached():
    from chalicelib.domain.entities import Membership

    def link(*services):
        return Membership(
            user_id="u", structure_id="s", identifier="i", designation="d", role="UTILISATEUR", manager_scope=None,
            status=VALIDATED, valid_from=TODAY, valid_until=None, comment=None, services=list(services),
            requested_at=None, decided_at=None, decided_by=None, decision_reason=None, first_name="f",
            last_name="l", contact_email="e", address_line1=None, postal_code=None, city=None)

    assert attached_services(link(ServiceRef("A", "a", VALIDATED), ServiceRef("B", "b", REFUSED))) == ["A"]
    assert attached_services(link()) is None  # the whole structure
    assert attached_services(link(ServiceRef("B", "b", REFUSED))) == []  # every service refused: none
