"""The school's calendar: today's date in Brussels and the end of the school year."""

from __future__ import annotations

from datetime import UTC, date, datetime

from leerid_app.services.dates import SCHOOL_TIMEZONE


def school_today(now: datetime | None = None) -> date:
    """Today's date in Europe/Brussels; ``now`` (timezone-aware) is injected by tests."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SCHOOL_TIMEZONE).date()


def school_year_end(today: date) -> date:
    """31 August that closes the current school year (which starts on 1 September)."""
    return date(today.year + 1 if today.month >= 9 else today.year, 8, 31)


def school_year_start(today: date) -> date:
    """1 September that opened the current school year."""
    return date(school_year_end(today).year - 1, 9, 1)
