"""The per-source rule of login throttling (chalicelib/domain/throttle.py): pure, no AWS."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import throttle

NOW = datetime(2026, 11, 27, 9, 7, 30, tzinfo=UTC)


def test_windows_are_fixed_quarters_of_an_hour():
    assert throttle.source_window(NOW) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert throttle.source_window(datetime(2026, 11, 27, 9, 15, tzinfo=UTC)) == datetime(2026, 11, 27, 9, 15,
                                                                                         tzinfo=UTC)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_every_moment_falls_in_its_window(moment):
    start = throttle.source_window(moment)
    assert start <= moment < start + throttle.SOURCE_WINDOW
    assert throttle.source_window(start) == start


def test_a_source_waits_only_from_the_limit_until_the_end_of_its_window():
    assert throttle.source_wait(0, NOW) == timedelta(0)
    assert throttle.source_wait(throttle.SOURCE_LIMIT - 1, NOW) == timedelta(0)
    assert throttle.source_wait(throttle.SOURCE_LIMIT, NOW) == timedelta(minutes=7, seconds=30)
    assert throttle.source_wait(throttle.SOURCE_LIMIT + 50, NOW) == timedelta(minutes=7, seconds=30)


def test_the_limit_is_well_above_what_one_person_does():
    # One person mistyping a password meets the per-login delay (5) and lock (10) long before the source limit.
    assert throttle.SOURCE_LIMIT >= 3 * throttle.LOCK_AT
    assert throttle.SOURCE_WINDOW == throttle.WINDOW


def test_sources_are_addresses_and_ipv6_networks():
    assert throttle.source_key("203.0.113.7") == "203.0.113.7"
    assert throttle.source_key(" 203.0.113.7 ") == "203.0.113.7"
    assert throttle.source_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert throttle.source_key("2001:db8:1:2:ffff::1") == throttle.source_key("2001:db8:1:2::9")
    assert throttle.source_key("2001:db8:1:3::1") != throttle.source_key("2001:db8:1:2::1")
    assert throttle.source_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert throttle.source_key("not an address") == "not an address"
    assert throttle.source_key("") == "unknown"
    assert len(throttle.source_key("x" * 500)) == 64


def test_the_per_login_rule_is_unchanged():
    state = throttle.Attempts()
    for _ in range(throttle.DELAY_FROM):
        state = throttle.after_failure(state, NOW)
    assert throttle.wait_before_next(state, NOW) == throttle.FIRST_DELAY
    for _ in range(throttle.LOCK_AT - throttle.DELAY_FROM):
        state = throttle.after_failure(state, NOW)
    assert throttle.wait_before_next(state, NOW) == throttle.LOCK_FOR
