"""The state-machine shape on a toy life cycle: table, guards, refusals that name the way out."""
import enum

import pytest

from depot.domain.machine import Guard, Machine, every
from depot.errors import InvalidInputError, InvalidTransitionError


class Light(enum.StrEnum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken"


class Do(enum.StrEnum):
    INSTALL = "install"
    SWITCH_ON = "switch_on"
    SWITCH_OFF = "switch_off"
    DUST = "dust"
    SMASH = "smash"


POWERED = Guard("no_power", "no power for %(watts)s W", lambda f: f["power"],
                lambda f: {"watts": f["watts"]})
LAMP = Machine(
    "a lamp", Light, Do,
    {(None, Do.INSTALL): Light.OFF, (Light.OFF, Do.SWITCH_ON): Light.ON,
     (Light.ON, Do.SWITCH_OFF): Light.OFF, **every([Light.OFF, Light.ON], Do.SMASH, Light.BROKEN),
     **every([Light.OFF, Light.ON], Do.DUST)},
    guards={(Light.OFF, Do.SWITCH_ON): (POWERED,)},
    offered=frozenset({Do.SWITCH_ON, Do.SWITCH_OFF, Do.SMASH}))


def test_rows_move_and_stay():
    assert LAMP.next_status(None, Do.INSTALL) is Light.OFF
    assert LAMP.next_status(Light.ON, Do.DUST) is Light.ON
    assert LAMP.next_status(Light.ON, Do.SMASH) is Light.BROKEN


def test_a_missing_row_names_the_offered_actions_only():
    with pytest.raises(InvalidTransitionError) as info:
        LAMP.next_status(Light.ON, Do.SWITCH_ON)
    assert info.value.message == "cannot switch_on a lamp that is on"
    assert info.value.details["allowed"] == ["switch_off", "smash"]  # dust is not offered
    assert LAMP.allowed(Light.BROKEN) == []


def test_a_guard_refuses_with_its_own_code_and_values():
    off = {"power": False, "watts": 60}
    with pytest.raises(InvalidTransitionError) as info:
        LAMP.next_status(Light.OFF, Do.SWITCH_ON, off)
    assert (info.value.code, info.value.message) == ("no_power", "no power for 60 W")
    assert info.value.details["watts"] == 60 and info.value.details["allowed"] == ["smash"]
    assert LAMP.allowed(Light.OFF, off) == [Do.SMASH, Do.DUST]
    assert LAMP.allowed(Light.OFF, {"power": True, "watts": 60})[0] is Do.SWITCH_ON
    # Without facts the guard is not asked (a table question, not a decision).
    assert LAMP.next_status(Light.OFF, Do.SWITCH_ON) is Light.ON


def test_unknown_actions_are_bad_input():
    with pytest.raises(InvalidInputError) as info:
        LAMP.parse_action("paint")
    assert info.value.details["known"] == [d.value for d in Do]


def test_a_guard_on_a_missing_row_is_caught():
    broken = Machine("a lamp", Light, Do, {(Light.OFF, Do.SWITCH_ON): Light.ON},
                     guards={(Light.ON, Do.SWITCH_OFF): (POWERED,)})
    with pytest.raises(AssertionError):
        broken.check()
