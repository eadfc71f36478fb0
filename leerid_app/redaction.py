"""Every log line of the process without event payloads, client tokens or session tokens.

Reflex logs the whole event (with a password typed into a stale tab) when a handler name is
unknown, argument values when it cannot convert them, and client tokens with failed events;
a record factory cleans every record, whichever library made it, before any handler sees it.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

REDACTED = "<weggelaten>"

# A Reflex client token (a UUID) and a session/device token (43+ random URL-safe characters
# with at least one digit and one letter; state names and words have no digits).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RANDOM_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,128}"
    r"(?![A-Za-z0-9_-])"
)
# Where a value follows a key that carries user input: keep the key, drop what follows.
_PAYLOAD_KEY = re.compile(r"""(payload=|['"]payload['"]\s*:\s*|['"]vars['"]\s*:\s*)""")
_TRAILING = re.compile(
    r"""((?:Event data|event data|Failed to deserialize event data|but received)\s*:?\s*)(.+)"""
)
_WITH_VALUE = re.compile(r"""(with value\s+)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)""")
_COOKIE = re.compile(r"""(leerid_(?:session|device)=)[^;\s'"]+""")
_SECRET_FIELD = re.compile(
    r"""(['"](?:password|wachtwoord|new_password|token|session_token)['"]\s*:\s*)"""
    r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)
_OPEN = {"{": "}", "[": "]", "(": ")"}


def _skip_value(text: str, start: int) -> int:
    """The end of the (possibly nested) value that starts at ``start``."""
    if start >= len(text):
        return start
    opening = text[start]
    if opening in _OPEN:
        depth, quote, index = 0, "", start
        while index < len(text):
            char = text[index]
            if quote:
                if char == "\\":
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in _OPEN:
                depth += 1
            elif char in _OPEN.values():
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return len(text)
    match = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,)}\]\s]*""").match(text, start)
    return match.end() if match else start


def redact(text: str) -> str:
    """``text`` without event payloads, argument values, tokens and cookies."""
    if not text:
        return text
    pieces, position = [], 0
    for match in _PAYLOAD_KEY.finditer(text):
        if match.start() < position:
            continue
        pieces += [text[position : match.end()], REDACTED]
        position = _skip_value(text, match.end())
    text = "".join(pieces) + text[position:]
    text = _TRAILING.sub(lambda m: m.group(1) + REDACTED, text)
    text = _WITH_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SECRET_FIELD.sub(lambda m: m.group(1) + REDACTED, text)
    text = _COOKIE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _UUID.sub("<client>", text)
    return _RANDOM_TOKEN.sub("<token>", text)


def _clean(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what can be kept
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    # Only the cleaned text stays: a handler that formats exc_info itself (rich shows locals)
    # would bring the payload back.
    record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


_installed = False


def install() -> None:
    """Clean every log record of this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _clean(make_record(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
