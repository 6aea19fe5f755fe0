"""The statuses' state machines: what each transition allows, and properties of every walk through them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.accounts import ACCOUNT, ACTIVE, INACTIVE, PENDING_ACTIVATION
from chalicelib.domain.errors import Kind, TransitionRefused
from chalicelib.domain.memberships import (
    DEACTIVATED,
    DELETED,
    MEMBERSHIP,
    PENDING,
    PRINCIPAL,
    REFUSED,
    ROLE,
    SECONDARY,
    USER,
    VALIDATED,
)
from chalicelib.domain.states import ABSENT, StateMachine
from chalicelib.domain.subscriptions import PENDING as SUBSCRIPTION_PENDING
from chalicelib.domain.subscriptions import REMOVED, SPACE_REMOVED, SPACE_SET, STRUCTURE_SPACE, SUBSCRIPTION, VALID

MACHINES = (MEMBERSHIP, ROLE, ACCOUNT, SUBSCRIPTION, STRUCTURE_SPACE)


@pytest.mark.parametrize("transition, start, end", [
    ("request", ABSENT, PENDING),
    ("request", REFUSED, PENDING),
    ("request", DELETED, PENDING),
    ("validate", PENDING, VALIDATED),
    ("refuse", PENDING, REFUSED),
    ("withdraw", PENDING, DELETED),
    ("leave", VALIDATED, DELETED),
    ("suspend", VALIDATED, DEACTIVATED),
    ("restore", DEACTIVATED, VALIDATED),
    ("attach", ABSENT, VALIDATED),
])
def test_rattachement_transitions(transition, start, end):
    assert MEMBERSHIP.transition(transition).check(start) == end


@pytest.mark.parametrize("transition, start", [
    ("request", PENDING),  # asking twice
    ("request", VALIDATED),
    ("request", DEACTIVATED),
    ("validate", VALIDATED),  # a double decision
    ("validate", REFUSED),
    ("refuse", VALIDATED),
    ("validate", DELETED),  # a withdrawn request
    ("validate", DEACTIVATED),
    ("suspend", PENDING),  # a deactivation withdraws pending requests instead
    ("restore", DELETED),  # a withdrawn request is not brought back by a reactivation
    ("leave", PENDING),
])
def test_rattachement_transitions_refused(transition, start):
    with pytest.raises(TransitionRefused) as refused:
        MEMBERSHIP.transition(transition).check(start)
    assert refused.value.kind is Kind.CONFLICT
    assert refused.value.params == {"machine": "membership", "transition": transition, "state": start}


def test_the_principal_role_moves_only_by_a_transfer():
    assert ROLE.transition("hand_over").check(PRINCIPAL) == USER
    assert ROLE.transition("take_over").check(SECONDARY) == PRINCIPAL
    for name in ("promote", "demote", "take_over"):
        assert not ROLE.transition(name).allows(PRINCIPAL)
    assert not ROLE.transition("hand_over").allows(SECONDARY)


def test_account_lifecycle():
    assert ACCOUNT.transition("sign_up").check(ABSENT) == PENDING_ACTIVATION
    assert ACCOUNT.transition("activate").check(PENDING_ACTIVATION) == ACTIVE
    assert ACCOUNT.transition("deactivate").check(ACTIVE) == INACTIVE
    assert ACCOUNT.transition("reactivate").check(INACTIVE) == ACTIVE
    assert not ACCOUNT.transition("reactivate").allows(PENDING_ACTIVATION)  # an account never activated stays so
    assert not ACCOUNT.transition("activate").allows(INACTIVE)


def test_subscription_statuses():
    assert SUBSCRIPTION.transition("request").check(ABSENT) == SUBSCRIPTION_PENDING
    assert SUBSCRIPTION.transition("validate").check(SUBSCRIPTION_PENDING) == VALID
    assert not SUBSCRIPTION.transition("validate").allows(VALID)
    assert SUBSCRIPTION.transition("refuse").check(SUBSCRIPTION_PENDING) == REMOVED
    assert not SUBSCRIPTION.transition("refuse").allows(VALID)  # a validated subscription is removed, not refused
    assert not SUBSCRIPTION.transition("request").allows(SUBSCRIPTION_PENDING)  # asking twice
    assert SUBSCRIPTION.transition("grant").check(SUBSCRIPTION_PENDING) == VALID  # a manager's own, at once
    for name in ("remove", "revoke"):
        assert SUBSCRIPTION.transition(name).check(VALID) == REMOVED
        assert not SUBSCRIPTION.transition(name).allows(ABSENT)
    assert REMOVED not in SUBSCRIPTION.transition("validate").sources


def test_a_space_of_a_structure_is_set_or_taken_off_again_and_again():
    assert STRUCTURE_SPACE.transition("set").check(ABSENT) == SPACE_SET
    assert STRUCTURE_SPACE.transition("set").check(SPACE_REMOVED) == SPACE_SET
    assert STRUCTURE_SPACE.transition("remove").check(SPACE_SET) == SPACE_REMOVED
    assert STRUCTURE_SPACE.transition("remove").check(SPACE_REMOVED) == SPACE_REMOVED


def test_a_machine_refuses_a_transition_to_an_unknown_state():
    with pytest.raises(ValueError):
        StateMachine("broken", ("A", "B"), {"go": (("A",), "C")})
    with pytest.raises(ValueError):
        StateMachine("broken", ("A", "B"), {"go": (("Z",), "B")})


def test_every_state_is_reachable_and_every_target_is_a_state():
    for machine in MACHINES:
        starts = {s for t in machine.transitions for s in t.sources}
        reached = set().union(*(machine.reachable_from(s) for s in starts)) - {ABSENT}
        assert reached == set(machine.states), machine.name


@settings(max_examples=300, derandomize=True)
@given(st.sampled_from(MACHINES).flatmap(
    lambda machine: st.tuples(st.just(machine), st.lists(st.sampled_from(machine.transitions), max_size=25))))
def test_a_walk_ends_in_a_state_of_its_machine_and_refusals_change_nothing(walk):
    """Apply any sequence of transitions from the machine's entry points: each allowed one leads to one of the
    machine's states, each refused one leaves the state as it was, and ``allows`` always agrees with ``check``."""
    machine, transitions = walk
    state = ABSENT if any(ABSENT in t.sources for t in machine.transitions) else machine.states[0]
    for transition in transitions:
        if transition.allows(state):
            state = transition.check(state)
            assert state in machine.states
        else:
            with pytest.raises(TransitionRefused):
                transition.check(state)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.sampled_from(MEMBERSHIP.transitions), max_size=30))
def test_a_rattachement_is_decided_at_most_once_per_request(transitions):
    """Whatever happens, a request is validated or refused only while pending: one decision per request."""
    state, decisions_since_request = ABSENT, 0
    for transition in transitions:
        if not transition.allows(state):
            continue
        if transition.name == "request":
            decisions_since_request = 0
        if transition.name in ("validate", "refuse"):
            decisions_since_request += 1
        state = transition.check(state)
        assert decisions_since_request <= 1
