"""Hashing while the plan is read: kept hashes are reused, left-out ones dropped, jobs expire."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from leerid_app.services import bulk
from leerid_app.services.prehash import PrehashJob, PrehashStore, hash_plan


class CountingHashing:
    """A fast stand-in for argon2 that counts what it hashed (the pool is real)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.hashed: list[str] = []
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        time.sleep(self.delay)
        with self._lock:
            self.hashed.append(password)
        return f"hash-{password}"


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


PLAN = {pupil_id: f"pw{pupil_id}" for pupil_id in range(1, 21)}


async def _until_ready(job: PrehashJob, pupil_ids: list[int], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while job.ready(pupil_ids) < len(pupil_ids):
        assert time.monotonic() < deadline, "pre-hashing did not finish"
        await asyncio.sleep(0.005)


def test_a_plan_read_long_enough_saves_without_a_single_new_hash(pool) -> None:
    hashing = CountingHashing()

    async def run() -> tuple[list[str], list[tuple[int, int]], int]:
        job = PrehashJob(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        await _until_ready(job, list(PLAN))
        made_before = len(hashing.hashed)
        progress: list[tuple[int, int]] = []

        async def on_progress(done: int, total: int) -> None:
            progress.append((done, total))

        hashes = await job.hashes(list(PLAN.items()), on_progress=on_progress)
        assert len(hashing.hashed) == made_before  # zero new hashes at the click
        return hashes, progress, made_before

    hashes, progress, made = asyncio.run(run())
    assert hashes == [f"hash-pw{pupil_id}" for pupil_id in PLAN]
    assert made == len(PLAN)
    assert progress == [(20, 20)]  # the bar starts full: the work was done while reading


def test_a_left_out_pupils_hash_is_thrown_away_and_not_used(pool) -> None:
    hashing = CountingHashing()

    async def run() -> list[str]:
        job = PrehashJob(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        await _until_ready(job, list(PLAN))
        job.drop([7])
        assert job.ready([7]) == 0 and job.ready(list(PLAN)) == 19
        kept = [(pupil_id, pw) for pupil_id, pw in PLAN.items() if pupil_id != 7]
        return await job.hashes(kept)

    hashes = asyncio.run(run())
    assert "hash-pw7" not in hashes and len(hashes) == 19


def test_the_save_hashes_only_what_is_missing_and_reports_the_ready_part_first(pool) -> None:
    hashing = CountingHashing(delay=0.002)

    async def run() -> list[tuple[int, int]]:
        job = PrehashJob(dict(list(PLAN.items())[:10]), hashing=hashing, executor=pool)  # type: ignore[arg-type]
        await _until_ready(job, list(PLAN)[:10])
        progress: list[tuple[int, int]] = []

        async def on_progress(done: int, total: int) -> None:
            progress.append((done, total))

        # The click came before the rest: those are hashed now, once each.
        hashes = await job.hashes(list(PLAN.items()), on_progress=on_progress, progress_interval=0)
        assert hashes == [f"hash-pw{pupil_id}" for pupil_id in PLAN]
        return progress

    progress = asyncio.run(run())
    assert progress[0] == (10, 20) and progress[-1] == (20, 20)
    assert sorted(hashing.hashed) == sorted(PLAN.values())


def test_a_changed_password_for_the_same_pupil_is_hashed_afresh(pool) -> None:
    hashing = CountingHashing()

    async def run() -> list[str]:
        job = PrehashJob({1: "old"}, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        await _until_ready(job, [1])
        return await job.hashes([(1, "new")])

    assert asyncio.run(run()) == ["hash-new"]


def test_a_closed_job_keeps_nothing_and_starts_nothing(pool) -> None:
    hashing = CountingHashing(delay=0.01)

    async def run() -> int:
        job = PrehashJob(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        await asyncio.sleep(0.015)
        job.close()
        job.want({99: "later"})
        assert job.ready(list(PLAN)) == 0 and job.closed
        await asyncio.sleep(0.1)
        return len(hashing.hashed)

    made = asyncio.run(run())
    # Only what was already on the pool (a window of 2 × 2 workers) ran to its end.
    assert made <= 4
    assert "later" not in hashing.hashed


def test_the_store_gives_a_job_to_its_own_loop_only_and_discards_on_request(pool) -> None:
    store = PrehashStore()
    hashing = CountingHashing()

    async def start() -> str:
        plan_id = store.start(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        assert store.get(plan_id) is not None
        assert store.get("unknown") is None and store.get(None) is None  # type: ignore[arg-type]
        return plan_id

    plan_id = asyncio.run(start())

    async def later() -> None:
        # Another event loop (another worker process is the real case): nothing to reuse.
        assert store.get(plan_id) is None

    asyncio.run(later())
    assert len(store) == 0

    async def discard() -> None:
        other = store.start(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        job = store.get(other)
        assert job is not None
        store.discard(other)
        assert job.closed and store.get(other) is None
        store.discard(other)  # twice is harmless

    asyncio.run(discard())


def test_idle_jobs_expire_and_there_are_never_too_many(pool) -> None:
    hashing = CountingHashing()

    async def run() -> None:
        store = PrehashStore(idle_seconds=0.05, max_jobs=3)
        first = store.start({1: "a"}, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        job = store.get(first)
        await asyncio.sleep(0.1)
        assert store.get(first) is None and job is not None and job.closed
        ids = [store.start({n: "b"}, hashing=hashing, executor=pool) for n in range(5)]  # type: ignore[arg-type]
        assert len(store) == 3
        assert store.get(ids[0]) is None and store.get(ids[-1]) is not None

    asyncio.run(run())


def test_without_a_job_here_the_plan_is_hashed_in_full(pool, monkeypatch) -> None:
    hashing = CountingHashing()
    monkeypatch.setattr(bulk, "hashing_pool", lambda: pool)
    hashes = asyncio.run(
        hash_plan("from-another-worker", list(PLAN.items()), hashing=hashing, store=PrehashStore())  # type: ignore[arg-type]
    )
    assert hashes == [f"hash-pw{pupil_id}" for pupil_id in PLAN]
    assert len(hashing.hashed) == len(PLAN)


def test_a_save_is_not_queued_behind_a_whole_plan_being_read(pool) -> None:
    """Pre-hashing takes turns on the shared pool like any run: a small save finishes early."""
    hashing = CountingHashing(delay=0.02)

    async def run() -> tuple[float, float]:
        start = time.perf_counter()
        job = PrehashJob(  # type: ignore[arg-type]
            {n: f"big{n}" for n in range(200)}, hashing=hashing, executor=pool
        )
        await asyncio.sleep(0.05)
        small = await bulk.hash_passwords(
            [f"small{n}" for n in range(4)],
            hashing=hashing,  # type: ignore[arg-type]
            executor=pool,
        )
        assert small == [f"hash-small{n}" for n in range(4)]
        small_done = time.perf_counter() - start
        await job.hashes([(n, f"big{n}") for n in range(200)])
        return small_done, time.perf_counter() - start

    small, big = asyncio.run(run())
    assert small < big / 3


def test_a_job_closed_under_a_save_still_gives_every_hash(pool, monkeypatch) -> None:
    hashing = CountingHashing(delay=0.005)
    monkeypatch.setattr(bulk, "hashing_pool", lambda: pool)

    async def run() -> list[str]:
        job = PrehashJob(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        saving = asyncio.ensure_future(job.hashes(list(PLAN.items())))
        await asyncio.sleep(0.01)
        job.close()
        return await asyncio.wait_for(saving, 5)

    assert asyncio.run(run()) == [f"hash-pw{pupil_id}" for pupil_id in PLAN]


def test_outside_an_event_loop_nothing_starts_and_the_save_hashes_everything(pool) -> None:
    store = PrehashStore()
    assert store.start(PLAN, hashing=CountingHashing(), executor=pool) == ""  # type: ignore[arg-type]
    assert len(store) == 0 and store.get("") is None


def test_handler_threads_reach_the_job_on_its_own_loop(pool) -> None:
    """Handlers run on threads (state/off_loop.py): leave-out, take-back and discard still work."""
    hashing = CountingHashing()
    store = PrehashStore()

    async def run() -> None:
        plan_id = store.start(PLAN, hashing=hashing, executor=pool)  # type: ignore[arg-type]
        job = store.get(plan_id)
        assert job is not None
        await _until_ready(job, list(PLAN))
        await asyncio.to_thread(lambda: store.get(plan_id))  # no job from a thread, kept here
        assert store.get(plan_id) is job
        await asyncio.to_thread(store.drop, plan_id, [3])
        await asyncio.sleep(0.01)
        assert job.ready([3]) == 0
        await asyncio.to_thread(store.want, plan_id, {3: "pw3"})
        await _until_ready(job, [3])
        await asyncio.to_thread(store.discard, plan_id)
        await asyncio.sleep(0.01)
        assert job.closed and store.get(plan_id) is None

    asyncio.run(run())
