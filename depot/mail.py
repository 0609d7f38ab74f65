"""Mail: compose MIME messages (Chinese subjects and file names encoded), and hand them to an
SMTP server or, with no server configured, write them as .eml files to the outbox folder.

The outbox table (depot/services/outbox.py) keeps every message until it is delivered, so a
failure is retried and never lost; each message has one Message-ID, so it is never sent twice.
"""
from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from depot.config import PACKAGE
from depot.i18n import catalogue
from depot.words import list_separator, word

MAIL_TEMPLATES = PACKAGE / "templates" / "mail"
# A customer's language is not known yet: their mail is Chinese first, then English.
CUSTOMER_LANGUAGES = ("zh_CN", "en")


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


class DeliveryError(Exception):
    """The message could not be handed over; it stays in the outbox and is tried again."""


@lru_cache(maxsize=8)
def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
                             extensions=["jinja2.ext.i18n"], autoescape=False,
                             keep_trailing_newline=False, undefined=jinja2.StrictUndefined)
    env.install_gettext_translations(catalogue(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["word"] = partial(word, lang)  # codes in words: word('carrier', 'SF')
    env.globals["list_sep"] = partial(list_separator, lang)  # 甲、乙 in Chinese, "a, b" in English
    return env


def render_mail(template: str, languages: Sequence[str] = CUSTOMER_LANGUAGES,
                signature: str = "", **context: Any) -> tuple[str, str]:
    """(subject, text) of templates/mail/<template>.txt in each of `languages`, the reader's
    first: subjects joined with " / ", bodies one after another, then the signature."""
    subjects, bodies = [], []
    for lang in dict.fromkeys(languages):
        page = _environment(lang).get_template(f"{template}.txt")
        ctx = page.new_context(context)
        subjects.append("".join(page.blocks["subject"](ctx)).strip())
        bodies.append("".join(page.blocks["body"](ctx)).strip())
    text = "\n\n".join(bodies) + (f"\n\n{signature.strip()}\n" if signature.strip() else "\n")
    return " / ".join(dict.fromkeys(subjects)), text


def compose(*, sender: str, to: str, subject: str, text: str, html: str | None = None,
            attachments: tuple[MailAttachment, ...] = (), domain: str = "depot.local",
            message_id: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject  # the SMTP policy encodes non-ASCII as RFC 2047
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    message.set_content(text, charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        # A non-ASCII file name goes out as RFC 2231 (filename*=utf-8''…), which mail clients
        # in China (and everywhere else) show correctly.
        message.add_attachment(item.data, maintype=maintype, subtype=subtype,
                               filename=item.filename)
    return message


def deliver(raw: bytes, *, sender: str, recipients: list[str], smtp_url: str | None,
            outbox_dir: Path, name: str, timeout: float = 10.0) -> str:
    """Send over SMTP (smtp://host:port, smtps://… or smtp+starttls://…) or write `name`.eml.

    Returns where it went. Raises DeliveryError on any failure.
    """
    if not smtp_url:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        path = outbox_dir / f"{name}.eml"
        path.write_bytes(raw)
        return str(path)
    parts = urlsplit(smtp_url)
    host, port = parts.hostname or "localhost", parts.port
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=timeout)
        elif parts.scheme in ("smtp", "smtp+starttls"):
            client = smtplib.SMTP(host, port or 25, timeout=timeout)
        else:
            raise DeliveryError(f"unknown mail URL scheme {parts.scheme!r}")
        with client:
            if parts.scheme == "smtp+starttls":
                client.starttls()
            if parts.username:
                client.login(parts.username, parts.password or "")
            refused = client.sendmail(sender, recipients, raw)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if refused:
        raise DeliveryError(f"refused recipients: {', '.join(refused)}")
    return f"{host}:{port or 25}"
