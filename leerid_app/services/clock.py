"""The one school clock: UTC for storage, Europe/Brussels for days; injectable for tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SCHOOL_TIMEZONE = ZoneInfo("Europe/Brussels")

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def as_utc(moment: datetime) -> datetime:
    """A timestamp as aware UTC; SQLite hands back naive values that were stored as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def now() -> datetime:
    """The current time, aware UTC (from the injected source in tests)."""
    return as_utc(_source())


def now_or(moment: datetime | None) -> datetime:
    """``moment`` as UTC, or the current time when it is None (the services' ``now=`` idiom)."""
    return as_utc(moment) if moment is not None else now()


def local_time(moment: datetime) -> datetime:
    """A timestamp in the school's time zone."""
    return as_utc(moment).astimezone(SCHOOL_TIMEZONE)


def school_day(moment: datetime) -> date:
    """The calendar day in Brussels at ``moment``."""
    return local_time(moment).date()


def today() -> date:
    """Today in Brussels: decides status, file names and "inactive from" everywhere."""
    return school_day(now())


def day_start(day: date) -> datetime:
    """Midnight at the start of a Brussels day, as UTC (23 or 25 hours apart at DST changes)."""
    return datetime.combine(day, time.min, tzinfo=SCHOOL_TIMEZONE).astimezone(UTC)


def day_end(day: date) -> datetime:
    """Midnight at the end of a Brussels day (exclusive bound), as UTC."""
    return day_start(day + timedelta(days=1))


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Run with the clock stopped at ``moment`` (aware), for tests and reproducible runs."""
    global _source
    previous, fixed = _source, as_utc(moment)
    _source = lambda: fixed  # noqa: E731
    try:
        yield
    finally:
        _source = previous
