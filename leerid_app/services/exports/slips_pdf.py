"""A4 cut sheets of LeerID login slips (8 per page), built in memory with reportlab's canvas."""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from anyascii import anyascii
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
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

COLUMNS = 2
ROWS = 4
SLIPS_PER_PAGE = COLUMNS * ROWS

PAGE_WIDTH, PAGE_HEIGHT = A4
# 10 mm keeps every line and character inside what office printers can print.
PAGE_MARGIN = 10 * mm
SLIP_WIDTH = (PAGE_WIDTH - 2 * PAGE_MARGIN) / COLUMNS
SLIP_HEIGHT = (PAGE_HEIGHT - 2 * PAGE_MARGIN) / ROWS
# Generous inner padding so a slightly crooked cut never touches the text.
PAD_X = 8 * mm
PAD_TOP = 8 * mm
PAD_BOTTOM = 7 * mm
TEXT_WIDTH = SLIP_WIDTH - 2 * PAD_X

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
    """Draws slips onto a canvas; holds the fonts and the pre-wrapped warning."""

    def __init__(self, canvas: Canvas, fonts: _Fonts) -> None:
        self.canvas = canvas
        self.fonts = fonts
        # The footer is the same on every slip: wrap it once, not a thousand times.
        login_at = LOGIN_AT_TEXT.format(url=get_settings().portal_base_url)
        self.warning_lines = [
            line
            for text in (login_at, WARNING_TEXT)
            for line in simpleSplit(
                _renderable(text, fonts.regular), fonts.regular.name, WARNING_SIZE, TEXT_WIDTH
            )
        ]

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

    def cut_lines(self, used: int) -> None:
        """Dashed cut lines around the used cells only, each shared edge drawn once."""
        edges: set[tuple[float, float, float, float]] = set()
        for index in range(used):
            x, y = self._cell_origin(index)
            right, top = x + SLIP_WIDTH, y + SLIP_HEIGHT
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

    @staticmethod
    def _cell_origin(index: int) -> tuple[float, float]:
        """Bottom-left corner of cell ``index``, filled row by row from the top left."""
        row, column = divmod(index, COLUMNS)
        x = PAGE_MARGIN + column * SLIP_WIDTH
        y = PAGE_HEIGHT - PAGE_MARGIN - (row + 1) * SLIP_HEIGHT
        return x, y

    def slip(self, index: int, credential: IssuedCredential) -> None:
        """Draw one pupil's slip in cell ``index`` of the current page."""
        c = self.canvas
        regular, bold, mono = self.fonts.regular, self.fonts.bold, self.fonts.mono
        cell_x, cell_y = self._cell_origin(index)
        x = cell_x + PAD_X
        y = cell_y + SLIP_HEIGHT - PAD_TOP - GROUP_SIZE

        # Administrative group, small and grey, so the teacher can sort the cut slips per class.
        group = _renderable(credential.administrative_group, regular)
        c.setFillGray(GREY_TEXT)
        c.setFont(regular.name, GROUP_SIZE)
        c.drawString(x, y, _truncate(group, regular.name, GROUP_SIZE, TEXT_WIDTH))
        c.setFillGray(0)

        # "<Voornaam Naam> LeerID" with the name in bold: shrunk, then wrapped, so the last
        # name, which tells two pupils with the same first name apart, is never cut off.
        name = _renderable(credential.full_name, bold)
        suffix = " LeerID"
        suffix_em = pdfmetrics.stringWidth(suffix, regular.name, 1)
        y -= 10 + NAME_SIZE
        size = _fit_size(
            name, bold.name, TEXT_WIDTH - suffix_em * NAME_SIZE, NAME_SIZE, NAME_MIN_SIZE
        )
        room = TEXT_WIDTH - suffix_em * size
        lines = simpleSplit(name, bold.name, size, room) or [""]
        if len(lines) > NAME_MAX_LINES:
            lines = [*lines[: NAME_MAX_LINES - 1], " ".join(lines[NAME_MAX_LINES - 1 :])]
        c.setFont(bold.name, size)
        shown = ""
        for line_number, line in enumerate(lines):
            if line_number:
                y -= size + 2
            shown = _truncate(line, bold.name, size, room)
            c.drawString(x, y, shown)
        c.setFont(regular.name, size)
        c.drawString(x + pdfmetrics.stringWidth(shown, bold.name, size), y, suffix)

        y -= 12 + VALUE_SIZE
        y = self._value_line(x, y, USERNAME_LABEL, _renderable(credential.username, mono))
        y -= 6 + VALUE_SIZE
        y = self._value_line(x, y, PASSWORD_LABEL, _renderable(credential.password, mono))

        # The warning sits at the foot of the slip, or just below the login if that ran long.
        footer = cell_y + PAD_BOTTOM + (len(self.warning_lines) - 1) * WARNING_LEADING
        y = min(footer, y - 10 - WARNING_LEADING)
        c.setFont(regular.name, WARNING_SIZE)
        for line in self.warning_lines:
            c.drawString(x, y, line)
            y -= WARNING_LEADING

    def _value_line(self, x: float, y: float, label: str, value: str) -> float:
        """Draw ``label`` and the monospace ``value``; returns the baseline actually used.

        A value never gets cut off, because a truncated username or password is useless:
        it shrinks a little, and if still too long it moves to its own line below the label.
        """
        c = self.canvas
        regular, mono = self.fonts.regular, self.fonts.mono
        c.setFont(regular.name, LABEL_SIZE)
        c.drawString(x, y, label)
        label_width = pdfmetrics.stringWidth(label, regular.name, LABEL_SIZE)
        available = TEXT_WIDTH - label_width
        natural = pdfmetrics.stringWidth(value, mono.name, VALUE_SIZE)
        if natural * VALUE_MIN_SIZE / VALUE_SIZE <= available:
            c.setFont(mono.name, _fit_size(value, mono.name, available, VALUE_SIZE, VALUE_MIN_SIZE))
            c.drawString(x + label_width, y, value)
            return y
        size = _fit_size(value, mono.name, TEXT_WIDTH, VALUE_SIZE, VALUE_WRAPPED_MIN_SIZE)
        y -= size + 2
        c.setFont(mono.name, size)
        c.drawString(x, y, value)
        return y


