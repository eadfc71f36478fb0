"""Mail through a real SMTP server (aiosmtpd, with and without STARTTLS) and the demo outbox."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from leerid_app.models import DemoMail
from leerid_app.services import mail
from leerid_app.settings import Settings

LINK = "http://localhost:3000/leerlingloket/e-mail-bevestigen?token=abc"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _confirmation() -> mail.Mail:
    return mail.confirmation_mail(
        "tim@ond.vlaanderen.be",
        school_name="BRUSSEL-STAD - TEST School 2",
        first_name="Tim",
        link=LINK,
    )


def test_a_mail_goes_out_by_smtp_in_dutch_text_and_html(inbox) -> None:
    handler, port = inbox
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    assert mail.deliver(_confirmation(), engine=None, settings=settings)  # type: ignore[arg-type]
    (message,) = handler.messages
    assert message["To"] == "tim@ond.vlaanderen.be"
    assert "Bevestig je e-mailadres" in message["Subject"]
    parts = {part.get_content_type(): part for part in message.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode()
    html = parts["text/html"].get_payload(decode=True).decode()
    assert "BRUSSEL-STAD - TEST School 2" in text and LINK in text and "Dag Tim" in text
    assert 'lang="nl-BE"' in html and LINK.replace("&", "&amp;") in html


@pytest.fixture
def tls_inbox(tmp_path: Path) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    handler, port = Inbox(), _free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True
    )
    controller.start()
    yield handler, port, ssl.create_default_context(cafile=str(cert))
    controller.stop()


def test_starttls_is_used_and_verified(tls_inbox) -> None:
    handler, port, client_tls = tls_inbox
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=True)
    mail.send_smtp(_confirmation(), settings, tls=client_tls)
    assert len(handler.messages) == 1
    # Without trusting the server's certificate nothing is sent.
    with pytest.raises(ssl.SSLError):
        mail.send_smtp(_confirmation(), settings)
    assert len(handler.messages) == 1


def test_a_refusing_server_is_logged_not_raised() -> None:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_starttls=False)
    assert not mail.deliver(_confirmation(), engine=None, settings=settings)  # type: ignore[arg-type]


def test_demo_mode_puts_mail_in_the_outbox(engine) -> None:
    settings = Settings(demo_mode=True)
    assert mail.deliver(_confirmation(), engine=engine, settings=settings)
    with Session(engine) as session:
        (row,) = session.exec(select(DemoMail)).all()
        assert row.recipient == "tim@ond.vlaanderen.be"
        assert mail.outbox(session)[0].text.startswith("Dag Tim")
    # Neither SMTP nor demo mode: the mail is dropped (and logged), never an error.
    assert not mail.deliver(_confirmation(), engine=engine, settings=Settings())
