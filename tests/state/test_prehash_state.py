"""Hashing while the administrator reads the plan, through the bulk page's handlers.

All events of a test run in one event loop, as in one worker: the plan's hashes are made on
the real pool with real argon2 while the test "reads", and the save then uses them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

import leerid_app.state.bulk
from leerid_app.services import prehash
from leerid_app.services.audit import AuditAction
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.state.bulk import PLAN, RESULT, BulkState
from leerid_app.state.pupils import PupilListState
from tests.state.conftest import DemoDb, StateTree
from tests.state.test_handlers_security import ADMIN, log_in


class CountingHashing:
    """The app's real hasher, counting the hashes made."""

    def __init__(self, real: PasswordHashing) -> None:
        self.real = real
        self.made = 0
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        result = self.real.hash(password)
        with self._lock:
            self.made += 1
        return result

    def verify(self, password_hash: str, password: str) -> bool:
        return self.real.verify(password_hash, password)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingHashing:
    hashing = CountingHashing(get_password_hashing())
    monkeypatch.setattr(leerid_app.state.bulk, "get_password_hashing", lambda: hashing)
    return hashing


def _in_one_loop(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


async def _plan_a_class(demo_db: DemoDb, tree: StateTree) -> dict[int, str]:
    """A plan of one class (19 renewable accounts in the demo), its passwords by pupil."""
    await asyncio.to_thread(log_in, tree, demo_db, ADMIN)
    await tree.arun(PupilListState.load)
    await tree.arun(PupilListState.set_group, "6de leerjaar")
    await tree.arun(PupilListState.set_status, "Actief")
    await tree.arun(PupilListState.select_all_matching)
    await tree.arun(BulkState.prepare_renewal)
    bulk = tree.get(BulkState)
    planned = {item.pupil.pupil_id: item.password for item in bulk._planned}
    assert 10 <= len(planned) <= 60
    return planned


async def _read_until_hashed(job: prehash.PrehashJob, pupil_ids: list[int]) -> None:
    deadline = time.monotonic() + 30
    while job.ready(pupil_ids) < len(pupil_ids):
        assert time.monotonic() < deadline, "pre-hashing did not finish"
        await asyncio.sleep(0.02)


def test_a_plan_hashed_while_read_is_saved_without_new_hashes(
    demo_db: DemoDb, tree: StateTree, counting: CountingHashing
) -> None:
    async def test() -> None:
        before = await asyncio.to_thread(demo_db.accounts)
        planned = await _plan_a_class(demo_db, tree)
        audit_before = len(await asyncio.to_thread(demo_db.audit))
        bulk = tree.get(BulkState)
        job = prehash.PLANS.get(bulk._plan_id)
        assert job is not None
        await _read_until_hashed(job, list(planned))
        # Nothing is written before the click: accounts and the log are as they were.
        assert (await asyncio.to_thread(demo_db.accounts)) == before
        assert len(await asyncio.to_thread(demo_db.audit)) == audit_before
        assert not (await asyncio.to_thread(demo_db.audit, AuditAction.PASSWORD_RENEWED))
        left_out = sorted(planned)[3]
        await tree.arun(BulkState.toggle_included, left_out, False)
        assert job.ready([left_out]) == 0  # its hash is thrown away
        made_while_reading = counting.made
        assert made_while_reading == len(planned)

        tree.deltas.clear()
        await tree.arun(BulkState.save, True)
        assert bulk.phase == RESULT and bulk.result_total == len(planned) - 1
        assert counting.made == made_while_reading  # the click made no new hash
        # The bar started at the work already done.
        first = next(d for d in tree.deltas if BulkState.get_full_name() in d)
        assert first[BulkState.get_full_name()]["progress_done_rx_state_"] == len(planned) - 1
        assert prehash.PLANS.get(bulk._plan_id) is None and job.closed

        after = await asyncio.to_thread(demo_db.accounts)
        assert after[left_out] == before[left_out]
        for pupil_id, password in planned.items():
            if pupil_id != left_out:
                assert await asyncio.to_thread(counting.verify, after[pupil_id][2], password)

    _in_one_loop(test)


def test_annuleren_throws_the_plans_hashes_away_and_writes_nothing(
    demo_db: DemoDb, tree: StateTree, counting: CountingHashing
) -> None:
    async def test() -> None:
        before = await asyncio.to_thread(demo_db.accounts)
        await _plan_a_class(demo_db, tree)
        audit_before = len(await asyncio.to_thread(demo_db.audit))
        bulk = tree.get(BulkState)
        plan_id = bulk._plan_id
        job = prehash.PLANS.get(plan_id)
        assert job is not None
        await asyncio.sleep(0.05)
        await tree.arun(BulkState.cancel)
        assert job.closed and prehash.PLANS.get(plan_id) is None
        assert bulk._plan_id == "" and bulk._planned == [] and bulk.phase == PLAN
        made = counting.made
        await asyncio.sleep(0.3)
        # At most the window already on the pool finishes; nothing new starts.
        assert counting.made <= made + 8
        assert (await asyncio.to_thread(demo_db.accounts)) == before
        assert len(await asyncio.to_thread(demo_db.audit)) == audit_before

    _in_one_loop(test)


def test_leaving_the_page_or_logging_out_throws_the_hashes_away(
    demo_db: DemoDb, tree: StateTree, counting: CountingHashing
) -> None:
    async def test() -> None:
        await _plan_a_class(demo_db, tree)
        job = prehash.PLANS.get(tree.get(BulkState)._plan_id)
        assert job is not None
        await tree.arun(BulkState.discard)  # on_load of every other page
        assert job.closed

        await tree.arun(BulkState.prepare_renewal)
        job = prehash.PLANS.get(tree.get(BulkState)._plan_id)
        assert job is not None
        await asyncio.to_thread(
            demo_db.end_session, tree.get(leerid_app.state.bulk.AuthState).session_token
        )
        await tree.arun(PupilListState.load)  # the session gate wipes the tab
        assert job.closed and tree.get(BulkState)._plan_id == ""

    _in_one_loop(test)


def test_a_click_on_a_worker_without_the_plans_hashes_hashes_everything(
    demo_db: DemoDb, tree: StateTree, counting: CountingHashing
) -> None:
    async def test() -> None:
        planned = await _plan_a_class(demo_db, tree)
        bulk = tree.get(BulkState)
        prehash.PLANS.discard(bulk._plan_id)  # as if this worker never showed the plan
        made = counting.made
        await tree.arun(BulkState.save, True)
        assert bulk.phase == RESULT and bulk.result_total == len(planned)
        assert counting.made - made == len(planned)
        after = await asyncio.to_thread(demo_db.accounts)
        for pupil_id, password in list(planned.items())[:3]:
            assert await asyncio.to_thread(counting.verify, after[pupil_id][2], password)
        assert await asyncio.to_thread(demo_db.audit, AuditAction.BULK_PASSWORDS_RENEWED)

    _in_one_loop(test)


def test_a_pupil_left_out_and_taken_back_is_hashed_again(
    demo_db: DemoDb, tree: StateTree, counting: CountingHashing
) -> None:
    async def test() -> None:
        planned = await _plan_a_class(demo_db, tree)
        bulk = tree.get(BulkState)
        job = prehash.PLANS.get(bulk._plan_id)
        assert job is not None
        await _read_until_hashed(job, list(planned))
        pupil_id = sorted(planned)[0]
        await tree.arun(BulkState.toggle_included, pupil_id, False)
        await tree.arun(BulkState.toggle_included, pupil_id, True)
        await tree.arun(BulkState.save, True)
        assert counting.made == len(planned) + 1
        after = await asyncio.to_thread(demo_db.accounts)
        assert await asyncio.to_thread(counting.verify, after[pupil_id][2], planned[pupil_id])

    _in_one_loop(test)
