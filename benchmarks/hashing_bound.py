"""The hashing lower bound's unit: one argon2id hash with the app's parameters, timed now."""

from __future__ import annotations

import statistics
import time

from leerid_app.services.hashing import PasswordHashing


def one_hash_seconds(hashing: PasswordHashing, samples: int = 20) -> float:
    """Median seconds of one hash after a short warm-up (the bound is N × this ÷ cores)."""
    for _ in range(3):
        hashing.hash("warm-up")
    timings = []
    for index in range(samples):
        start = time.perf_counter()
        hashing.hash(f"pw{index:05d}")
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)
