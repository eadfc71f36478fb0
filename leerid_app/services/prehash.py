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
import functools
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    the pool, so other administrators' runs take turns with it; one driver task feeds the
    window, so a whole school's plan costs the event loop next to nothing to start. A job
    belongs to the event loop that created it.
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
        # Not yet on the pool, in plan order; the plain text leaves the job once it is hashed.
        self._pending: OrderedDict[int, str] = OrderedDict(passwords)
        # On the pool or made: pupil id -> (fingerprint of the password, the hash's future).
        self._entries: dict[int, tuple[bytes, asyncio.Future[str]]] = {}
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        # Pupils whose current future's done-callback ran (a future reads done a moment sooner).
        self._finished_ids: set[int] = set()
        self._waiting: set[int] = set()
        self._waiting_done = 0
        self.hashes_made = 0  # hashes this job computed (a test and benchmark figure)
        self.closed = False
        self._driver = self._loop.create_task(self._drive())
        self._wake.set()

    def _on_own_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def call(self, method: Callable[..., None], *args: object) -> None:
        """Run a method of this job on its loop, from any thread (handlers run on threads)."""
        if self._on_own_loop():
            method(*args)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(method, *args)
        else:
            self.closed = True

    @property
    def usable(self) -> bool:
        """Open, and on the running event loop (a job of another loop cannot be awaited)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return False
        return not self.closed and running is self._loop and not self._loop.is_closed()

    async def _drive(self) -> None:
        try:
            await self._feed()
        finally:
            # Cancelled with its loop (a worker stopping): nothing may call back into it.
            for _, future in self._entries.values():
                future.cancel()

    async def _feed(self) -> None:
        while not self.closed:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._window.acquire()
            if not self._pending or self.closed:
                self._window.release()
                continue
            pupil_id, password = self._pending.popitem(last=False)
            future = self._loop.run_in_executor(self._pool, self._hashing.hash, password)
            self._entries[pupil_id] = (_fingerprint(password), future)
            future.add_done_callback(functools.partial(self._finished, pupil_id))

    def _finished(self, pupil_id: int, future: asyncio.Future[str]) -> None:
        self._window.release()
        if not future.cancelled() and future.exception() is None:
            self.hashes_made += 1
        current = self._entries.get(pupil_id)
        if current and current[1] is future and not future.cancelled():
            self._finished_ids.add(pupil_id)
            if pupil_id in self._waiting:
                self._waiting_done += 1
                self._progress.set()

    def want(self, passwords: Mapping[int, str]) -> None:
        """Hash these pupils' passwords unless a hash of the same password is kept or on its way."""
        if self.closed:
            return
        for pupil_id, password in passwords.items():
            if pupil_id in self._pending:
                self._pending[pupil_id] = password
                continue
            kept = self._entries.get(pupil_id)
            if kept and kept[0] == _fingerprint(password) and not kept[1].cancelled():
                continue
            if kept:
                self._forget(pupil_id)
            self._pending[pupil_id] = password
        if self._pending:
            self._wake.set()

    def _forget(self, pupil_id: int) -> None:
        self._finished_ids.discard(pupil_id)
        self._pending.pop(pupil_id, None)
        kept = self._entries.pop(pupil_id, None)
        if kept:
            kept[1].cancel()

    def drop(self, pupil_ids: Iterable[int]) -> None:
        """Throw these pupils' hashes away (left out of the batch); not yet started: not made."""
        for pupil_id in pupil_ids:
            self._forget(pupil_id)

    def _made(self, pupil_id: int) -> bool:
        return pupil_id in self._finished_ids

    def ready(self, pupil_ids: Iterable[int]) -> int:
        """How many of these pupils' hashes are made already."""
        return sum(1 for pupil_id in pupil_ids if self._made(pupil_id))

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
        self.drop([p for p in [*self._pending, *self._entries] if p not in wanted])
        self.want(wanted)
        total = len(wanted)
        self._waiting = set(wanted)
        self._waiting_done = self.ready(wanted)
        last_report = self._loop.time()
        try:
            if on_progress and total:
                await on_progress(self._waiting_done, total)
            while self._waiting_done < total:
                self._progress.clear()
                await self._progress.wait()
                if self.closed:
                    # Closed under a save (should not happen): hash it all, never hang.
                    return await bulk.hash_passwords(
                        [password for _, password in passwords],
                        hashing=self._hashing,
                        on_progress=on_progress,
                        executor=self._pool,
                    )
                done = self._waiting_done
                if on_progress and (
                    self._loop.time() - last_report >= progress_interval or done == total
                ):
                    last_report = self._loop.time()
                    await on_progress(done, total)
            # A failed hash raises here, as in bulk.hash_passwords.
            return [self._entries[pupil_id][1].result() for pupil_id, _ in passwords]
        finally:
            self._waiting = set()

    def close(self) -> None:
        """Throw everything away; hashes already on the pool finish there unseen."""
        self.closed = True
        self._pending.clear()
        self._finished_ids.clear()
        if not self._loop.is_closed():
            self._driver.cancel()
            for _, future in self._entries.values():
                future.cancel()
            self._progress.set()
        self._entries.clear()


