"""Who may do what: DESIGN.md's role table as data."""
from __future__ import annotations

ROLES = ("clerk", "technician", "supervisor", "logistics", "admin")

# Permissions a role holds. Admin holds every permission; supervisor holds what clerk,
# technician and logistics hold plus its own.
_CLERK = {"units", "import", "scans", "rmas.create", "rmas.read", "quotes.create", "quotes.send",
          "payments"}
_TECHNICIAN = {"scans", "rmas.read", "inspection", "quotes.create", "actions.bench"}
_LOGISTICS = {"scans", "rmas.read", "labels", "shipment", "actions.close"}
_SUPERVISOR = _CLERK | _TECHNICIAN | _LOGISTICS | {"actions.cancel", "overrides", "reports"}
_ADMIN = _SUPERVISOR | {"users", "models", "admin"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset(_CLERK),
    "technician": frozenset(_TECHNICIAN),
    "logistics": frozenset(_LOGISTICS),
    "supervisor": frozenset(_SUPERVISOR),
    "admin": frozenset(_ADMIN),
}


def may(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())

# The permission each action of POST /rmas/<number>/actions needs.
BENCH_ACTIONS = ("start_repair", "wait_parts", "resume", "finish_repair", "pass_qa", "fail_qa",
                 "return_unrepaired")
ACTION_PERMISSIONS: dict[str, str] = {
    **{action: "actions.bench" for action in BENCH_ACTIONS},
    "close": "actions.close",
    "cancel": "actions.cancel",
}
