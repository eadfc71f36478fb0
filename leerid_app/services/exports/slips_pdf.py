"""A4 cut sheets of LeerID login slips (8 or 4 per page), built in memory with reportlab."""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from urllib.parse import urlencode

import segno
from anyascii import anyascii
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from leerid_app import texts
from leerid_app.services.credentials import IssuedCredential, slip_order
from leerid_app.settings import get_settings

WARNING_TEXT = texts.SLIP_WARNING
USERNAME_LABEL = texts.SLIP_USERNAME_LABEL
PASSWORD_LABEL = texts.SLIP_PASSWORD_LABEL
# Where a pupil types what is on the slip (the Leerlingloket's address, LEERID_PORTAL_BASE_URL).
LOGIN_AT_TEXT = texts.SLIP_LOGIN_AT
COVER_COUNT_LABEL = "Aantal strookjes: "
COVER_DATE_LABEL = "Datum: "
COVER_SCHOOL_LABEL = "School: "
COVER_HINT = "Knip de strookjes langs de stippellijnen en geef elke leerling het zijne."
PORTAL_USERNAME_PARAMETER = "gebruikersnaam"
# A fixed QR mask: choosing the best of eight costs four times as much per slip, and every
# reader decodes any mask.
QR_MASK = 0
QR_CACHE_SIZE = 10_000
# Smaller codes are hard for a phone camera to read from paper.
QR_MIN_SIZE = 15 * mm

COLUMNS = 2
ROWS = 4

PAGE_WIDTH, PAGE_HEIGHT = A4
# 10 mm keeps every line and character inside what office printers can print.
PAGE_MARGIN = 10 * mm
# Generous inner padding so a slightly crooked cut never touches the text.
PAD_X = 8 * mm
PAD_TOP = 8 * mm
PAD_BOTTOM = 7 * mm

GROUP_SIZE = 8.0
NAME_SIZE = 15.0
NAME_MIN_SIZE = 11.0
NAME_MAX_LINES = 3
LABEL_SIZE = 11.0
VALUE_SIZE = 13.0
VALUE_MIN_SIZE = 9.0
VALUE_WRAPPED_MIN_SIZE = 6.0
WARNING_SIZE = 8.5
WARNING_LEADING = 10.5
HEADER_SIZE = 7.0

GREY_TEXT = 0.35
GREY_CUT = 0.55


@dataclass(frozen=True)
class SlipLayout:
    """Grid, padding and type sizes of one kind of slip sheet."""

    columns: int
    rows: int
    pad_x: float
    pad_top: float
    pad_bottom: float
    group_size: float
    name_size: float
    name_min_size: float
    label_size: float
    value_size: float
    value_min_size: float
    value_wrapped_min_size: float
    warning_size: float
    warning_leading: float
    gap: float  # factor on the white space between the blocks of a slip
    qr_size: float
    qr_above_warning: bool = False

    @property
    def per_page(self) -> int:
        """Slips on one A4."""
        return self.columns * self.rows

    @property
    def slip_width(self) -> float:
        """Width of one cell."""
        return (PAGE_WIDTH - 2 * PAGE_MARGIN) / self.columns

    @property
    def slip_height(self) -> float:
        """Height of one cell."""
        return (PAGE_HEIGHT - 2 * PAGE_MARGIN) / self.rows

    @property
    def text_width(self) -> float:
        """Room for text inside a cell."""
        return self.slip_width - 2 * self.pad_x


STANDARD = SlipLayout(
    columns=COLUMNS,
    rows=ROWS,
    pad_x=PAD_X,
    pad_top=PAD_TOP,
    pad_bottom=PAD_BOTTOM,
    group_size=GROUP_SIZE,
    name_size=NAME_SIZE,
    name_min_size=NAME_MIN_SIZE,
    label_size=LABEL_SIZE,
    value_size=VALUE_SIZE,
    value_min_size=VALUE_MIN_SIZE,
    value_wrapped_min_size=VALUE_WRAPPED_MIN_SIZE,
    warning_size=WARNING_SIZE,
    warning_leading=WARNING_LEADING,
    gap=1.0,
    qr_size=19 * mm,
)
# Dyslexia-friendly: one slip per quarter page, larger type, more space between lines, a
# plain sans-serif face and left-aligned text (British Dyslexia Association style guide).
LARGE = SlipLayout(
    columns=2,
    rows=2,
    pad_x=10 * mm,
    pad_top=12 * mm,
    pad_bottom=10 * mm,
    group_size=12.0,
    name_size=22.0,
    name_min_size=15.0,
    label_size=16.0,
    value_size=20.0,
    value_min_size=13.0,
    value_wrapped_min_size=9.0,
    warning_size=12.0,
    warning_leading=17.0,
    gap=1.3,
    qr_size=30 * mm,
    qr_above_warning=True,
)
COVER_TITLE_SIZE = 28.0
COVER_LINE_SIZE = 14.0

