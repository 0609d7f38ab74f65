"""Configuration read from DEPOT_* environment variables.

The values are read when a Config is made, never at import, so tests can build their own.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent  # templates, static files, translations, migrations
ROOT = PACKAGE.parent
MIN_SECRET_BYTES = 32  # a shorter DEPOT_SECRET_KEY can be guessed, and with it any session forged
# What a depot gets when nobody configured it: the settings page and `flask depot doctor` name
# every setting still at one of these (depot/services/settings.py).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_MAIL_FROM = "depot@localhost"
DEFAULT_NAME = "Depot 维修中心"
DEFAULT_PAYMENT_INSTRUCTIONS = ("请通过银行转账付款，备注报价单号。\n"
                                "Please pay by bank transfer quoting the quote number.")


class Config:
    """Settings for a running depot, from the environment."""

    TESTING = False

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ if env is None else env)
        self.INSTANCE_PATH = Path(env.get("DEPOT_INSTANCE_PATH") or default_instance()).absolute()
        self.SQLALCHEMY_DATABASE_URI = env.get(
            "DEPOT_DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'depot.sqlite3'}"
        )
        self.SECRET_KEY = env.get("DEPOT_SECRET_KEY") or _instance_secret(self.INSTANCE_PATH)
        self.DEPOT_PUBLIC_URL = env.get("DEPOT_PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")
        self.DEPOT_SMTP_URL = env.get("DEPOT_SMTP_URL") or None
        self.DEPOT_MAIL_FROM = env.get("DEPOT_MAIL_FROM", DEFAULT_MAIL_FROM)
        # Seconds to connect to the relay and for each SMTP command; a hung relay costs one
        # attempt this long, in the outbox worker, never in a request.
        self.DEPOT_SMTP_TIMEOUT = float(env.get("DEPOT_SMTP_TIMEOUT", "10"))
        # Seconds a webhook's receiver has to connect and to answer; a slow one costs one
        # attempt this long, in the outbox worker, never in a request.
        self.DEPOT_WEBHOOK_TIMEOUT = float(env.get("DEPOT_WEBHOOK_TIMEOUT", "5"))
        # A background thread in each app process delivers the outbox; "off" leaves it to
        # `flask depot worker` (its own process) or `flask depot send-mail` from cron.
        self.DEPOT_OUTBOX_WORKER = env.get("DEPOT_OUTBOX_WORKER", "on").strip().lower() not in (
            "off", "0", "false", "no")
        self.DEPOT_TIMEZONE = env.get("DEPOT_TIMEZONE", "Asia/Shanghai")
        self.DEPOT_NAME = env.get("DEPOT_NAME", DEFAULT_NAME)
        self.DEPOT_ADDRESS = env.get("DEPOT_ADDRESS", "")
        self.DEPOT_PHONE = env.get("DEPOT_PHONE", "")
        self.MAX_CONTENT_LENGTH = int(env.get("DEPOT_MAX_UPLOAD_BYTES", str(16 * 1024 * 1024)))
        # CSV imports: a file of up to DEPOT_IMPORT_SYNC_ROWS data rows is answered at once,
        # a bigger one becomes a job (202) that a background thread runs; rows are written
        # DEPOT_IMPORT_CHUNK_ROWS at a time, one transaction each. The import endpoint takes
        # uploads of up to DEPOT_MAX_IMPORT_BYTES (a million rows with customers is ~120 MB).
        self.DEPOT_IMPORT_SYNC_ROWS = int(env.get("DEPOT_IMPORT_SYNC_ROWS", "10000"))
        self.DEPOT_IMPORT_CHUNK_ROWS = int(env.get("DEPOT_IMPORT_CHUNK_ROWS", "2000"))
        self.DEPOT_MAX_IMPORT_BYTES = int(env.get("DEPOT_MAX_IMPORT_BYTES",
                                                  str(256 * 1024 * 1024)))
        # A background thread in each app process runs queued jobs; "off" leaves them to
        # `flask depot run-jobs` (a process of its own).
        self.DEPOT_JOBS_WORKER = env.get("DEPOT_JOBS_WORKER", "on").strip().lower() not in (
            "off", "0", "false", "no")
        self.DEPOT_MAX_IMAGE_BYTES = int(env.get("DEPOT_MAX_IMAGE_BYTES", str(15 * 1024 * 1024)))
        self.DEPOT_MAX_IMAGE_PIXELS = int(env.get("DEPOT_MAX_IMAGE_PIXELS", str(50_000_000)))
        self.DEPOT_LABOR_PRICE = env.get("DEPOT_LABOR_PRICE", "80.00")
        self.DEPOT_INSPECTION_FEE = env.get("DEPOT_INSPECTION_FEE", "0.00")
        self.DEPOT_RETURN_SHIPPING = env.get("DEPOT_RETURN_SHIPPING", "20.00")
        self.DEPOT_TAX_RATE = env.get("DEPOT_TAX_RATE", "0")
        self.DEPOT_QUOTE_VALID_DAYS = int(env.get("DEPOT_QUOTE_VALID_DAYS", "15"))
        self.DEPOT_REMIND_AFTER_DAYS = int(env.get("DEPOT_REMIND_AFTER_DAYS", "3"))
        self.DEPOT_PAYMENT_INSTRUCTIONS = env.get("DEPOT_PAYMENT_INSTRUCTIONS",
                                                  DEFAULT_PAYMENT_INSTRUCTIONS)
        # Who pays the return freight: depot, customer or split (各付一半: the depot ships
        # prepaid and bills half in the quote).
        self.DEPOT_FREIGHT_COVERED = env.get("DEPOT_FREIGHT_COVERED", "depot")
        self.DEPOT_FREIGHT_NOT_COVERED = env.get("DEPOT_FREIGHT_NOT_COVERED", "customer")
        # When a unit that is not covered must be paid for: before its repair starts (`repair`)
        # or before it ships back (`shipping`); the quote PDF says which.
        self.DEPOT_PAY_BEFORE = env.get("DEPOT_PAY_BEFORE", "shipping").strip().lower()
        if self.DEPOT_PAY_BEFORE not in ("repair", "shipping"):
            raise ValueError("DEPOT_PAY_BEFORE must be repair or shipping, "
                             f"not {self.DEPOT_PAY_BEFORE!r}")
        self.DEPOT_LABEL_SIZE = env.get("DEPOT_LABEL_SIZE", "4x6")
        # The TrueType font with Chinese characters every PDF and ZPL label is printed in
        # (empty: WenQuanYi Micro Hei of Debian's fonts-wqy-microhei).
        self.DEPOT_PDF_FONT = env.get("DEPOT_PDF_FONT", "")
        self.DEPOT_CLOSE_AFTER_DAYS = int(env.get("DEPOT_CLOSE_AFTER_DAYS", "14"))
        # A unit back within this many days of its last shipment is flagged (repeat_of).
        self.DEPOT_REPEAT_DAYS = int(env.get("DEPOT_REPEAT_DAYS", "90"))
        # The survey (回访) goes out this many days after the day an RMA shipped.
        self.DEPOT_SURVEY_AFTER_DAYS = int(env.get("DEPOT_SURVEY_AFTER_DAYS", "3"))
        # Exchange (换货): a replacement unit is covered at least this many days from the day
        # it ships; a quality fault found within DEPOT_DOA_DAYS of the purchase date is dead on
        # arrival (the exchange is offered first).
        self.DEPOT_EXCHANGE_WARRANTY_DAYS = int(env.get("DEPOT_EXCHANGE_WARRANTY_DAYS", "90"))
        self.DEPOT_DOA_DAYS = int(env.get("DEPOT_DOA_DAYS", "15"))
        # Requests before shipping (v1.1): one not received within this many days is cancelled
        # by `flask depot remind`; DEPOT_REQUEST_LIMIT: requests one address may make.
        self.DEPOT_REQUEST_EXPIRE_DAYS = int(env.get("DEPOT_REQUEST_EXPIRE_DAYS", "30"))
        self.DEPOT_REQUEST_LIMIT = env.get("DEPOT_REQUEST_LIMIT", "5 per hour")
        if self.DEPOT_EXCHANGE_WARRANTY_DAYS < 1 or self.DEPOT_DOA_DAYS < 0:
            raise ValueError("DEPOT_EXCHANGE_WARRANTY_DAYS must be at least 1 and DEPOT_DOA_DAYS "
                             "at least 0")
        # Four eyes on QA: the technician who finished a repair may not pass its QA.
        self.DEPOT_QA_BY_OTHER = _flag(env, "DEPOT_QA_BY_OTHER")
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql") and (
                "connect_timeout" not in self.SQLALCHEMY_DATABASE_URI):
            # A database host that drops packets answers in 10 s, not the system's 2 minutes.
            self.SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {"connect_timeout": 10}
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = self.DEPOT_TIMEZONE
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # HTTPS deployments: cookies only over HTTPS (the CSRF token lives in the session cookie),
        # and HSTS. Off by default so `make run` works on http://127.0.0.1.
        self.DEPOT_SECURE_COOKIES = _flag(env, "DEPOT_SECURE_COOKIES")
        self.SESSION_COOKIE_SECURE = self.DEPOT_SECURE_COOKIES
        self.REMEMBER_COOKIE_SECURE = self.DEPOT_SECURE_COOKIES
        self.REMEMBER_COOKIE_HTTPONLY = True
        # How many proxies stand in front of the app; only then X-Forwarded-For/-Proto/-Host are
        # believed (werkzeug ProxyFix). 0: the socket's address is the client's.
        self.DEPOT_PROXY_FIX = _count(env, "DEPOT_PROXY_FIX")
        # Rate limits count in the database, so every worker on every machine counts together.
        self.RATELIMIT_STORAGE_URI = "depot-db://"
        self.RATELIMIT_STRATEGY = "fixed-window"
        self.RATELIMIT_HEADERS_ENABLED = False
        self.DEPOT_LOGIN_LIMIT_ACCOUNT = env.get("DEPOT_LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes")
        self.DEPOT_LOGIN_LIMIT_ADDRESS = env.get("DEPOT_LOGIN_LIMIT_ADDRESS", "30 per 15 minutes")
        # Failed tries (a 404: an unknown RMA, a wrong phone, a bad link) one address may make
        # on the customer's pages, all of them together (depot/web/ratelimit.py).
        self.DEPOT_PUBLIC_LIMIT = env.get("DEPOT_PUBLIC_LIMIT", "10 per 10 minutes")


class TestConfig(Config):
    """A throwaway depot: its own database URL, a fixed secret, CSRF on as in production."""

    TESTING = True

    def __init__(self, database_url: str, instance_path: Path, **overrides: object) -> None:
        super().__init__(
            {
                "DEPOT_DATABASE_URL": database_url,
                "DEPOT_SECRET_KEY": "test-secret-not-for-production-use",
                "DEPOT_INSTANCE_PATH": str(instance_path),
                "DEPOT_OUTBOX_WORKER": "off",  # a test starts it where it tests it
                "DEPOT_JOBS_WORKER": "off",  # a test starts it where it tests it
            }
        )
        for key, value in overrides.items():
            setattr(self, key, value)


def default_instance() -> Path:
    """instance/ of the checkout Depot runs from (`make run`), else instance/ in the current
    folder: an installed package must not write into site-packages."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "app.py").is_file():
        return ROOT / "instance"
    return Path.cwd() / "instance"


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse to start with settings a depot must not run with (a test app may)."""
    if settings.get("TESTING"):
        return
    secret = settings.get("SECRET_KEY") or ""
    if len(secret.encode() if isinstance(secret, str) else secret) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"DEPOT_SECRET_KEY is too short: it needs at least {MIN_SECRET_BYTES} bytes. Make one "
            "with: python3 -c 'import secrets; print(secrets.token_hex(32))' (or leave it unset "
            "to use a random key kept in the instance folder).")


def _flag(env: dict[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{name} must be on or off (1/0, true/false), not {value!r}")


def _count(env: dict[str, str], name: str) -> int:
    value = env.get(name, "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number (how many proxies), not {value!r}")
    return int(value)


def _instance_secret(instance: Path) -> str:
    """A random secret kept in instance/ so sessions survive restarts on one machine.

    Production sets DEPOT_SECRET_KEY; this keeps secrets out of the repository either way.
    """
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