class PrehashStore:
    """This process's jobs by plan id; idle ones expire, and there are never too many.

    Handlers may call it from their threads: the table is locked, and a job is only ever
    changed on its own event loop.
    """

    def __init__(self, *, idle_seconds: float = JOB_IDLE_SECONDS, max_jobs: int = MAX_JOBS) -> None:
        self._jobs: OrderedDict[str, tuple[float, PrehashJob]] = OrderedDict()
        self._idle_seconds = idle_seconds
        self._max_jobs = max_jobs
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        with self._lock:
            gone = [
                plan_id
                for plan_id, (last_used, job) in self._jobs.items()
                if now - last_used > self._idle_seconds or job.closed
            ]
            closing = [self._jobs.pop(plan_id)[1] for plan_id in gone]
            while len(self._jobs) > self._max_jobs:
                closing.append(self._jobs.popitem(last=False)[1][1])
        for job in closing:
            job.call(job.close)

    def start(
        self,
        passwords: Mapping[int, str],
        *,
        hashing: PasswordHashing,
        executor: ThreadPoolExecutor | None = None,
    ) -> str:
        """Begin hashing a shown plan in the running event loop; returns its random plan id.

        Called outside an event loop (a worker thread), it starts nothing and returns "":
        the save then hashes everything, as without pre-hashing.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return ""
        now = time.monotonic()
        self._prune(now)
        plan_id = secrets.token_urlsafe(16)
        job = PrehashJob(passwords, hashing=hashing, executor=executor)
        with self._lock:
            self._jobs[plan_id] = (now, job)
        self._prune(now)
        return plan_id

    def _touch(self, plan_id: str) -> PrehashJob | None:
        now = time.monotonic()
        self._prune(now)
        with self._lock:
            found = self._jobs.get(plan_id) if isinstance(plan_id, str) else None
            if found is None:
                return None
            self._jobs[plan_id] = (now, found[1])
            self._jobs.move_to_end(plan_id)
            return found[1]

    def get(self, plan_id: str) -> PrehashJob | None:
        """The plan's job, if this process has one usable from the running event loop."""
        job = self._touch(plan_id)
        if job is None:
            return None
        if job._loop.is_closed():
            self.discard(plan_id)  # its event loop is gone (a stopped worker, a test's loop)
            return None
        return job if job.usable else None

    def want(self, plan_id: str, passwords: Mapping[int, str]) -> None:
        """A pupil taken back into the batch: hash it (from any thread)."""
        if job := self._touch(plan_id):
            job.call(job.want, dict(passwords))

    def drop(self, plan_id: str, pupil_ids: Iterable[int]) -> None:
        """A pupil left out: throw its hash away (from any thread)."""
        if job := self._touch(plan_id):
            job.call(job.drop, list(pupil_ids))

    def discard(self, plan_id: str) -> None:
        """Close the plan's job, if any (`Annuleren`, leaving, after the save), from any thread."""
        with self._lock:
            found = self._jobs.pop(plan_id, None) if isinstance(plan_id, str) else None
        if found:
            found[1].call(found[1].close)

    def __len__(self) -> int:
        with self._lock:
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
