"""Users API (admin): list, create, change role or switch off, a new token."""
from __future__ import annotations

from typing import Any

from depot.extensions import db
from depot.models import User
from depot.services import users
from depot.web.api.registry import Area
from depot.web.common import now
from depot.web.errors import created
from depot.web.schemas import bodies

area = Area("users")
bp = area.bp


def user_json(user: User) -> dict[str, Any]:
    """A user as the API shows one: never a hash, never the token."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "active": user.active, "has_password": user.password_hash is not None,
            "created_at": user.created_at.isoformat().replace("+00:00", "Z")}


@area.get("/users", "List the users", permissions=("users",))
def get_users():
    return {"users": [user_json(u) for u in users.list_users(db.session)]}


@area.post("/users", "Create a user; its API token is in the answer, once",
           permissions=("users",), body=bodies.UserIn, answers=("created",),
           description="201 with the user and `token`, its API token: shown this once, stored "
                       "only as a hash. A password (at least 10 characters, not the user name) "
                       "lets the user log in on the pages; without one the user has only the "
                       "token. A taken user name is 409 user_exists.")
def post_user(body: bodies.UserIn):
    user, token = users.create_user(db.session, body.username, body.role,
                                    password=body.password or None,
                                    display_name=body.display_name, now=now())
    return created({**user_json(user), "token": token})


@area.patch("/users/<username>", "Change a user's role, or switch the account off or on",
            permissions=("users",), body=bodies.UserPatch,
            description="Either change ends the user's sessions at once; a user switched off "
                        "(active false) cannot log in and its token stops working at once. "
                        "The last active admin can be neither switched off nor given another "
                        "role (409 last_admin).")
def patch_user(username: str, body: bodies.UserPatch):
    user = users.update_user(db.session, username, role=body.role, active=body.active)
    return user_json(user)


@area.post("/users/<username>/token", "Give a user a new API token; the old one stops working",
           permissions=("users",), description="200 with the new token under `token`, shown "
                                                "this once; the old token stops working at once.")
def post_user_token(username: str):
    token = users.new_token(db.session, username)
    return {"username": username, "token": token}