def build_slips_pdf(
    credentials: Sequence[IssuedCredential],
    *,
    school_name: str,
    title: str = "LeerID aanmeldgegevens",
) -> bytes:
    """Build the printable PDF of login slips, eight per A4 page with dashed cut lines.

    Slips are sorted by administrative group, then name, so a teacher can cut a class's slips
    in one go. The PDF is built entirely in memory, because it holds plain-text passwords that
    must never be written to disk.

    Args:
        credentials: The freshly issued credentials; one or many.
        school_name: Shown in the page header and the PDF subject.
        title: The PDF document title; never put a password in it.

    Returns:
        The PDF file as bytes.

    Raises:
        ValueError: When ``credentials`` is empty.
    """
    if not credentials:
        raise ValueError("no credentials to print")
    ordered = sorted(credentials, key=slip_order)
    fonts = _get_fonts()

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    # Metadata is visible in every PDF viewer: titles and the school only, never credentials.
    canvas.setTitle(title)
    canvas.setSubject(school_name)
    canvas.setAuthor("LeerID Schoolloket")
    canvas.setCreator("LeerID Schoolloket")

    writer = _SlipWriter(canvas, fonts)
    pages = -(-len(ordered) // SLIPS_PER_PAGE)
    for page in range(pages):
        chunk = ordered[page * SLIPS_PER_PAGE : (page + 1) * SLIPS_PER_PAGE]
        writer.header(school_name, title, page + 1, pages)
        writer.cut_lines(len(chunk))
        for index, credential in enumerate(chunk):
            writer.slip(index, credential)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
