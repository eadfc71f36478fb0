"""Downloads are built in a process of their own, which comes back after it was killed."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import pytest

from leerid_app.services.exports import process
from leerid_app.services.exports.credentials_xlsx import build_credentials_xlsx
from leerid_app.services.exports.slips_pdf import build_slips_pdf
from tests.services.test_exports import ABDULGHANI, AMANI, ARDALAN, SCHOOL, pdf_text, read_sheet


def _cells(xlsx: bytes) -> list[tuple[object, ...]]:
    return list(read_sheet(xlsx).iter_rows(values_only=True))


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    """Each test starts and ends without a download process."""
    process.shutdown()
    yield
    process.shutdown()


def test_downloads_are_built_in_another_process(fresh_pool: None) -> None:
    async def build() -> tuple[int, bytes, bytes]:
        pid = await process.build(process.worker_pid)
        pdf = await process.build(build_slips_pdf, [ARDALAN, AMANI], school_name=SCHOOL)
        xlsx = await process.build(build_credentials_xlsx, [ABDULGHANI])
        return pid, pdf, xlsx

    pid, pdf, xlsx = asyncio.run(build())

    assert pid != os.getpid()
    # The same files as built in this process: the plain data crossed intact.
    assert pdf_text(pdf) == pdf_text(build_slips_pdf([ARDALAN, AMANI], school_name=SCHOOL))
    assert _cells(xlsx) == _cells(build_credentials_xlsx([ABDULGHANI]))


def test_one_process_serves_every_build(fresh_pool: None) -> None:
    async def pids() -> set[int]:
        process.start()
        return {await process.build(process.worker_pid) for _ in range(3)}

    assert len(asyncio.run(pids())) == 1


def test_a_killed_download_process_is_replaced(fresh_pool: None) -> None:
    first = asyncio.run(process.build(process.worker_pid))
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(first, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)

    second = asyncio.run(process.build(process.worker_pid))

    assert second not in (first, os.getpid())
    assert asyncio.run(process.build(build_slips_pdf, [ARDALAN], school_name=SCHOOL))[:4] == b"%PDF"
