"""Dates and times written the Flemish way with Babel: `7 november 2010`."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from leerid_app.services import clock
from leerid_app.services.clock import local_time

LOCALE = "nl_BE"


def dutch_date(day: date | datetime | None) -> str:
    """``7 november 2010``; a timestamp is first shown in Belgian time; empty for None."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = local_time(day).date()
    return format_date(day, format="d MMMM y", locale=LOCALE)


def dutch_datetime(moment: datetime | None) -> str:
    """``29 november 2026 om 14:05`` in Belgian time; empty for None."""
    if moment is None:
        return ""
    local = local_time(moment)
    return f"{dutch_date(local)} om {format_datetime(local, format='HH:mm', locale=LOCALE)}"


def parse_iso_date(text: object) -> date | None:
    """A ``YYYY-MM-DD`` value from a date input, or None when empty or malformed."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def school_today(now: datetime | None = None) -> date:
    """The date in Belgium now (a UTC date would flip a day late around midnight)."""
    return clock.school_day(clock.now_or(now))


def school_year_end(today: date) -> date:
    """31 August that closes the current school year (which starts on 1 September)."""
    return date(today.year + 1 if today.month >= 9 else today.year, 8, 31)


def school_year_start(today: date) -> date:
    """1 September that opened the current school year."""
    return date(school_year_end(today).year - 1, 9, 1)
