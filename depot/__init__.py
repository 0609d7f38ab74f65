"""Depot: a repair-depot (RMA) system. create_app() is the one wiring point."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from depot.config import PACKAGE, Config, check_settings


def create_app(config: Any | None = None) -> Flask:
    """Build an app from `config`: extensions, blueprints, error handlers, commands."""
    # Imported here, not at the top, so that `import depot.domain…` stays free of Flask.
    from depot import cli, job_runner, worker
    from depot.domain.roles import may
    from depot.extensions import babel, csrf, db, login_manager, migrate
    from depot.labels import fonts
    from depot.web import (
        admin_pages,
        api,
        complaint_pages,
        errors,
        list_pages,
        pages,
        public,
        ratelimit,
        report_pages,
        rma_pages,
        schemas,
        security,
        stock_pages,
    )
    from depot.web import api_docs, request_pages
    from depot.web.auth import load_user
    from depot.web.common import list_sep, listed, select_locale, word, words

    config = config or Config()
    app = Flask(__name__, template_folder=str(PACKAGE / "templates"),
                static_folder=str(PACKAGE / "static"), instance_path=str(config.INSTANCE_PATH))
    app.config.from_object(config)
    check_settings(app.config)
    fonts.use_font(app.config.get("DEPOT_PDF_FONT"))
    config.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    if app.config["DEPOT_PROXY_FIX"]:  # only then are X-Forwarded-For/-Proto/-Host believed
        hops = app.config["DEPOT_PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
        if not app.testing:
            report_at_start(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    ratelimit.init_app(app)  # first: its checks run before anything opens a transaction
    login_manager.init_app(app)
    login_manager.login_view = "pages.login"
    login_manager.session_protection = "strong"  # a cookie used from elsewhere is dropped
    login_manager.user_loader(load_user)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PACKAGE / "translations"))

    # A URL value that can name no row (a NUL byte, an id past 2**63) is 404 before any view.
    app.url_value_preprocessor(schemas.check_path)
    app.jinja_env.globals["current_lang"] = select_locale
    app.jinja_env.globals["may"] = may
    app.jinja_env.globals["error_text"] = errors.localized
    app.jinja_env.globals["word"] = word
    app.jinja_env.globals["words"] = words
    app.jinja_env.globals["listed"] = listed
    app.jinja_env.globals["list_sep"] = list_sep

    app.register_blueprint(api.bp)
    for area in api.AREAS:  # bearer tokens, not cookies; a page's cookie call is checked in auth
        csrf.exempt(area)
    app.register_blueprint(pages.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(rma_pages.bp)
    app.register_blueprint(list_pages.bp)
    app.register_blueprint(admin_pages.bp)
    app.register_blueprint(report_pages.bp)
    app.register_blueprint(complaint_pages.bp)
    app.register_blueprint(stock_pages.bp)
    app.register_blueprint(request_pages.bp)
    app.register_blueprint(api_docs.bp)
    csrf.exempt(public.approve)  # the signed link is the credential: see public._answer
    csrf.exempt(public.decline)
    csrf.exempt(public.dispute)
    csrf.exempt(public.status_complaint)
    csrf.exempt(public.answer_survey)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    worker.init_app(app)
    job_runner.init_app(app)
    return app


def report_at_start(app: Flask) -> None:
    """Say in the log, one line each, what this process will not be able to do: no font for
    the PDFs and labels, no ZBar for photos (those answer 503 naming the package), no database
    (pages answer 503 until it answers; `flask` commands say so themselves)."""
    import os

    from depot.extensions import db
    from depot.i18n import translate
    from depot.labels.fonts import font_problem
    from depot.scanning import zbar_problem
    from depot.services import health

    for problem in (font_problem(), zbar_problem()):
        if problem is not None:
            app.logger.error("%s", translate("en", problem.template, **problem.details))
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        try:
            with db.engine.connect():
                pass
        except health.UNREACHABLE as exc:
            app.logger.error("%s; until then every page answers 503",
                             health.describe(exc, app.config["SQLALCHEMY_DATABASE_URI"]))
        finally:
            db.engine.dispose()  # no connection of this process crosses a fork (--preload)


def _tune_sqlite(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, and write transactions that wait their turn.

    pysqlite's own transaction handling is switched off and every transaction starts with
    BEGIN IMMEDIATE, so two clerks taking units in at once queue on the write lock instead of
    failing with 'database is locked' when a read turns into a write.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
