"""Downloads built in a process of their own: reportlab and openpyxl hold the GIL meanwhile.

Built on a thread, 3,000 slips held the GIL of the worker that serves everyone else for more
than a second. One extra process per app worker is enough (downloads are rare and short); it
is started lazily with the spawn method (forking a threaded server is unsafe) and shut down
at exit. Only plain data crosses: the issued credentials go through the pool's pipe, in
memory, never through a file, and the download's bytes come back the same way. Spawning
imports the parent's main module again (as ``__mp_main__``): the Reflex CLI and pytest allow
that; a script of our own that builds downloads needs ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


# A download is waited for by one administrator; a click by everyone else: clicks go first.
NICENESS = 5


def _prepare_worker() -> None:
    """In the new process: lower its priority, import the builders, register the fonts."""
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    from leerid_app.services.exports import credentials_xlsx, slips_pdf  # noqa: F401

    slips_pdf.register_fonts()


def _pool_now() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_prepare_worker,
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a broken pool (its process was killed); the next build starts a fresh one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the worker process (at exit; tests call it too)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def worker_pid() -> int:
    """The process id of whoever runs this (a probe: which process builds the downloads)."""
    return os.getpid()


def start() -> None:
    """Start the worker process ahead of a download that may come: spawning takes a second."""
    with _lock:
        if _pool is not None:
            return
    _pool_now().submit(worker_pid)


async def build(builder: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a module-level builder in the download process and return what it built.

    A pool whose process died (killed, out of memory) is replaced once and the build retried.
    """
    loop = asyncio.get_running_loop()
    job = functools.partial(builder, *args, **kwargs)
    pool = _pool_now()
    try:
        return await loop.run_in_executor(pool, job)
    except BrokenProcessPool:
        _discard(pool)
        return await loop.run_in_executor(_pool_now(), job)
