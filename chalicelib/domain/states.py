"""Statuses as state machines: each transition names the states it may start from and the state it leads to.

Services ask a machine for a transition (``MEMBERSHIP.transition("validate")``) and check the state they read with it;
the store turns the transition's starting states into the condition of the write, so that a change made by someone
else in between makes the write fail instead of being overwritten. ``ABSENT`` stands for "no item yet" (a first
request), which the store turns into "the item does not exist".
"""

from dataclasses import dataclass

from .errors import TransitionRefused

ABSENT = None


@dataclass(frozen=True)
class Transition:
    machine: str
    name: str
    sources: frozenset
    target: str | None  # None: the transition leaves no status to write (a role change keeps the status)

    def allows(self, state) -> bool:
        return state in self.sources

    def check(self, state) -> str | None:
        """The state after the transition, or TransitionRefused when ``state`` does not allow it."""
        if state not in self.sources:
            raise TransitionRefused(machine=self.machine, transition=self.name, state=state)
        return self.target if self.target is not None else state


class StateMachine:
    """A set of states and the named transitions between them."""

    def __init__(self, name: str, states: tuple[str, ...], transitions: dict[str, tuple[tuple, str | None]]):
        self.name = name
        self.states = states
        self._transitions = {}
        for transition, (sources, target) in transitions.items():
            unknown = {s for s in sources if s is not ABSENT} - set(states)
            if unknown or (target is not None and target not in states):
                raise ValueError(f"{name}.{transition}: unknown state {unknown or target}")
            self._transitions[transition] = Transition(name, transition, frozenset(sources), target)

    def transition(self, name: str) -> Transition:
        return self._transitions[name]

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return tuple(self._transitions.values())

    def reachable_from(self, state) -> set:
        """Every state some sequence of transitions leads to from ``state`` (itself included)."""
        seen, todo = {state}, [state]
        while todo:
            current = todo.pop()
            for transition in self._transitions.values():
                if transition.allows(current):
                    after = transition.check(current)
                    if after not in seen:
                        seen.add(after)
                        todo.append(after)
        return seen
