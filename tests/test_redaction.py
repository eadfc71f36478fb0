"""No log line carries an event payload, a client token, a session token or a cookie."""

from __future__ import annotations

import logging
import uuid

import pytest
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import _prepare_event_payload

from leerid_app import redaction
from leerid_app.services.identity import sessions
from leerid_app.state.pupils import PupilListState

PASSWORD = "Geheim-wachtwoord-42"


@pytest.fixture(autouse=True)
def installed() -> None:
    redaction.install()


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(caplog.text.splitlines())


def test_an_unknown_handler_is_logged_without_its_payload_or_token(caplog) -> None:
    client_token = str(uuid.uuid4())
    event = Event(
        name="reflex___state____state.leerid_app___state___auth____auth_state.log_in_oud",
        router_data={"pathname": "/aanmelden", "token": client_token},
        payload={"form_data": {"username": "beheerder", "password": PASSWORD}},
    )
    logger = logging.getLogger("reflex_base.event.processor.event_processor")
    try:
        raise KeyError(event.name)
    except KeyError:
        logger.exception(f"Error processing event queue entry for {event} [txid=abc]:")
    logger.warning("Attempting to send delta to disconnected client %r", client_token)
    text = _logged(caplog)
    assert "log_in_oud" in text  # the handler name stays: it is what one needs to debug
    assert PASSWORD not in text
    assert "beheerder" not in text
    assert client_token not in text
    assert "KeyError" in text


def test_argument_conversion_warnings_do_not_show_the_value(caplog) -> None:
    handler = PupilListState.event_handlers["go_to_page"]
    caplog.set_level(logging.WARNING)
    assert _prepare_event_payload(handler, {"page": PASSWORD}) == {"page": PASSWORD}
    assert "go_to_page" in caplog.text
    assert PASSWORD not in caplog.text


def test_tokens_cookies_and_password_fields_are_redacted() -> None:
    token = sessions.new_token()
    line = (
        f"cookie: leerid_session={token}; leerid_device=abc.123.def "
        f"ws?token={uuid.uuid4()} {{'password': '{PASSWORD}'}} Event data: {{'x': '{PASSWORD}'}}"
    )
    cleaned = redaction.redact(line)
    assert token not in cleaned and PASSWORD not in cleaned and "abc.123.def" not in cleaned
    assert "token=<client>" in cleaned
    assert redaction.redact("leerid_app___state___auth____auth_state.load") == (
        "leerid_app___state___auth____auth_state.load"
    )