# Font choice. The slips must print names like Łukasz, Şükrü or Ștefan correctly, and the
# PDF standard fonts (Helvetica, Courier) only cover Latin-1. No Python package in the
# project bundles a broad Unicode font, but reportlab itself always ships Bitstream Vera,
# a real TrueType font that adds Ł, Ş, Ğ, İ, Č, Ž and more to Latin-1. DejaVu is Vera
# extended to most scripts with the same metrics, and reportlab finds it on its own font
# search path where the operating system provides it (the usual fonts-dejavu package), so
# we prefer DejaVu, fall back to the bundled Vera, and the layout is the same either way.
# The monospace font for usernames and passwords is DejaVu Sans Mono Bold or else the
# standard Courier-Bold: both keep every character distinct and the same width. Any
# character the chosen font still lacks is transliterated for rendering only (ă → a), so
# an unusual name never crashes the download or prints an empty box.
_FONT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "regular": ("DejaVuSans.ttf", "Vera.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
    "mono": ("DejaVuSansMono-Bold.ttf",),
}
_STANDARD_FALLBACK = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier-Bold"}


@dataclass(frozen=True)
class _Font:
    """A registered font name and the code points it can draw."""

    name: str
    covered: frozenset[int]


@dataclass(frozen=True)
class _Fonts:
    """The three faces a slip uses."""

    regular: _Font
    bold: _Font
    mono: _Font


_font_lock = threading.Lock()
_fonts: _Fonts | None = None


def _latin1_font(name: str) -> _Font:
    """A standard PDF font: reportlab encodes it as WinAnsi (cp1252)."""
    covered = set()
    for code in range(0x20, 0x100):
        try:
            covered.add(ord(bytes([code]).decode("cp1252")))
        except UnicodeDecodeError:
            continue
    return _Font(name, frozenset(covered))


def _load_role(role: str) -> _Font:
    """Register the first available TrueType font for ``role``, else a standard font."""
    for file_name in _FONT_CANDIDATES[role]:
        font_name = f"LeerID-{role}-{file_name.removesuffix('.ttf')}"
        try:
            font = TTFont(font_name, file_name)
        except Exception:  # noqa: S112 - reportlab raises several types for a missing font
            continue
        pdfmetrics.registerFont(font)
        return _Font(font_name, frozenset(font.face.charToGlyph))
    return _latin1_font(_STANDARD_FALLBACK[role])


def _get_fonts() -> _Fonts:
    """Resolve and register the fonts once per process; reportlab's registry is global."""
    global _fonts
    if _fonts is None:
        with _font_lock:
            if _fonts is None:
                _fonts = _Fonts(
                    regular=_load_role("regular"),
                    bold=_load_role("bold"),
                    mono=_load_role("mono"),
                )
    return _fonts


def register_fonts() -> None:
    """Register the fonts now rather than at the first slip (a download process warms up)."""
    _get_fonts()


def _renderable(text: str, font: _Font) -> str:
    """``text`` with every character ``font`` cannot draw transliterated, for display only."""
    # Deliberately not memoised: a cache would keep plain-text passwords alive in the process.
    text = unicodedata.normalize("NFC", text)
    if text.isprintable() and all(ord(char) in font.covered for char in text):
        return text
    out: list[str] = []
    for char in text:
        if ord(char) in font.covered and char.isprintable():
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            replacement = "".join(c for c in anyascii(char) if ord(c) in font.covered)
            out.append(replacement if replacement or not char.isprintable() else "?")
    return "".join(out)


