"""The import page's handlers called directly, as a hostile client could: session, scope, size."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from reflex.event import fix_events
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator
from sqlmodel import select

from leerid_app.models import Pupil
from leerid_app.services.audit import AuditAction
from leerid_app.services.imports.sample import SAMPLE_PATH, build_sample
from leerid_app.state import imports as import_state
from leerid_app.state.auth import AuthState
from leerid_app.state.imports import PREVIEW, RESULT, UPLOAD, ImportState
from tests.state.test_handlers_security import goes_to_login, log_in

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

CHUNK = 64 * 1024


def upload(tree: StateTree, data: bytes, name: str = "export.csv") -> list[Any]:
    """Stream ``data`` into receive_upload as the upload endpoint does, in one event loop."""
    state = tree.get(ImportState)

    async def run() -> list[Any]:
        chunks = UploadChunkIterator(maxsize=len(data) // CHUNK + 2)
        for offset in range(0, len(data), CHUNK):
            await chunks.push(
                UploadChunk(
                    filename=name,
                    offset=offset,
                    content_type="text/csv",
                    data=data[offset : offset + CHUNK],
                )
            )
        await chunks.finish()
        specs = [event async for event in ImportState.receive_upload.fn(state, chunks)]
        # What the browser receives: Events, as the real event processing makes them.
        return fix_events(specs, token="test-token")

    return asyncio.run(run())


def pupils_snapshot(demo_db: DemoDb) -> list[tuple]:
    with demo_db.session() as session:
        return sorted(
            session.exec(
                select(
                    Pupil.id,
                    Pupil.school_id,
                    Pupil.stamnummer,
                    Pupil.first_name,
                    Pupil.administrative_group,
                    Pupil.enrollment_end,
                )
            ).all()
        )


def test_without_a_session_nothing_is_read(tree: StateTree, demo_db: DemoDb) -> None:
    result = upload(tree, SAMPLE_PATH.read_bytes())
    assert goes_to_login(result)
    state = tree.get(ImportState)
    assert state.phase == UPLOAD and state._file is None


def test_made_up_arguments_are_ignored(tree: StateTree, demo_db: DemoDb) -> None:
    log_in(tree, demo_db, "beheerder")
    state = tree.get(ImportState)
    # Over the websocket a client can send any JSON instead of the upload's chunks.
    for payload in ("export.csv", {"data": "x"}, None, 7):
        assert not tree.run(ImportState.receive_upload, payload)
    assert state.phase == UPLOAD and not state.busy
    upload(tree, SAMPLE_PATH.read_bytes())
    assert state.phase == PREVIEW
    for page in ("2", 1.5, None, [1]):
        tree.run(ImportState.go_to_page, page)
    assert state.page_no == 1
    tree.run(ImportState.show_category, "__class__")
    tree.run(ImportState.show_category, ["refused"])
    assert state.category == "new"
    tree.run(ImportState.set_only_valid, "true")
    assert state.only_valid is False


def test_preview_then_confirm_touches_only_the_current_school(
    tree: StateTree, demo_db: DemoDb
) -> None:
    sample = build_sample()
    log_in(tree, demo_db, "beheerder")
    before = pupils_snapshot(demo_db)
    upload(tree, SAMPLE_PATH.read_bytes(), "leerlingen.csv")
    state = tree.get(ImportState)
    assert state.counts["new"] == len(sample.new)
    assert state.counts["refused"] == len(sample.refused_rows)
    assert state.file_name == "leerlingen.csv"
    assert pupils_snapshot(demo_db) == before  # a preview writes nothing

    tree.run(ImportState.confirm)  # refused rows block it without the box
    assert state.error.startswith("5 rij(en) werden geweigerd")
    assert pupils_snapshot(demo_db) == before

    tree.run(ImportState.set_only_valid, True)
    tree.run(ImportState.confirm)
    assert state.phase == RESULT, state.error
    assert state.result_message.startswith("De import is uitgevoerd: 4 nieuwe leerling(en)")
    after = pupils_snapshot(demo_db)
    gent = demo_db.gent_id
    assert [row for row in after if row[1] == gent] == [row for row in before if row[1] == gent]
    (event,) = demo_db.audit(AuditAction.PUPILS_IMPORTED.value)
    assert event.school_id == demo_db.brussel_id
    assert state._file is None  # the file's content is forgotten after applying


def test_a_school_switch_between_preview_and_confirm_applies_nothing(
    tree: StateTree, demo_db: DemoDb
) -> None:
    log_in(tree, demo_db, "beheerder")
    upload(tree, SAMPLE_PATH.read_bytes())
    tree.run(ImportState.set_only_valid, True)
    tree.run(AuthState.switch_school, demo_db.gent_id)  # e.g. in another tab
    before = pupils_snapshot(demo_db)
    tree.run(ImportState.confirm)
    state = tree.get(ImportState)
    # The session gate dropped the other school's preview before the confirm could use it.
    assert state.phase == UPLOAD and state._file is None
    assert pupils_snapshot(demo_db) == before
    assert demo_db.audit(AuditAction.PUPILS_IMPORTED.value) == []


def test_an_upload_over_the_limit_stops_reading(
    tree: StateTree, demo_db: DemoDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_state, "MAX_FILE_BYTES", 4 * CHUNK)
    log_in(tree, demo_db, "beheerder")
    upload(tree, b"Stamnummer;Voornaam;Naam;Klas\r\n" + b"1;a;b;c\r\n" * 60_000)
    state = tree.get(ImportState)
    assert state.error == import_state.MSG_TOO_LARGE
    assert state.phase == UPLOAD and state._file is None and not state.busy


def test_an_unreadable_file_gets_its_message(tree: StateTree, demo_db: DemoDb) -> None:
    log_in(tree, demo_db, "beheerder")
    upload(tree, b"PK\x03\x04garbage", "leerlingen.xlsx")
    state = tree.get(ImportState)
    assert "geen geldige Excel-werkmap" in state.error
    assert state.phase == UPLOAD
