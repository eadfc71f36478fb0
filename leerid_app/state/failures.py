"""What the browser hears when an event fails: a Dutch message; a traceback only when unexpected."""

import reflex as rx
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from reflex.event import EventSpec
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from leerid_app import texts
from leerid_app.state.guard import log

# The database or the state store gone for a moment: an operational event, not a bug.
_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError)
_STATE_STORE_DOWN = (RedisConnectionError, RedisTimeoutError)


def _database_unavailable(exception: BaseException) -> bool:
    if isinstance(exception, _UNAVAILABLE):
        return True
    return isinstance(exception, DBAPIError) and exception.connection_invalidated


def _toast(message: str) -> EventSpec:
    return rx.toast.error(message, id="backend_error", position="top-center", duration=10_000)


# No postponed annotations here: Reflex checks this signature's types at start-up.
def backend_exception_handler(exception: Exception) -> EventSpec:
    """Reflex's hook for an event that raised (rx.App(backend_exception_handler=...))."""
    if _database_unavailable(exception):
        log.warning("database unavailable during an event: %s", type(exception).__name__)
        return _toast(texts.DATABASE_UNAVAILABLE)
    if isinstance(exception, _STATE_STORE_DOWN):
        log.warning("state store unavailable during an event: %s", type(exception).__name__)
        return _toast(texts.DATABASE_UNAVAILABLE)
    log.error("unexpected error in an event", exc_info=exception)
    return _toast(texts.UNEXPECTED_ERROR)
