"""Reads marked read-only never wait for a writer (a bulk save must not freeze other lists)."""

import threading
import time

from sqlmodel import Session, select

from leerid_app.db import READ_ONLY
from leerid_app.models import School


def test_a_read_only_session_does_not_wait_for_an_open_write(engine) -> None:
    with Session(engine) as setup:
        setup.add(School(name="A"))
        setup.commit()
    write_started, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with Session(engine) as writer:
            writer.add(School(name="B"))
            writer.flush()  # holds the write lock (SQLite: since BEGIN IMMEDIATE)
            write_started.set()
            release.wait(10)
            writer.commit()

    thread = threading.Thread(target=long_write)
    thread.start()
    try:
        assert write_started.wait(10)
        started = time.perf_counter()
        with Session(engine.execution_options(**{READ_ONLY: True})) as reader:
            names = list(reader.exec(select(School.name)))
        waited = time.perf_counter() - started
    finally:
        release.set()
        thread.join()
    assert names == ["A"]  # the snapshot before the uncommitted write
    assert waited < 1.0
