"""Rules of abonnements (guide §5): what a user may ask for, where a structure's space reaches, what may be given up."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.subscriptions import (
    ACCOUNT_SPACE,
    HOME_SPACE,
    INVOICES_RECEIVED,
    INVOICES_SENT,
    MANAGER_SPACE,
    REQUESTABLE_SPACES,
    SPACE_REMOVED,
    SPACE_SET,
    SPACES,
    allowed_services,
    removal_problem,
    space_problem,
    start_problem,
    structure_level_targets,
)

CODES = st.lists(st.sampled_from(["MOBURB", "MENINT", "MEUBLES", "ATELIER"]), unique=True)
ATTACHED = st.none() | CODES


def test_a_rattachement_to_the_whole_structure_reaches_it_first_then_each_active_service():
    assert allowed_services(None, ["MENINT", "MOBURB"]) == [None, "MENINT", "MOBURB"]
    assert allowed_services([], ["MENINT", "MOBURB"]) == []  # every service refused: nothing
    assert allowed_services(["MOBURB", "MEUBLES"], ["MENINT", "MOBURB"]) == ["MOBURB"]  # MEUBLES deactivated


@settings(max_examples=200, derandomize=True)
@given(attached=ATTACHED, active=CODES)
def test_one_only_ever_asks_for_what_one_is_attached_to(attached, active):
    for code in allowed_services(attached, active) + structure_level_targets(attached, active):
        if code is None:
            assert attached is None  # the whole structure only for a rattachement to the whole structure
        else:
            assert code in active and (attached is None or code in attached)


def test_a_space_set_on_the_structure_reaches_the_whole_structure_or_each_attached_service():
    assert structure_level_targets(None, ["MOBURB"]) == [None]
    assert structure_level_targets([], ["MOBURB"]) == []
    assert structure_level_targets(["MOBURB", "MENINT"], ["MOBURB"]) == ["MOBURB"]


def test_only_the_spaces_of_invoices_and_sollicitations_are_asked_for_and_not_once_taken_off():
    assert set(REQUESTABLE_SPACES) < set(SPACES)
    for space in (HOME_SPACE, MANAGER_SPACE, ACCOUNT_SPACE):
        assert space_problem(space, {}).key == "space.not_requestable"
    assert space_problem(INVOICES_RECEIVED, {}) is None
    assert space_problem(INVOICES_RECEIVED, {INVOICES_RECEIVED: SPACE_SET}) is None
    assert space_problem(INVOICES_RECEIVED, {INVOICES_RECEIVED: SPACE_REMOVED}).key == "space.removed"


def test_what_a_user_cannot_give_up():
    assert removal_problem(HOME_SPACE, False).key == "subscription.kept"
    assert removal_problem(ACCOUNT_SPACE, True).key == "subscription.kept"
    assert removal_problem(MANAGER_SPACE, True).key == "subscription.principal_keeps_manager_space"
    assert removal_problem(MANAGER_SPACE, False) is None  # a secondary manager may stop acting as one
    assert removal_problem(INVOICES_SENT, True) is None


def test_a_subscription_takes_effect_today_or_later():
    today = date(2026, 11, 30)
    assert start_problem(date(2026, 11, 29), today).key == "date.past"
    assert start_problem(today, today) is None
