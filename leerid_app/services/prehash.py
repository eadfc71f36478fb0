"""Hashing while the administrator reads the plan: per-plan jobs, in this process's memory only.

The plan page shows the new passwords before `Bewaren en afdrukken`, so their argon2 hashes
can be made meanwhile on the shared hashing pool. Nothing is written: a job only holds hashes
in this process, keyed by a random plan id, and the save uses them once the administrator
clicked. A pupil left out loses its hash, `Annuleren` or leaving the page closes the job, and
an unused job expires. With several workers the click may reach one that has no job for the
plan: it then hashes everything, as without pre-hashing (correct, only slower).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from leerid_app.services import bulk
from leerid_app.services.bulk import ProgressCallback
from leerid_app.services.hashing import PasswordHashing
from leerid_app.settings import get_settings

# Proves that a kept hash belongs to the password asked for, without keeping a digest that a
# guess could be checked against outside this process.
_FINGERPRINT_KEY = secrets.token_bytes(32)

JOB_IDLE_SECONDS = 30 * 60
MAX_JOBS = 64


def _fingerprint(password: str) -> bytes:
    return hmac.new(_FINGERPRINT_KEY, password.encode("utf-8"), hashlib.sha256).digest()


class PrehashJob:
    """The hashes of one shown plan, made in plan order on the shared pool.

    Like a save (``bulk.hash_passwords``), a job keeps only a small window of hashes waiting on
    the pool, so other administrators' runs take turns with it. Runs on the event loop that
    created it; a job is used from that loop only.
    """

    def __init__(
        self,
        passwords: Mapping[int, str],
        *,
        hashing: PasswordHashing,
        executor: ThreadPoolExecutor | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._hashing = hashing
        self._pool = executor or bulk.hashing_pool()
        workers = getattr(self._pool, "_max_workers", None) or get_settings().hash_workers
        self._window = asyncio.Semaphore(2 * workers)
        # pupil id -> (fingerprint of the password, its hash task)
        self._tasks: dict[int, tuple[bytes, asyncio.Task[str]]] = {}
        self.hashes_made = 0  # hashes this job computed (a test and benchmark figure)
        self.closed = False
        self.want(passwords)

    @property
    def usable(self) -> bool:
        """Open, and on the running event loop (a job of another loop cannot be awaited)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return False
        return not self.closed and running is self._loop and not self._loop.is_closed()

    async def _hash(self, password: str) -> str:
        async with self._window:
            result = await self._loop.run_in_executor(self._pool, self._hashing.hash, password)
            self.hashes_made += 1
            return result

    def want(self, passwords: Mapping[int, str]) -> None:
        """Hash these pupils' passwords unless a hash of the same password is kept or on its way."""
        if self.closed:
            return
        for pupil_id, password in passwords.items():
            fingerprint = _fingerprint(password)
            kept = self._tasks.get(pupil_id)
            if kept and kept[0] == fingerprint and not kept[1].cancelled():
                continue
            if kept:
                kept[1].cancel()
            self._tasks[pupil_id] = (fingerprint, self._loop.create_task(self._hash(password)))

    def drop(self, pupil_ids: Sequence[int]) -> None:
        """Throw these pupils' hashes away (left out of the batch); not yet started: not made."""
        for pupil_id in pupil_ids:
            kept = self._tasks.pop(pupil_id, None)
            if kept:
                kept[1].cancel()

    def ready(self, pupil_ids: Sequence[int]) -> int:
        """How many of these pupils' hashes are made already."""
        return sum(
            1
            for pupil_id in pupil_ids
            if (kept := self._tasks.get(pupil_id))
            and kept[1].done()
            and not kept[1].cancelled()
            and kept[1].exception() is None
        )

    async def hashes(
        self,
        passwords: Sequence[tuple[int, str]],
        *,
        on_progress: ProgressCallback | None = None,
        progress_interval: float = 0.25,
    ) -> list[str]:
        """The hashes of exactly these (pupil, password) pairs, in order; the rest is dropped.

        Reports (done, total) at once, counting what was made while the plan was read, then
        at most every interval.
        """
        wanted = dict(passwords)
        self.drop([pupil_id for pupil_id in list(self._tasks) if pupil_id not in wanted])
        self.want(wanted)
        tasks = [self._tasks[pupil_id][1] for pupil_id, _ in passwords]
        total, done = len(tasks), sum(task.done() for task in tasks)
        last_report = self._loop.time()
        if on_progress and total:
            await on_progress(done, total)
        for finished in asyncio.as_completed([task for task in tasks if not task.done()]):
            await finished
            done += 1
            if on_progress and (
                self._loop.time() - last_report >= progress_interval or done == total
            ):
                last_report = self._loop.time()
                await on_progress(done, total)
        return [task.result() for task in tasks]

    def close(self) -> None:
        """Throw everything away; hashes still on the pool finish there unseen."""
        self.closed = True
        for _, task in self._tasks.values():
            task.cancel()
        self._tasks.clear()


class PrehashStore:
    """This process's jobs by plan id; idle ones expire, and there are never too many."""

    def __init__(self, *, idle_seconds: float = JOB_IDLE_SECONDS, max_jobs: int = MAX_JOBS) -> None:
        self._jobs: OrderedDict[str, tuple[float, PrehashJob]] = OrderedDict()
        self._idle_seconds = idle_seconds
        self._max_jobs = max_jobs

    def _prune(self, now: float) -> None:
        for plan_id, (last_used, job) in list(self._jobs.items()):
            if now - last_used > self._idle_seconds or job.closed:
                self.discard(plan_id)
        while len(self._jobs) > self._max_jobs:
            _, (_, job) = self._jobs.popitem(last=False)
            job.close()

    def start(
        self,
        passwords: Mapping[int, str],
        *,
        hashing: PasswordHashing,
        executor: ThreadPoolExecutor | None = None,
    ) -> str:
        """Begin hashing a shown plan (in the running event loop); returns its random plan id."""
        now = time.monotonic()
        self._prune(now)
        plan_id = secrets.token_urlsafe(16)
        self._jobs[plan_id] = (now, PrehashJob(passwords, hashing=hashing, executor=executor))
        self._prune(now)
        return plan_id

    def get(self, plan_id: str) -> PrehashJob | None:
        """The plan's job, if this process has a usable one."""
        now = time.monotonic()
        self._prune(now)
        found = self._jobs.get(plan_id) if isinstance(plan_id, str) else None
        if found is None:
            return None
        if not found[1].usable:
            self.discard(plan_id)  # its event loop is gone (a restarted worker, a test's loop)
            return None
        self._jobs[plan_id] = (now, found[1])
        self._jobs.move_to_end(plan_id)
        return found[1]

    def discard(self, plan_id: str) -> None:
        """Close the plan's job, if any (`Annuleren`, leaving, after the save)."""
        found = self._jobs.pop(plan_id, None) if isinstance(plan_id, str) else None
        if found:
            found[1].close()

    def __len__(self) -> int:
        return len(self._jobs)


PLANS = PrehashStore()


async def hash_plan(
    plan_id: str,
    passwords: Sequence[tuple[int, str]],
    *,
    hashing: PasswordHashing,
    on_progress: ProgressCallback | None = None,
    store: PrehashStore = PLANS,
) -> list[str]:
    """The hashes of the (pupil, password) pairs being saved: from the plan's job, if here."""
    job = store.get(plan_id)
    if job is None:
        # Another worker showed the plan, or it expired: the bound path.
        return await bulk.hash_passwords(
            [password for _, password in passwords], hashing=hashing, on_progress=on_progress
        )
    return await job.hashes(passwords, on_progress=on_progress)
