"""Hashing and building a slip never block the event loop other administrators share."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from leerid_app import routes
from leerid_app.services.hashing import PasswordHashing
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState
from tests.state.test_handlers_security import ADMIN, ARDALAN, PIETER, downloads, log_in, on_route

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

SLOW = 0.4  # seconds one hash takes in this test


@pytest.fixture
def slow_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = PasswordHashing.hash

    def slow(self: PasswordHashing, password: str) -> str:
        time.sleep(SLOW)  # like argon2 on a busy machine: holds the thread, not the loop
        return real(self, password)

    monkeypatch.setattr(PasswordHashing, "hash", slow)


async def _longest_stall(work) -> tuple[float, object]:
    """Run ``work`` while a ticker measures the longest time the loop did not answer."""
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            stalls.append(time.perf_counter() - before - 0.01)

    task = asyncio.create_task(ticker())
    try:
        result = await work
    finally:
        done.set()
        await task
    return max(stalls), result


def test_single_activation_hashes_and_builds_the_slip_off_the_loop(
    demo_db: DemoDb, tree: StateTree, slow_hashing: None
) -> None:
    log_in(tree, demo_db, ADMIN)
    on_route(tree, routes.pupil_detail(demo_db.pupil_id(PIETER)))
    tree.run(PupilDetailState.load)

    stall, result = asyncio.run(_longest_stall(tree.arun(PupilDetailState.activate)))

    assert len(downloads(result)) == 1
    assert stall < SLOW / 2


def test_saving_a_new_password_hashes_and_builds_the_slip_off_the_loop(
    demo_db: DemoDb, tree: StateTree, slow_hashing: None
) -> None:
    log_in(tree, demo_db, ADMIN)
    on_route(tree, routes.pupil_edit(demo_db.pupil_id(ARDALAN)))
    tree.run(EditCredentialsState.load_edit)
    tree.run(EditCredentialsState.generate_password)

    stall, result = asyncio.run(_longest_stall(tree.arun(EditCredentialsState.save)))

    assert len(downloads(result)) == 1
    assert stall < SLOW / 2
