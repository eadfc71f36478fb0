"""Times PDF slips and Excel for 1,000 and 3,000 pupils: python -m benchmarks.bench_exports."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

from leerid_app.models import AccountType
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.exports.credentials_xlsx import build_credentials_xlsx
from leerid_app.services.exports.slips_pdf import _qr_image, build_slips_pdf

SIZES = (1_000, 3_000)
PORTAL_URL = "http://localhost:3000/leerlingloket"
REPEATS = 3
FIRST_NAMES = ["Emma", "Noah", "Yasmine", "Łukasz", "Şükrü", "Amani", "Pieter-Alexander", "Zoë"]
LAST_NAMES = ["Peeters", "Bockstal", "Wiśniewski", "Yılmaz", "El Amrani", "Van den Bossche"]
GROUPS = [f"{year}e lj {grade}e gr Elektromechanica TSO" for year in (1, 2) for grade in (1, 2, 3)]


def make_credentials(count: int) -> list[IssuedCredential]:
    """``count`` plausible credentials in shuffled order, so the sort is part of the timing."""
    rng = random.Random(count)  # fixed seed: every run builds the same documents
    credentials = [
        IssuedCredential(
            pupil_id=index,
            stamnummer=f"{index:06d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            administrative_group=rng.choice(GROUPS),
            username=f"pupil.number{index}",
            password="qxu7Benc",
            account_type=rng.choice(list(AccountType)),
            gender=rng.choice(["M", "V", "X", None]),
            birth_date=date(2008, 1, 1 + index % 28),
        )
        for index in range(count)
    ]
    rng.shuffle(credentials)
    return credentials


def bulk_pdf(credentials: list[IssuedCredential], *, cached: bool) -> bytes:
    """The bulk download: QR codes and a cover sheet per group; first print unless ``cached``."""
    if not cached:
        _qr_image.cache_clear()
    return build_slips_pdf(
        credentials,
        school_name="Benchmark School",
        group_covers=True,
        portal_url=PORTAL_URL,
        printed_on="3 december 2026",
    )


def best_of(build: Callable[[], bytes]) -> tuple[float, int]:
    """Best wall time over ``REPEATS`` runs (the first includes font loading) and the size."""
    timings = []
    size = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        size = len(build())
        timings.append(time.perf_counter() - start)
    return min(timings), size


def main() -> None:
    """Print one line per document type and size."""
    build_slips_pdf(make_credentials(8), school_name="warm-up")  # register the fonts once
    for count in SIZES:
        credentials = make_credentials(count)
        pdf_seconds, pdf_bytes = best_of(
            lambda c=credentials: build_slips_pdf(c, school_name="Benchmark School")
        )
        bulk_seconds, bulk_bytes = best_of(lambda c=credentials: bulk_pdf(c, cached=False))
        again_seconds, _bytes = best_of(lambda c=credentials: bulk_pdf(c, cached=True))
        xlsx_seconds, xlsx_bytes = best_of(lambda c=credentials: build_credentials_xlsx(c))
        print(
            f"PDF   {count:>5} slips: {pdf_seconds:6.3f} s "
            f"({pdf_seconds / count * 1000:.3f} ms/slip, {pdf_bytes / 1024:,.0f} KiB)"
        )
        print(
            f"PDF   {count:>5} slips with QR codes and group cover sheets (the bulk download): "
            f"{bulk_seconds:6.3f} s ({bulk_seconds / count * 1000:.3f} ms/slip, "
            f"{bulk_bytes / 1024:,.0f} KiB); printed again (QR codes cached): "
            f"{again_seconds:6.3f} s"
        )
        print(
            f"Excel {count:>5} rows:  {xlsx_seconds:6.3f} s "
            f"({xlsx_seconds / count * 1000:.3f} ms/row, {xlsx_bytes / 1024:,.0f} KiB)"
        )
    print(f"(best of {REPEATS} runs each)")


if __name__ == "__main__":
    main()
