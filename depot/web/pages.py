"""Staff pages: login and the intake screen. Thin: the screens talk to the JSON API."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import text as sql_text
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from depot.domain.accessories import ACCESSORIES
from depot.domain.roles import may
from depot.extensions import csrf, db
from depot.i18n import LANGUAGES
from depot.services import catalog, users
from depot.web.auth import page_requires

bp = Blueprint("pages", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sql_text("SELECT 1"))
        db.session.rollback()
    except Exception as exc:  # any driver error means the database is not reachable
        return jsonify({"status": "unavailable", "error": type(exc).__name__}), 503
    return jsonify({"status": "ok"})


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
        error = "bad_login"
    return render_template("login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    csrf.protect()
    logout_user()
    return redirect(url_for("pages.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("pages.login"))
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
    return render_template("intake.html", models=catalog.list_models(db.session),
                           accessories=ACCESSORIES)


@bp.get("/bench")
@page_requires("actions.bench")
def bench():
    return render_template("bench.html")


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
