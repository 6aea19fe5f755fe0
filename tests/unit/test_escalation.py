"""When a pending request is stale, which days the daily check reads, when a principal manager is unavailable and who
an escalated request goes to."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.accounts import ACTIVE, INACTIVE, PENDING_ACTIVATION
from chalicelib.domain.memberships import (
    DEACTIVATED,
    PENDING,
    PRINCIPAL,
    SCOPE_MANAGER,
    SCOPE_USER,
    SECONDARY,
    USER,
    VALIDATED,
    check_day,
    days_to_check,
    deputies,
    may_decide_escalated,
    principal_unavailable,
    stale,
)

FAST = settings(max_examples=80, derandomize=True, deadline=None)
ASKED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
TODAY = date(2026, 12, 12)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))


@dataclass
class Member:
    user_id: str
    role: str
    manager_scope: str | None = None
    status: str = VALIDATED
    valid_from: date = date(2020, 1, 1)
    valid_until: date | None = None


@pytest.mark.parametrize("age, expected", [
    (14 * DAY, False),  # 14 days exactly: not more than 14
    (14 * DAY + timedelta(seconds=1), True),
    (13 * DAY, False),
    (15 * DAY, True),
])
def test_a_request_is_stale_after_more_than_14_days(age, expected):
    assert stale(ASKED, ASKED + age) is expected


def test_a_request_is_checked_on_the_first_day_it_is_stale_all_day_long():
    assert check_day(ASKED) == date(2026, 12, 12)  # asked on 27 November at 9:00, 14 days old on 11 December 9:00
    start = datetime.combine(check_day(ASKED), datetime.min.time(), UTC)
    assert stale(ASKED, start) and not stale(ASKED, start - timedelta(hours=16))


@FAST
@given(moments)
def test_from_the_start_of_its_check_day_a_request_is_stale_and_at_the_start_of_the_day_before_not(asked):
    start = datetime.combine(check_day(asked), datetime.min.time(), UTC)
    assert stale(asked, start)
    assert not stale(asked, start - DAY)


@pytest.mark.parametrize("last, expected", [
    (None, [TODAY]),  # the first run reads today only: nothing was filed before the job existed
    (TODAY, []),  # today is done: a second run reads nothing
    (TODAY - DAY, [TODAY]),
    (TODAY - 3 * DAY, [TODAY - 2 * DAY, TODAY - DAY, TODAY]),  # the days missed, in order
    (TODAY + DAY, []),
])
def test_a_run_reads_today_and_the_days_missed_since_the_last_one(last, expected):
    assert days_to_check(last, TODAY) == expected


@pytest.mark.parametrize("status, locked_until, unavailable", [
    (ACTIVE, None, False),
    (INACTIVE, None, True),  # deactivated
    (PENDING_ACTIVATION, None, True),
    (None, None, True),  # no account at all
    (ACTIVE, ASKED + timedelta(minutes=5), True),  # locked
    (ACTIVE, ASKED, False),  # the lock has just ended
    (ACTIVE, ASKED - timedelta(minutes=5), False),
])
def test_a_principal_is_unavailable_when_its_account_is_not_active_or_its_login_locked(status, locked_until,
                                                                                       unavailable):
    assert principal_unavailable(status, locked_until, ASKED) is unavailable


def test_an_escalated_request_goes_to_every_secondary_manager_in_force_but_not_to_the_principal_or_users():
    members = [
        Member("p", PRINCIPAL), Member("m", SECONDARY, SCOPE_MANAGER), Member("u", SECONDARY, SCOPE_USER),
        Member("plain", USER), Member("ended", SECONDARY, SCOPE_USER, valid_until=TODAY - DAY),
        Member("later", SECONDARY, SCOPE_USER, valid_from=TODAY + DAY),
        Member("suspended", SECONDARY, SCOPE_USER, status=DEACTIVATED),
    ]
    assert [m.user_id for m in deputies(members, "p", TODAY)] == ["m", "u"]
    # The principal is whoever the structure names, whatever role its own link still shows.
    assert [m.user_id for m in deputies(members, "m", TODAY)] == ["u"]


@pytest.mark.parametrize("member, escalated, allowed", [
    (Member("u", SECONDARY, SCOPE_USER), True, True),
    (Member("u", SECONDARY, SCOPE_USER), False, False),  # only once escalated
    (Member("x", USER), True, False),
    (Member("u", SECONDARY, SCOPE_USER, status=PENDING), True, False),
    (Member("u", SECONDARY, SCOPE_USER, valid_until=TODAY - DAY), True, False),
    (None, True, False),
])
def test_a_secondary_acting_as_user_decides_only_escalated_requests(member, escalated, allowed):
    assert may_decide_escalated(member, escalated, TODAY) is allowed
