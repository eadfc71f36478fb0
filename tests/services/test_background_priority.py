"""Bulk hashing and download building give way to everyone's clicks (a lower CPU priority)."""

from __future__ import annotations

import asyncio
import os
import threading

from leerid_app.services import bulk
from leerid_app.services.exports import process


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_hashing_threads_run_at_a_lower_priority_than_the_event_loop() -> None:
    mine = _niceness()
    theirs = bulk.hashing_pool().submit(_niceness).result()
    assert theirs == min(19, mine + bulk.HASHING_NICENESS)
    assert _niceness() == mine  # the caller's thread is left as it was


def test_the_download_process_runs_at_a_lower_priority() -> None:
    process.shutdown()
    try:
        theirs = asyncio.run(process.build(os.getpriority, os.PRIO_PROCESS, 0))
    finally:
        process.shutdown()
    assert theirs == min(19, os.getpriority(os.PRIO_PROCESS, 0) + process.NICENESS)
