"""The one state-machine shape: a transition table, next_status(), and guards as data.

Every thing in Depot that has a life cycle (an RMA, a quote version, and the complaints,
requests and exchanges that follow) is one `Machine`: a table of (status, action) -> status,
plus guards that an action needs beyond the status ("repair starts only if covered"). The
machine answers the two questions every caller asks, "what may I do now?" and "what happens if
I do this?", and refuses with an error that names what is allowed. Actions that do not move the
status (a payment, an override) are rows of the table too, from a status to itself, so "may I
do X in status Y" has one answer in one place.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from depot.errors import InvalidInputError, InvalidTransitionError

S = TypeVar("S", bound=enum.Enum)
A = TypeVar("A", bound=enum.Enum)


@dataclass(frozen=True)
class Guard:
    """A condition an action needs besides the status. `test(facts)` true lets it through;
    false refuses it with `code` and `message` (a sentence with %(name)s placeholders filled
    from `details(facts)`)."""

    code: str
    message: str
    test: Callable[[Any], bool]
    details: Callable[[Any], dict[str, Any]] = lambda _facts: {}


@dataclass(frozen=True)
class Machine(Generic[S, A]):
    """A life cycle. `None` as a status is "not yet created": (None, action) rows create."""

    name: str
    status_type: type[S]
    action_type: type[A]
    transitions: Mapping[tuple[S | None, A], S]
    guards: Mapping[tuple[S | None, A], tuple[Guard, ...]] = field(default_factory=dict)
    # The actions a refusal names as allowed (the ones a person can choose); None: all.
    offered: frozenset[A] | None = None
    # The sentence of a refusal by the table. A machine that people meet names itself in it
    # ("cannot %(action)s an RMA that is %(status)s"), so that it translates as one sentence.
    refused: str = "cannot %(action)s %(thing)s that is %(status)s"

    def actions_from(self, current: S | None) -> list[A]:
        """Every action the table has from `current`, in table order, guards not asked."""
        return [action for (status, action) in self.transitions if status == current]

    def allowed(self, current: S | None, facts: Any = None) -> list[A]:
        """What may be done now. With `facts`, an action whose guard fails is left out."""
        return [action for action in self.actions_from(current)
                if facts is None or self.refusal(current, action, facts) is None]

    def refusal(self, current: S | None, action: A, facts: Any) -> Guard | None:
        """The first guard of (current, action) that `facts` fail, or None."""
        for guard in self.guards.get((current, action), ()):
            if not guard.test(facts):
                return guard
        return None

    def _named(self, actions: Iterable[A]) -> list[str | None]:
        return [_value(a) for a in actions if self.offered is None or a in self.offered]

    def next_status(self, current: S | None, action: A, facts: Any = None) -> S:
        """The status after `action`. Raises InvalidTransitionError, naming the allowed
        actions, when the table has no such row or (given `facts`) a guard refuses."""
        target = self.transitions.get((current, action))
        if target is None:
            raise InvalidTransitionError(
                self.refused,
                code="invalid_transition", action=_value(action), thing=self.name,
                status=_value(current), allowed=self._named(self.actions_from(current)))
        if facts is not None:
            guard = self.refusal(current, action, facts)
            if guard is not None:
                raise InvalidTransitionError(
                    guard.message, code=guard.code, status=_value(current),
                    action=_value(action),
                    allowed=self._named(self.allowed(current, facts)),
                    **guard.details(facts))
        return target

    def parse_action(self, value: object) -> A:
        try:
            return self.action_type(str(value))
        except ValueError:
            raise InvalidInputError(
                "unknown action %(value)s", code="unknown_action", value=str(value)[:40],
                known=[a.value for a in self.action_type]) from None

    def check(self) -> None:
        """The table is well formed: targets are statuses, guards name existing rows."""
        for (status, action), target in self.transitions.items():
            assert status is None or isinstance(status, self.status_type), status
            assert isinstance(action, self.action_type), action
            assert isinstance(target, self.status_type), target
        for key in self.guards:
            assert key in self.transitions, f"guard on a missing row {key}"


def every(statuses: Iterable[S], action: A, target: S | None = None) -> dict[tuple[S, A], S]:
    """Rows for `action` from each of `statuses`: to `target`, or to the same status (an
    action that does not move the status)."""
    return {(status, action): target if target is not None else status for status in statuses}


def _value(item: enum.Enum | None) -> str | None:
    return None if item is None else str(item.value)
