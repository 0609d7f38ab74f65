"""What may come in the box with a unit. Customers are asked not to send accessories; what
arrives anyway is recorded at intake and must be packed back (or said missing) at shipping.

The codes are the public contract (DESIGN.md §4); each code is also the msgid of its name in
the catalogues, and of its short name on the intake tag (context "tag").
"""
from __future__ import annotations

import enum


class Accessory(enum.StrEnum):
    POWER_ADAPTER = "power_adapter"
    DATA_CABLE = "data_cable"
    BATTERY = "battery"
    OTHER = "other"


ACCESSORIES: tuple[str, ...] = tuple(a.value for a in Accessory)
