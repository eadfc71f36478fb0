"""Downloads of freshly issued credentials (PDF slips, Excel) and their file names."""

from __future__ import annotations

import re
from datetime import date

from anyascii import anyascii

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
_DASHES = re.compile(r"-{2,}")
# Long school names would give file names some browsers and file systems truncate or refuse.
_MAX_PART = 80


def _safe_part(text: str) -> str:
    """Reduce ``text`` to ASCII letters, digits and single dashes."""
    ascii_text = _UNSAFE.sub("-", anyascii(text))
    return _DASHES.sub("-", ascii_text).strip("-")[:_MAX_PART].strip("-")


def export_filename(kind: str, school_name: str, on: date, extension: str) -> str:
    """Build a safe ASCII download name with the school and the date.

    Args:
        kind: What the file holds, e.g. ``"LeerID"``.
        school_name: The school's display name; transliterated and reduced to ``[A-Za-z0-9-]``.
        on: The date written into the name as ``YYYY-MM-DD``.
        extension: File extension without or with a leading dot, e.g. ``"pdf"``.

    Returns:
        A name like ``LeerID-BRUSSEL-STAD-TEST-School-2-2026-11-29.pdf``.

    Raises:
        ValueError: When ``extension`` has no letters or digits left.
    """
    suffix = re.sub(r"[^A-Za-z0-9]+", "", extension)
    if not suffix:
        raise ValueError("extension must contain letters or digits")
    parts = [part for part in (_safe_part(kind), _safe_part(school_name)) if part]
    parts.append(on.isoformat())
    return f"{'-'.join(parts)}.{suffix.lower()}"
