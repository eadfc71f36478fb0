"""Handlers' blocking work (SQL, argon2, parsing) runs on threads, never on the event loop.

One worker's event loop serves every client connected to it: a query waiting for SQLite's
write lock or a password verification on the loop thread would stall all of them. Handlers
either await ``run_blocking`` for their blocking part, or, when the whole body is blocking
work, are decorated with ``off_loop`` under ``@rx.event``. The handler still holds its
client's state lock while the thread works, so no other event of that tab runs meanwhile.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Enough for every click of a busy worker plus a few writers waiting for SQLite's write lock;
# more would only queue for the database pool (15 connections on SQLite, 30 on PostgreSQL).
MAX_THREADS = 16

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _threads() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="leerid-handler")
        return _executor


async def run_blocking(work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``work`` on a handler thread, with the caller's context variables (Reflex's)."""
    context = contextvars.copy_context()
    job = functools.partial(context.run, work, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_threads(), job)


def off_loop(handler: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Make a synchronous event handler run its whole body on a handler thread.

    Use under ``@rx.event``; Reflex then sees a coroutine and awaits it, and the argument
    names and type hints stay the handler's own (``functools.wraps``).
    """

    @functools.wraps(handler)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await run_blocking(handler, *args, **kwargs)

    return run
