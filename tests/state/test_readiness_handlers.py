"""Readiness and report handlers called as a hostile client could, and the fix end to end."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import openpyxl
from pypdf import PdfReader

from leerid_app import routes, texts
from leerid_app.services.audit import AuditAction
from leerid_app.state.bulk import FIX, RESULT, BulkState
from leerid_app.state.pupils import PupilListState
from leerid_app.state.readiness import OverviewState, ReadinessState
from leerid_app.state.reports import DataCheckState, LeaversState
from tests.state.test_handlers_security import (
    ADMIN,
    ADMIN_B,
    ARDALAN,
    changing_events,
    downloads,
    last_audit_id,
    log_in,
    on_route,
    redirect_paths,
)

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

GROUP = "6de leerjaar"


def test_another_schools_selection_is_checked_and_fixed_as_nothing(
    demo_db: DemoDb, tree: StateTree
) -> None:
    log_in(tree, demo_db, ADMIN_B)  # GENT only
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    tree.get(PupilListState)._selected = {demo_db.pupil_id(ARDALAN)}  # a Brussel pupil

    tree.run(ReadinessState.load)
    tree.run(ReadinessState.use_selection)
    state = tree.get(ReadinessState)
    assert state.using_selection and state.total == 0 and state.rows == []
    assert tree.run(ReadinessState.prepare_fix) is None
    assert state.error == texts.READINESS_NOTHING_TO_FIX

    # Straight to the bulk page anyway: the plan is read again, in the administrator's school.
    tree.run(BulkState.prepare_fix)
    bulk_state = tree.get(BulkState)
    assert bulk_state.planned_total == 0 and bulk_state.error == texts.READINESS_NOTHING_TO_FIX
    tree.run(BulkState.save)
    assert bulk_state.phase != RESULT
    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []


def test_readiness_handlers_ignore_malformed_arguments(demo_db: DemoDb, tree: StateTree) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(ReadinessState.load)
    state = tree.get(ReadinessState)
    assert GROUP in state.groups
    for group, checked in (
        ("4de leerjaar GENT", True),  # not a group of this school
        (["6de leerjaar"], True),
        ({"x": 1}, True),
        (None, True),
        (GROUP, "true"),
        (GROUP, 1),
    ):
        assert tree.run(ReadinessState.toggle_group, group, checked) is None
        assert state.chosen == []
    for page in ("2", 2.5, None, [1], {"page": 1}):
        assert tree.run(ReadinessState.go_to_page, page) is None
    tree.run(ReadinessState.toggle_group, GROUP, True)
    assert state.chosen == [GROUP] and state.total > 0


def test_the_list_takes_only_known_filters_from_an_overzicht_link(
    demo_db: DemoDb, tree: StateTree
) -> None:
    log_in(tree, demo_db, ADMIN)
    on_route(tree, "/?filter=1&groep=6de+leerjaar&status=Actief&aandacht=Nog+niet+aangemeld")
    tree.run(PupilListState.load)
    state = tree.get(PupilListState)
    assert (state.group, state.status, state.attention) == (
        GROUP,
        "Actief",
        "Nog niet aangemeld",
    )
    on_route(tree, "/?filter=1&groep=Geheime+groep&status=%27%3B+DROP&aandacht=%00")
    tree.run(PupilListState.load)
    assert (state.group, state.status, state.attention) == ("alle", "alle", "alle")
    assert state.total == 200


def test_the_overzicht_links_open_the_list_with_the_same_count(
    demo_db: DemoDb, tree: StateTree
) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(OverviewState.load)
    overview = tree.get(OverviewState)
    sixth = next(row for row in overview.rows if row.group == GROUP)
    for cell in sixth.cells:
        on_route(tree, cell.href)
        tree.run(PupilListState.load)
        assert tree.get(PupilListState).total == cell.count, cell.label


def test_reports_refuse_bad_dates_and_audit_downloads(demo_db: DemoDb, tree: StateTree) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(LeaversState.load)
    leavers = tree.get(LeaversState)
    assert leavers.date_to.endswith("-08-31") and leavers.total > 0
    before = (leavers.date_from, leavers.date_to)
    for value in ("31/08/2027", "", None, ["2027-01-01"], "2027-02-30"):
        assert tree.run(LeaversState.set_date_from, value) is None
        assert leavers.error == texts.BAD_DATE
    assert (leavers.date_from, leavers.date_to) == before
    tree.run(LeaversState.set_date_to, "2020-01-01")  # before the start
    assert leavers.error and leavers.total == 0

    audit_before = last_audit_id(demo_db)
    tree.run(DataCheckState.load)
    assert tree.get(DataCheckState).total > 0
    ((name, data),) = downloads(tree.run(DataCheckState.download_excel))
    assert name.startswith("Gegevenscontrole-") and name.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + tree.get(DataCheckState).total
    (event,) = demo_db.audit(AuditAction.REPORT_DOWNLOADED.value)
    assert event.id > audit_before and '"report":"Gegevenscontrole"' in event.details


def test_the_fix_runs_through_the_bulk_flow_and_prints_large_slips(
    demo_db: DemoDb, tree: StateTree
) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(ReadinessState.load)
    tree.run(ReadinessState.toggle_group, GROUP, True)
    state = tree.get(ReadinessState)
    expected = state.to_activate + state.to_renew
    assert state.to_renew > 0
    assert redirect_paths(tree.run(ReadinessState.prepare_fix)) == [routes.BULK_FIX]

    tree.run(BulkState.prepare_fix)
    bulk_state = tree.get(BulkState)
    assert bulk_state.mode == FIX and bulk_state.planned_total == expected
    tree.run(BulkState.save)
    assert bulk_state.phase == RESULT and bulk_state.result_total == expected
    tree.run(BulkState.set_large_slips, True)
    ((_name, pdf),) = downloads(tree.run(BulkState.download_pdf))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert f"Aantal strookjes: {expected}" in pages[0]
    assert max(page.count("Gebruikersnaam:") for page in pages[1:]) <= 4

    tree.run(ReadinessState.load)
    # The renewed pupils now hold a fresh slip: a second fix must not void it.
    assert state.to_activate + state.to_renew == 0
