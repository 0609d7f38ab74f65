"""Staff pages: login and the intake screen. Thin: the screens talk to the JSON API."""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from depot.domain.accessories import ACCESSORIES
from depot.domain.roles import may
from depot.domain.syntax import BAD_IN_LINE
from depot.errors import AuthenticationError, UnavailableError
from depot.extensions import csrf, db, limiter
from depot.i18n import LANGUAGES
from depot.models import User
from depot.services import catalog, health, users
from depot.web.auth import page_requires
from depot.web.common import settings
from depot.web.errors import HTTP_STATUS, page, unhealthy
from depot.web.ratelimit import client_address, minutes_left
from depot.web.schemas.fields import text_limit

bp = Blueprint("pages", __name__)


PASSWORD_CAP = 2 * 100  # longer is no password anyone types


def _one_line(_form: FlaskForm, field: StringField) -> None:
    """A NUL or other control character names no user: refuse it before any lookup."""
    if field.data and BAD_IN_LINE.search(field.data):
        raise ValidationError("not a user name")


class LoginForm(FlaskForm):
    username = StringField("username", validators=[
        DataRequired(), Length(max=text_limit(User.username)), _one_line])
    password = PasswordField("password", validators=[DataRequired(), Length(max=PASSWORD_CAP)])


@bp.get("/healthz")
def healthz():
    try:
        health.check_database(db.session)
    except UnavailableError as error:
        return unhealthy({"status": "unavailable", "error": error.details.get("reason")})
    return jsonify({"status": "ok"})


def _login_account() -> str:
    """The counter of the user name tried, by its hash: any text a client sends (a NUL, a
    megabyte) makes a key the database can store."""
    name = (request.form.get("username") or "").strip().casefold()
    return "login-account:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def _login_address() -> str:
    return "login-address:" + client_address()


def _failed_login(response: Response) -> bool:
    return response.status_code == HTTP_STATUS[AuthenticationError]


def _refuse_login(_limit) -> Response:
    """Too many failed logins for this user name or from this address: the login page says
    so, in the reader's language, and for how long (web/errors.py answers it: too many)."""
    return make_response(render_template("login.html", form=LoginForm(), error="too_many_logins",
                                         minutes=minutes_left()))


# Only failures count (a refused login), for the user name tried and for the address it came from;
# once either is spent, every login for it is refused until its window ends, even with the right
# password. A success resets nothing: it must not give an attacker elsewhere a fresh budget.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DEPOT_LOGIN_LIMIT_ADDRESS"], methods=["POST"],
               key_func=_login_address, deduct_when=_failed_login, on_breach=_refuse_login)
@limiter.limit(lambda: current_app.config["DEPOT_LOGIN_LIMIT_ACCOUNT"], methods=["POST"],
               key_func=_login_account, deduct_when=_failed_login, on_breach=_refuse_login)
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
        error = "bad_login"
    elif form.is_submitted() and form.username.errors:
        error = "bad_login"
    refusal = AuthenticationError("wrong user name or password", code=error) if error else None
    return page(render_template("login.html", form=form, error=error), refusal)


@bp.post("/logout")
def logout():
    csrf.protect()
    if current_user.is_authenticated:  # every copy of this session cookie ends here too
        users.end_sessions(db.session, current_user.id)
    logout_user()
    return redirect(url_for("pages.login"))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; the pages link the SVG."""
    return current_app.send_static_file("favicon.ico")


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("pages.login"))
    if may(current_user.role, "reports"):  # supervisors and admins: the floor at a glance
        from depot.web.list_pages import dashboard_page

        return dashboard_page()
    if may(current_user.role, "rmas.create"):
        return redirect(url_for("pages.intake"))
    if may(current_user.role, "actions.bench"):
        return redirect(url_for("pages.bench"))
    if may(current_user.role, "shipment"):
        return redirect(url_for("pages.shipping"))
    return render_template("home.html")


@bp.get("/intake")
@page_requires("rmas.create")
def intake():
    return render_template("intake.html",
                           models=catalog.list_models(db.session, include_retired=False),
                           accessories=ACCESSORIES,
                           repeat_days=settings().repeat_days)


@bp.get("/bench")
@page_requires("actions.bench")
def bench():
    return render_template("bench.html", repeat_days=settings().repeat_days)


@bp.get("/shipping")
@page_requires("shipment")
def shipping():
    from depot.services.shipping import CARRIERS

    return render_template("shipping.html", carriers=CARRIERS)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
