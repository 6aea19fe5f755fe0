"""Rattachements: when one gives access, who may manage a structure, and the spaces a new member gets."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.memberships import (
    DEACTIVATED,
    DELETED,
    MANAGER_SPACE,
    PENDING,
    PRINCIPAL,
    REFUSED,
    ROLES,
    SCOPE_MANAGER,
    SCOPE_USER,
    SECONDARY,
    USER,
    VALIDATED,
    can_manage,
    default_spaces,
    is_active,
)

FAST = settings(max_examples=80, derandomize=True, deadline=None)
TODAY = date(2026, 3, 15)
DAY = timedelta(days=1)
SCOPES = (None, SCOPE_MANAGER, SCOPE_USER)
NOT_VALIDATED = (PENDING, REFUSED, DEACTIVATED, DELETED)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


# --- is_active ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("valid_from, valid_until, active", [
    (TODAY - 30 * DAY, None, True),
    (TODAY, None, True),  # from its first day
    (TODAY + DAY, None, False),  # not yet
    (TODAY - 30 * DAY, TODAY, True),  # until its last day included
    (TODAY - 30 * DAY, TODAY - DAY, False),  # over
    (TODAY, TODAY, True),  # one day only
    (TODAY + DAY, TODAY + 30 * DAY, False),
])
def test_a_validated_rattachement_gives_access_between_its_validity_dates_included(valid_from, valid_until, active):
    assert is_active(VALIDATED, valid_from, valid_until, TODAY) is active


@pytest.mark.parametrize("status", NOT_VALIDATED)
@pytest.mark.parametrize("valid_until", [None, TODAY + 30 * DAY])
def test_only_a_validated_rattachement_gives_access(status, valid_until):
    assert is_active(status, TODAY - 30 * DAY, valid_until, TODAY) is False


@FAST
@given(days, days, st.one_of(st.none(), days))
def test_access_is_one_unbroken_period_from_the_first_validity_day(valid_from, today, valid_until):
    active = is_active(VALIDATED, valid_from, valid_until, today)
    if active:
        # Every day between the start and an active day is active too; nothing before the start is.
        assert valid_from <= today
        assert is_active(VALIDATED, valid_from, valid_until, valid_from)
        assert not is_active(VALIDATED, valid_from, valid_until, valid_from - DAY)
        assert valid_until is None or not is_active(VALIDATED, valid_from, valid_until, valid_until + DAY)
    else:
        assert today < valid_from or (valid_until is not None and today > valid_until)
    for status in NOT_VALIDATED:
        assert not is_active(status, valid_from, valid_until, today)


@FAST
@given(days, days)
def test_without_end_date_access_never_stops(valid_from, today):
    later = max(valid_from, today)
    assert is_active(VALIDATED, valid_from, None, later)
    assert is_active(VALIDATED, valid_from, None, later + 3650 * DAY)


# --- can_manage -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, scope, expected", [
    (PRINCIPAL, None, True),
    (PRINCIPAL, SCOPE_MANAGER, True),
    (PRINCIPAL, SCOPE_USER, True),
    (SECONDARY, SCOPE_MANAGER, True),
    (SECONDARY, SCOPE_USER, False),
    (SECONDARY, None, False),
    (USER, None, False),
    (USER, SCOPE_USER, False),
    (USER, SCOPE_MANAGER, False),  # a scope does not make a user a manager
])
def test_the_principal_and_secondary_managers_acting_as_managers_manage(role, scope, expected):
    assert can_manage(role, scope, True) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_nobody_manages_through_an_inactive_rattachement(role, scope):
    assert can_manage(role, scope, False) is False


def test_unknown_roles_manage_nothing():
    assert can_manage("ADMIN", SCOPE_MANAGER, True) is False
    assert can_manage("", None, True) is False


# --- default_spaces -------------------------------------------------------------------------------------------------


def test_managers_get_the_manager_space_and_users_do_not():
    assert MANAGER_SPACE in default_spaces(PRINCIPAL)
    assert MANAGER_SPACE in default_spaces(SECONDARY, SCOPE_MANAGER)
    assert MANAGER_SPACE not in default_spaces(USER)


@pytest.mark.parametrize("scope", [None, SCOPE_USER])
def test_a_secondary_manager_not_acting_as_a_manager_gets_a_user_s_spaces(scope):
    assert default_spaces(SECONDARY, scope) == default_spaces(USER)
    assert MANAGER_SPACE not in default_spaces(SECONDARY, scope)


def test_the_spaces_of_a_principal_are_those_of_a_user_plus_the_manager_space():
    assert set(default_spaces(PRINCIPAL)) == set(default_spaces(USER)) | {MANAGER_SPACE}
    assert default_spaces(SECONDARY, SCOPE_MANAGER) == default_spaces(PRINCIPAL)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_every_member_gets_mon_compte_and_no_space_twice(role, scope):
    spaces = default_spaces(role, scope)
    assert "Mon Compte" in spaces and "Accueil connecté" in spaces
    assert len(set(spaces)) == len(spaces)


@pytest.mark.parametrize("role", ROLES)
def test_the_scope_defaults_to_none(role):
    assert default_spaces(role) == default_spaces(role, None)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_the_manager_space_goes_to_exactly_those_who_may_manage(role, scope):
    assert (MANAGER_SPACE in default_spaces(role, scope)) is can_manage(role, scope, True)