def _fit_size(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    """The largest size from ``largest`` down to ``smallest`` at which ``text`` fits ``width``."""
    natural = pdfmetrics.stringWidth(text, font, largest)
    if natural <= width:
        return largest
    return max(smallest, largest * width / natural)


def _truncate(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width``; only for absurdly long names."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class _SlipWriter:
    """Draws slips onto a canvas; holds the fonts, the layout and the pre-wrapped warning."""

    def __init__(self, canvas: Canvas, fonts: _Fonts, layout: SlipLayout = STANDARD) -> None:
        self.canvas = canvas
        self.fonts = fonts
        self.layout = layout
        # The footer is the same on every slip: wrap it once, not a thousand times.
        login_at = LOGIN_AT_TEXT.format(url=get_settings().portal_base_url)
        footer = [_renderable(text, fonts.regular) for text in (login_at, WARNING_TEXT)]

        def wrapped(width: float) -> list[str]:
            return [
                line
                for text in footer
                for line in simpleSplit(text, fonts.regular.name, layout.warning_size, width)
            ]

        self.warning_lines = wrapped(layout.text_width)
        # Beside a QR code the footer has less room.
        self.warning_lines_beside_qr = wrapped(layout.text_width - layout.qr_size - 3 * mm)

    def header(self, school_name: str, title: str, page: int, pages: int) -> None:
        """Small page header in the top margin, outside the slips, so it is cut away."""
        c = self.canvas
        regular = self.fonts.regular
        c.setFillGray(GREY_TEXT)
        c.setFont(regular.name, HEADER_SIZE)
        baseline = PAGE_HEIGHT - PAGE_MARGIN + 3 * mm
        left = _renderable(f"{school_name} · {title}", regular)
        c.drawString(PAGE_MARGIN, baseline, _truncate(left, regular.name, HEADER_SIZE, 150 * mm))
        c.drawRightString(PAGE_WIDTH - PAGE_MARGIN, baseline, f"pagina {page}/{pages}")
        c.setFillGray(0)

    def cover(self, group: str, count: int, school_name: str, printed_on: str) -> None:
        """The cover sheet of one group: what the teacher finds on top of the group's slips."""
        c = self.canvas
        regular, bold = self.fonts.regular, self.fonts.bold
        width = PAGE_WIDTH - 2 * PAGE_MARGIN - 20 * mm
        x, y = PAGE_MARGIN + 10 * mm, PAGE_HEIGHT - PAGE_MARGIN - 40 * mm
        c.setFont(bold.name, COVER_TITLE_SIZE)
        for line in simpleSplit(_renderable(group, bold), bold.name, COVER_TITLE_SIZE, width):
            c.drawString(x, y, line)
            y -= COVER_TITLE_SIZE * 1.25
        y -= 8 * mm
        c.setFont(regular.name, COVER_LINE_SIZE)
        for line in (
            f"{COVER_COUNT_LABEL}{count}",
            f"{COVER_DATE_LABEL}{printed_on}",
            f"{COVER_SCHOOL_LABEL}{school_name}",
            "",
            COVER_HINT,
        ):
            for part in simpleSplit(
                _renderable(line, regular), regular.name, COVER_LINE_SIZE, width
            ):
                c.drawString(x, y, part)
                y -= COVER_LINE_SIZE * 1.6
            if not line:
                y -= COVER_LINE_SIZE

    def cut_lines(self, used: int) -> None:
        """Dashed cut lines around the used cells only, each shared edge drawn once."""
        edges: set[tuple[float, float, float, float]] = set()
        for index in range(used):
            x, y = self._cell_origin(index)
            right, top = x + self.layout.slip_width, y + self.layout.slip_height
            edges.update(
                {(x, y, right, y), (x, top, right, top), (x, y, x, top), (right, y, right, top)}
            )
        c = self.canvas
        c.saveState()
        c.setStrokeGray(GREY_CUT)
        c.setLineWidth(0.5)
        c.setDash(4, 3)
        # Sorted: set order varies between runs, and the same input should draw the same page.
        c.lines(sorted(edges))
        c.restoreState()

    def _cell_origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner of cell ``index``, filled row by row from the top left."""
        row, column = divmod(index, self.layout.columns)
        x = PAGE_MARGIN + column * self.layout.slip_width
        y = PAGE_HEIGHT - PAGE_MARGIN - (row + 1) * self.layout.slip_height
        return x, y

    def slip(
        self,
        index: int,
        credential: IssuedCredential,
        *,
        name: str | None = None,
        login_url: str | None = None,
    ) -> None:
        """Draw one pupil's slip in cell ``index`` of the current page.

        ``name`` replaces the full name when it needs telling apart; ``login_url`` adds a QR
        code (the Leerlingloket with the username filled in, never the password).
        """
        c = self.canvas
        lay = self.layout
        regular, bold, mono = self.fonts.regular, self.fonts.bold, self.fonts.mono
        text_width = lay.text_width
        cell_x, cell_y = self._cell_origin(index)
        x = cell_x + lay.pad_x
        y = cell_y + lay.slip_height - lay.pad_top - lay.group_size

        # Administrative group, small and grey, so the teacher can sort the cut slips per class.
        group = _renderable(credential.administrative_group, regular)
        c.setFillGray(GREY_TEXT)
        c.setFont(regular.name, lay.group_size)
        c.drawString(x, y, _truncate(group, regular.name, lay.group_size, text_width))
        c.setFillGray(0)

        # "<Voornaam Naam> LeerID" with the name in bold: shrunk, then wrapped, so the last
        # name, which tells two pupils with the same first name apart, is never cut off.
        name = _renderable(name or credential.full_name, bold)
        suffix = " LeerID"
        suffix_em = pdfmetrics.stringWidth(suffix, regular.name, 1)
        y -= (10 + lay.name_size) * lay.gap
        size = _fit_size(
            name,
            bold.name,
            text_width - suffix_em * lay.name_size,
            lay.name_size,
            lay.name_min_size,
        )
        room = text_width - suffix_em * size
        lines = simpleSplit(name, bold.name, size, room) or [""]
        if len(lines) > NAME_MAX_LINES:
            lines = [*lines[: NAME_MAX_LINES - 1], " ".join(lines[NAME_MAX_LINES - 1 :])]
        c.setFont(bold.name, size)
        shown = ""
        for line_number, line in enumerate(lines):
            if line_number:
                y -= (size + 2) * lay.gap
            shown = _truncate(line, bold.name, size, room)
            c.drawString(x, y, shown)
        c.setFont(regular.name, size)
        c.drawString(x + pdfmetrics.stringWidth(shown, bold.name, size), y, suffix)

        y -= (12 + lay.value_size) * lay.gap
        y = self._value_line(x, y, USERNAME_LABEL, _renderable(credential.username, mono))
        y -= (6 + lay.value_size) * lay.gap
        y = self._value_line(x, y, PASSWORD_LABEL, _renderable(credential.password, mono))

        # The warning sits at the foot of the slip, or just below the login if that ran long;
        # with a QR code, to its left.
        warning_lines = self.warning_lines
        qr_x = cell_x + lay.slip_width - lay.pad_x
        if login_url:
            # Between the login and a full-width warning if there is room for a code of at
            # least QR_MIN_SIZE (the large layout), else beside a narrower warning.
            warning_top = (
                cell_y
                + lay.pad_bottom
                + (len(self.warning_lines) - 1) * lay.warning_leading
                + lay.warning_size
            )
            room = min(lay.qr_size, (y - lay.value_size * 0.4 - 3 * mm) - (warning_top + 3 * mm))
            if lay.qr_above_warning and room >= QR_MIN_SIZE:
                self._qr(login_url, qr_x - room, warning_top + 3 * mm, room)
            else:
                warning_lines = self.warning_lines_beside_qr
                qr_y = min(cell_y + lay.pad_bottom, y - 10 - lay.qr_size)
                self._qr(login_url, qr_x - lay.qr_size, qr_y, lay.qr_size)
        footer = cell_y + lay.pad_bottom + (len(warning_lines) - 1) * lay.warning_leading
        y = min(footer, y - 10 - lay.warning_leading)
        c.setFont(regular.name, lay.warning_size)
        for line in warning_lines:
            c.drawString(x, y, line)
            y -= lay.warning_leading

    def _qr(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code of ``data``, ``size`` square, with its bottom-left corner at (x, y)."""
        self.canvas.drawImage(_qr_image(data), x, y, size, size)

    def _value_line(self, x: float, y: float, label: str, value: str) -> float:
        """Draw ``label`` and the monospace ``value``; returns the baseline actually used.

        A value never gets cut off, because a truncated username or password is useless:
        it shrinks a little, and if still too long it moves to its own line below the label.
        """
        c = self.canvas
        lay = self.layout
        regular, mono = self.fonts.regular, self.fonts.mono
        c.setFont(regular.name, lay.label_size)
        c.drawString(x, y, label)
        label_width = pdfmetrics.stringWidth(label, regular.name, lay.label_size)
        available = lay.text_width - label_width
        natural = pdfmetrics.stringWidth(value, mono.name, lay.value_size)
        if natural * lay.value_min_size / lay.value_size <= available:
            size = _fit_size(value, mono.name, available, lay.value_size, lay.value_min_size)
            c.setFont(mono.name, size)
            c.drawString(x + label_width, y, value)
            return y
        size = _fit_size(
            value, mono.name, lay.text_width, lay.value_size, lay.value_wrapped_min_size
        )
        y -= (size + 2) * lay.gap
        c.setFont(mono.name, size)
        c.drawString(x, y, value)
        return y


@lru_cache(maxsize=QR_CACHE_SIZE)
def _qr_image(data: str) -> ImageReader:
    """A one-bit image of the QR code, one pixel per module (PDF viewers scale it crisply).

    Cached: a URL with a username holds no secret, and printing the same batch again (say in
    the large layout) then costs no encoding, which is most of a slip's time.
    """
    matrix = segno.make_qr(data, error="m", boost_error=False, mask=QR_MASK).matrix
    count = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    return ImageReader(Image.frombytes("L", (count, count), pixels).convert("1"))


def login_url(portal_url: str, username: str) -> str:
    """The Leerlingloket's login page with the username filled in (never the password)."""
    return f"{portal_url}?{urlencode({PORTAL_USERNAME_PARAMETER: username})}"


def slip_names(credentials: Sequence[IssuedCredential]) -> dict[int, str]:
    """The name per pupil id for the slip: the full name, plus the stamnummer when two pupils of
    one group share the full name (same first names are already told apart by the last name)."""
    seen: Counter[tuple[str, str]] = Counter(
        (c.administrative_group.casefold(), c.full_name.casefold()) for c in credentials
    )
    return {
        c.pupil_id: c.full_name
        if seen[(c.administrative_group.casefold(), c.full_name.casefold())] == 1
        else f"{c.full_name} ({c.stamnummer})"
        for c in credentials
    }


def build_slips_pdf(
    credentials: Sequence[IssuedCredential],
    *,
    school_name: str,
    title: str = "LeerID aanmeldgegevens",
    layout: SlipLayout = STANDARD,
    group_covers: bool = False,
    portal_url: str | None = None,
    printed_on: str = "",
) -> bytes:
    """Build the printable PDF of login slips with dashed cut lines.

    Slips are sorted by administrative group, then name, so a teacher can cut a class's slips
    in one go. The PDF is built entirely in memory, because it holds plain-text passwords that
    must never be written to disk.

    Args:
        credentials: The freshly issued credentials; one or many.
        school_name: Shown in the page header and the PDF subject.
        title: The PDF document title; never put a password in it.
        layout: ``STANDARD`` (eight per A4) or ``LARGE`` (four, dyslexia-friendly).
        group_covers: Start every group on a new page behind a cover sheet with the group,
            the number of slips, ``printed_on`` and the school.
        portal_url: The Leerlingloket's login page; each slip then gets a QR code to it.
        printed_on: The date on the cover sheets, already written in Dutch.

    Returns:
        The PDF file as bytes.

    Raises:
        ValueError: When ``credentials`` is empty.
    """
    if not credentials:
        raise ValueError("no credentials to print")
    ordered = sorted(credentials, key=slip_order)
    names = slip_names(ordered)
    fonts = _get_fonts()

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    # Metadata is visible in every PDF viewer: titles and the school only, never credentials.
    canvas.setTitle(title)
    canvas.setSubject(school_name)
    canvas.setAuthor("LeerID Schoolloket")
    canvas.setCreator("LeerID Schoolloket")

    writer = _SlipWriter(canvas, fonts, layout)
    if group_covers:
        batches = [
            list(group)
            for _key, group in groupby(ordered, key=lambda c: c.administrative_group.casefold())
        ]
    else:
        batches = [ordered]
    per_page = layout.per_page
    pages = sum(-(-len(batch) // per_page) + group_covers for batch in batches)
    page_number = 0
    for batch in batches:
        if group_covers:
            page_number += 1
            writer.header(school_name, title, page_number, pages)
            writer.cover(batch[0].administrative_group, len(batch), school_name, printed_on)
            canvas.showPage()
        for start in range(0, len(batch), per_page):
            chunk = batch[start : start + per_page]
            page_number += 1
            writer.header(school_name, title, page_number, pages)
            writer.cut_lines(len(chunk))
            for index, credential in enumerate(chunk):
                writer.slip(
                    index,
                    credential,
                    name=names[credential.pupil_id],
                    login_url=login_url(portal_url, credential.username) if portal_url else None,
                )
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
