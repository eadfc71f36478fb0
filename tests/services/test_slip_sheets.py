"""Slips a teacher can hand out: cover sheets per group, names told apart, QR codes, large type."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pdfplumber
import pypdfium2
import zxingcpp
from pypdf import PdfReader

from leerid_app.models import AccountType
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.exports.slips_pdf import (
    LARGE,
    PAGE_MARGIN,
    STANDARD,
    build_slips_pdf,
    login_url,
    slip_names,
)

SCHOOL = "BRUSSEL-STAD - TEST School 2"
PORTAL = "http://localhost:3000/leerlingloket"


def credential(
    index: int, group: str, first: str, last: str, username: str = ""
) -> IssuedCredential:
    return IssuedCredential(
        pupil_id=index,
        stamnummer=f"{50000 + index}",
        first_name=first,
        last_name=last,
        administrative_group=group,
        username=username or f"{first}.{last}{index}".lower(),
        password=f"Pw{index:02d}abcd",
        account_type=AccountType.BASIS,
    )


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def decode_qr_codes(pdf: bytes, page_index: int, scale: float = 3.0) -> list[str]:
    """Render one page as a printer would and read every QR code on it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page_index].render(scale=scale).to_pil()
    finally:
        document.close()
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def test_a_cover_sheet_per_group_and_every_group_on_new_pages() -> None:
    sixth = [credential(i, "6de leerjaar", f"Kind{i}", "Peeters") for i in range(10)]
    fifth = [credential(20 + i, "5de leerjaar", f"Kind{i}", "Maes") for i in range(3)]
    pdf = build_slips_pdf(
        [*sixth, *fifth], school_name=SCHOOL, group_covers=True, printed_on="3 december 2026"
    )
    texts = page_texts(pdf)
    # 5de: cover + 1 page; 6de: cover + 2 pages (8 + 2 slips).
    assert len(texts) == 5
    assert texts[0].count("Aantal strookjes: 3") == 1 and "5de leerjaar" in texts[0]
    assert "Datum: 3 december 2026" in texts[0] and f"School: {SCHOOL}" in texts[0]
    assert "Wachtwoord" not in texts[0]
    assert all("Maes" in line for line in [texts[1]]) and "Peeters" not in texts[1]
    assert "Aantal strookjes: 10" in texts[2]
    assert "Maes" not in texts[3] + texts[4]
    assert sum(text.count("Gebruikersnaam:") for text in texts) == 13


def test_two_pupils_with_the_same_name_in_one_group_are_told_apart() -> None:
    twins = [
        credential(1, "3de leerjaar", "Lucas", "Peeters"),
        credential(2, "3de leerjaar", "Lucas", "Peeters"),
        credential(3, "3de leerjaar", "Lucas", "Maes"),
        credential(4, "4de leerjaar", "Lucas", "Peeters"),
    ]
    names = slip_names(twins)
    assert names[1] == "Lucas Peeters (50001)" and names[2] == "Lucas Peeters (50002)"
    assert names[3] == "Lucas Maes"  # the last name already tells him apart
    assert names[4] == "Lucas Peeters"  # another group
    text = " ".join(page_texts(build_slips_pdf(twins, school_name=SCHOOL)))
    assert "Lucas Peeters (50001) LeerID" in text and "Lucas Peeters (50002) LeerID" in text


def test_each_slip_has_a_qr_code_to_the_login_page_with_the_username_only() -> None:
    pupils = [
        credential(1, "6de leerjaar", "Pieter-Alexander", "Bogaert", "pieter-alexander.bogaert"),
        credential(2, "6de leerjaar", "Zoë", "Öztürk", "zoe.ozturk"),
    ]
    pdf = build_slips_pdf(pupils, school_name=SCHOOL, portal_url=PORTAL)
    decoded = decode_qr_codes(pdf, 0)
    assert decoded == sorted(login_url(PORTAL, p.username) for p in pupils)
    for url in decoded:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == PORTAL
        assert set(parse_qs(parts.query)) == {"gebruikersnaam"}
        assert not any(p.password in url for p in pupils)


def test_the_large_layout_puts_four_slips_on_a_page_in_bigger_type() -> None:
    pupils = [credential(i, "6de leerjaar", f"Kind{i}", "Peeters") for i in range(9)]
    pdf = build_slips_pdf(pupils, school_name=SCHOOL, layout=LARGE, portal_url=PORTAL)
    texts = page_texts(pdf)
    assert len(texts) == 3 and texts[0].count("Gebruikersnaam:") == 4
    assert len(decode_qr_codes(pdf, 0, scale=2.0)) == 4
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sizes = {round(char["size"]) for char in document.pages[0].chars}
    assert max(sizes) >= 20


def test_nothing_crosses_a_cut_line_in_either_layout() -> None:
    pupils = [
        credential(1, "6de leerjaar", "Pieter-Alexander", "Bogaert", "pieter-alexander.bogaert"),
        credential(2, "6de leerjaar", "Lucas", "Peeters"),
        credential(3, "6de leerjaar", "Lucas", "Peeters"),
        credential(4, "6de leerjaar", "Zoë", "Öztürk"),
    ]
    for layout in (STANDARD, LARGE):
        pdf = build_slips_pdf(pupils, school_name=SCHOOL, layout=layout, portal_url=PORTAL)
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            page = document.pages[0]
            top_margin = float(page.height) - PAGE_MARGIN - layout.rows * layout.slip_height
            cuts_y = [PAGE_MARGIN + row * layout.slip_height for row in range(layout.rows + 1)]
            cuts_x = [PAGE_MARGIN + col * layout.slip_width for col in range(layout.columns + 1)]
            boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars]
            boxes += [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
            assert len(page.images) == len(pupils)
            for x0, top, x1, bottom in boxes:
                if bottom < PAGE_MARGIN:  # the page header, in the margin
                    continue
                assert not any(top < cut < bottom for cut in cuts_y), (layout, top, bottom)
                assert not any(x0 < cut < x1 for cut in cuts_x), (layout, x0, x1)
            assert top_margin >= 0
