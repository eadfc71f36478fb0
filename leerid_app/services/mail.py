"""Mail to pupils: Dutch plain text + HTML; SMTP (STARTTLS) in production, an outbox in the demo.

A mail never holds a password: only a single-use link whose token the database knows by hash.
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from leerid_app.models import DemoMail
from leerid_app.services import clock
from leerid_app.settings import Settings, get_settings

log = logging.getLogger("leerid_app")

OUTBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class Mail:
    """One message to one pupil."""

    to: str
    subject: str
    text: str
    html: str


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def _html(
    school_name: str, paragraphs: list[str], link_label: str, link: str, closing: list[str]
) -> str:
    body = _paragraphs(paragraphs)
    return (
        '<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8">'
        f"<title>{html.escape(school_name)}</title></head>"
        '<body style="font-family:sans-serif;color:#1a1a1a;">'
        f'<h1 style="font-size:1.2em;">LeerID - {html.escape(school_name)}</h1>{body}'
        f'<p><a href="{html.escape(link, quote=True)}" style="color:#0b5c55;">'
        f"{html.escape(link_label)}</a></p>"
        f"<p>{html.escape(link)}</p>{_paragraphs(closing)}</body></html>"
    )


def _mail(
    to: str, subject: str, school_name: str, paragraphs: list[str], link_label: str, link: str
) -> Mail:
    closing = ["Met vriendelijke groeten,", f"Je LeerID-beheerder van {school_name}"]
    text = "\n\n".join([*paragraphs, f"{link_label}:\n{link}", "\n".join(closing)]) + "\n"
    return Mail(
        to=to,
        subject=subject,
        text=text,
        html=_html(school_name, paragraphs, link_label, link, closing),
    )


def confirmation_mail(to: str, *, school_name: str, first_name: str, link: str) -> Mail:
    """The mail that asks a pupil to confirm the e-mail address they want to link."""
    return _mail(
        to,
        f"Bevestig je e-mailadres voor je LeerID - {school_name}",
        school_name,
        [
            f"Dag {first_name},",
            "Je wil dit e-mailadres koppelen aan je LeerID. Klik op de link hieronder om dat "
            "te bevestigen. De link werkt één keer en blijft 24 uur geldig.",
            "Heb jij dit niet gevraagd? Dan hoef je niets te doen: er wordt niets gekoppeld.",
        ],
        "Bevestig je e-mailadres",
        link,
    )


def reset_mail(to: str, *, school_name: str, first_name: str, link: str) -> Mail:
    """The mail with a link to choose a new password (`Wachtwoord vergeten?`)."""
    return _mail(
        to,
        f"Kies een nieuw wachtwoord voor je LeerID - {school_name}",
        school_name,
        [
            f"Dag {first_name},",
            "Je hebt gevraagd om een nieuw wachtwoord voor je LeerID. Klik op de link "
            "hieronder om een nieuw wachtwoord te kiezen. De link werkt één keer en blijft "
            "30 minuten geldig.",
            "Heb jij dit niet gevraagd? Dan hoef je niets te doen: je wachtwoord blijft "
            "hetzelfde. Denk je dat iemand anders jouw LeerID gebruikt, contacteer dan zo "
            "snel mogelijk je LeerID-beheerder.",
        ],
        "Kies een nieuw wachtwoord",
        link,
    )


def _message(mail: Mail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="leerid.invalid")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def send_smtp(mail: Mail, settings: Settings, *, tls: ssl.SSLContext | None = None) -> None:
    """Send through the configured SMTP server, STARTTLS (verified) unless switched off."""
    assert settings.smtp_host
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=tls or ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password is not None:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(_message(mail, settings))


def deliver(mail: Mail, *, engine: Engine, settings: Settings | None = None) -> bool:
    """Send a mail the way this deployment sends: SMTP, else the demo outbox, else nowhere.

    Runs after the transaction that made the link committed (blocking I/O: call it off the
    event loop). A failure is logged, never raised: the pupil gets the same answer anyway.

    Returns:
        Whether the mail went out (or into the demo outbox).
    """
    settings = settings or get_settings()
    try:
        if settings.smtp_host:
            send_smtp(mail, settings)
            return True
        if settings.demo_mode:
            with Session(engine) as session:
                session.add(
                    DemoMail(
                        sent_at=clock.now(),
                        recipient=mail.to,
                        subject=mail.subject,
                        text_body=mail.text,
                        html_body=mail.html,
                    )
                )
                session.commit()
            return True
    except (OSError, smtplib.SMTPException):
        log.exception("mail to a pupil could not be sent")
        return False
    log.warning("no mail server configured (LEERID_SMTP_HOST): a pupil's mail was dropped")
    return False


@dataclass(frozen=True)
class OutboxMail:
    """One mail of the demo outbox as the `/demo/postvak` page shows it."""

    id: int
    sent_at: datetime
    recipient: str
    subject: str
    text: str


def outbox(session: Session, *, limit: int = OUTBOX_PAGE_SIZE) -> list[OutboxMail]:
    """The newest mails of the demo outbox."""
    rows = session.exec(
        select(DemoMail).order_by(col(DemoMail.id).desc()).limit(max(1, min(limit, 200)))
    ).all()
    return [
        OutboxMail(
            id=row.id or 0,
            sent_at=clock.as_utc(row.sent_at),
            recipient=row.recipient,
            subject=row.subject,
            text=row.text_body,
        )
        for row in rows
    ]
