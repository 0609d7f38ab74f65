"""Who may do what: DESIGN.md's role table as data."""
from __future__ import annotations

ROLES = ("clerk", "technician", "supervisor", "logistics", "admin")
# What the technician filter (GET /rmas?technician=none) says for RMAs nobody holds: so no
# user may be named so.
NOBODY = "none"

# Permissions a role holds. Admin holds every permission; supervisor holds what clerk,
# technician and logistics hold plus its own.
# complaints: register, read, start and resolve them (every staff role, DESIGN.md 4b);
# complaints.manage: reopen and close them, and resolve disputes of the damage verdict;
# quotes.discount: put a discount line on a quote (a goodwill concession);
# returned_stock: the units kept after an exchange (换货) and what became of them.
_CLERK = {"units", "import", "scans", "rmas.create", "rmas.read", "quotes.create", "quotes.send",
          "payments", "complaints",
          "cartons"}  # open cartons (整箱收货), read them, their receipt
_TECHNICIAN = {"scans", "rmas.read", "inspection", "quotes.create", "actions.bench",
               "complaints"}
_LOGISTICS = {"scans", "rmas.read", "labels", "shipment", "actions.close", "complaints"}
# payments.overpay: accept money above what was asked for (a credit to refund);
# payments.void: void a payment recorded by mistake, with a reason.
_SUPERVISOR = _CLERK | _TECHNICIAN | _LOGISTICS | {"actions.cancel", "overrides", "reports",
                                                   "payments.overpay", "payments.void",
                                                   "complaints.manage", "quotes.discount",
                                                   "returned_stock"}
# webhooks: register webhooks, switch them off, read their deliveries (admin, DESIGN.md 4b).
_ADMIN = _SUPERVISOR | {"users", "models", "admin", "webhooks"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset(_CLERK),
    "technician": frozenset(_TECHNICIAN),
    "logistics": frozenset(_LOGISTICS),
    "supervisor": frozenset(_SUPERVISOR),
    "admin": frozenset(_ADMIN),
}


def may(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
