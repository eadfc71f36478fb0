"""Handlers of two administrators working on the same pupils: the stale save is reported."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import openpyxl

from leerid_app import routes
from leerid_app.services.audit import AuditAction
from leerid_app.services.bulk import RenamedPupil
from leerid_app.services.versions import RefusedPupil
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import (
    ACTIVATE,
    PLAN,
    RENEW,
    RESULT,
    BulkState,
    refused_summary,
    renamed_summary,
)
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import (
    ADMIN,
    ADMIN_B,
    downloads,
    log_in,
    on_route,
    redirect_paths,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.state.conftest import DemoDb, StateTree


def gent_tab(demo_db: DemoDb, tree: StateTree, username: str) -> StateTree:
    """A tab working in GENT - TEST School 7 with every pupil of the school selected."""
    log_in(tree, demo_db, username)
    if username == ADMIN:
        tree.run(AuthState.switch_school, demo_db.gent_id)
    tree.run(PupilListState.load)
    tree.run(PupilListState.select_all_matching)
    return tree


def test_the_second_of_two_renewals_reports_the_pupils_and_offers_a_new_plan(
    demo_db: DemoDb, new_tree: Callable[[], StateTree]
) -> None:
    first = gent_tab(demo_db, new_tree(), ADMIN)
    second = gent_tab(demo_db, new_tree(), ADMIN_B)
    # Both plans are shown before either administrator clicks `Bewaren en afdrukken`.
    first.run(BulkState.prepare_renewal)
    second.run(BulkState.prepare_renewal)
    planned = first.get(BulkState).planned_total
    assert planned == second.get(BulkState).planned_total > 20
    # The first administrator leaves three pupils out; the second plans everyone.
    left_out = [row.pupil_id for row in first.get(BulkState).planned_page[:3]]
    for pupil_id in left_out:
        first.run(BulkState.toggle_included, pupil_id, False)

    first.run(BulkState.save, True)
    second.run(BulkState.save, True)

    winner, loser = first.get(BulkState), second.get(BulkState)
    assert winner.phase == loser.phase == RESULT
    assert winner.result_total == planned - 3
    assert winner.refused_message == ""
    assert loser.result_total == 3
    assert loser.result_heading == "3 LeerID's hebben een nieuw wachtwoord"
    message = loser.refused_message
    assert message.startswith("Intussen door iemand anders gewijzigd, daarom geen nieuw")
    assert message.count("(door beheerder)") == min(planned - 3, 20)
    assert "Deze leerlingen staan niet in de PDF en de Excel" in message
    assert {
        row.pupil_id for row in [row for table in loser.result_tables for row in table.rows]
    } == set(left_out)
    # The downloads hold only the three pupils this administrator really changed.
    (pdf,) = downloads(second.run(BulkState.download_pdf))
    assert pdf[0].endswith(".pdf")
    (excel,) = downloads(second.run(BulkState.download_excel))
    sheet = openpyxl.load_workbook(io.BytesIO(excel[1])).active
    assert sheet is not None
    stamnummers = {str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert stamnummers == {
        row.name_and_stamnummer.rsplit("(", 1)[1].rstrip(")")
        for row in [row for table in loser.result_tables for row in table.rows]
    }
    refused = demo_db.audit(AuditAction.CHANGE_REFUSED.value)
    assert len(refused) == planned - 3
    assert {event.actor_username for event in refused} == {ADMIN_B}

    # `Plan deze leerlingen opnieuw`: a fresh plan of exactly the refused pupils.
    result = second.run(BulkState.plan_refused_again)
    assert redirect_paths(result) == [routes.BULK_RENEW]
    assert loser.phase == PLAN and loser.refused_message == ""
    assert second.get(PupilListState).selected_count == planned - 3
    second.run(BulkState.prepare_renewal)
    assert loser.planned_total == planned - 3
    second.run(BulkState.save, True)
    assert loser.result_total == planned - 3 and loser.refused_message == ""


def test_plan_refused_again_does_nothing_without_a_refusal(
    demo_db: DemoDb, new_tree: Callable[[], StateTree]
) -> None:
    tab = gent_tab(demo_db, new_tree(), ADMIN_B)
    assert tab.run(BulkState.plan_refused_again) is None
    tab.run(BulkState.prepare_renewal)
    assert tab.run(BulkState.plan_refused_again) is None
    tab.run(BulkState.save, True)
    assert tab.run(BulkState.plan_refused_again) is None
    assert tab.get(BulkState).phase == RESULT


def test_a_stale_edit_form_says_who_and_keeps_the_form(
    demo_db: DemoDb, new_tree: Callable[[], StateTree]
) -> None:
    editor = new_tree()
    log_in(editor, demo_db, ADMIN)
    editor.run(AuthState.switch_school, demo_db.gent_id)
    bulk_tab = gent_tab(demo_db, new_tree(), ADMIN_B)
    bulk_tab.run(BulkState.prepare_renewal)
    pupil_id = bulk_tab.get(BulkState).planned_page[0].pupil_id
    on_route(editor, routes.pupil_edit(pupil_id))
    editor.run(EditCredentialsState.load_edit)
    edit = editor.get(EditCredentialsState)
    old_username = edit.pupil.username
    editor.run(EditCredentialsState.generate_password)
    password = edit.new_password
    editor.run(EditCredentialsState.set_username_input, old_username + ".x")

    bulk_tab.run(BulkState.save, True)  # beheerder.b renews the whole school meanwhile
    result = editor.run(EditCredentialsState.save)

    assert result is None  # no download, no redirect: the form stays
    assert edit.page_error == (
        "Dit LeerID is intussen gewijzigd door beheerder.b. Er is niets bewaard. "
        "Bekijk de gegevens hieronder en bewaar opnieuw."
    )
    assert edit.username_input == old_username + ".x"
    assert edit.new_password == password
    assert demo_db.account(pupil_id).username == old_username
    # The form now compares with what the administrator was just shown: saving again works.
    result = editor.run(EditCredentialsState.save)
    assert redirect_paths(result) == [routes.pupil_detail(pupil_id)]
    assert demo_db.account(pupil_id).username == old_username + ".x"
    assert len(downloads(result)) == 1


def test_activating_a_pupil_activated_meanwhile_shows_the_account_it_got(
    demo_db: DemoDb, new_tree: Callable[[], StateTree]
) -> None:
    first, second = new_tree(), new_tree()
    log_in(first, demo_db, ADMIN)
    log_in(second, demo_db, ADMIN)
    pieter_id = demo_db.pupil_id("93504")  # no LeerID in the demo
    for tab in (first, second):
        on_route(tab, routes.pupil_detail(pieter_id))
        tab.run(PupilDetailState.load)
        assert not tab.get(PupilDetailState).pupil.has_account

    assert len(downloads(first.run(PupilDetailState.activate))) == 1
    assert second.run(PupilDetailState.activate) is None

    detail = second.get(PupilDetailState)
    assert detail.page_error == "Deze leerling heeft al een LeerID."
    assert detail.pupil.has_account
    assert detail.pupil.username == demo_db.account(pieter_id).username


def test_the_result_page_names_twenty_pupils_and_counts_the_rest() -> None:
    refused = [
        RefusedPupil(n, f"Kind{n} Maes ({n:05d})", "beheerder.b" if n % 2 else None)
        for n in range(23)
    ]
    message = refused_summary(RENEW, refused)
    assert message.startswith(
        "Intussen door iemand anders gewijzigd, daarom geen nieuw wachtwoord: "
        "Kind0 Maes (00000), Kind1 Maes (00001) (door beheerder.b), Kind2 Maes (00002),"
    )
    assert "Kind19 Maes (00019) (door beheerder.b) en 3 andere." in message
    assert "Kind20" not in message
    assert refused_summary(ACTIVATE, refused[:1]) == (
        "Intussen door iemand anders gewijzigd of al geactiveerd, daarom niet geactiveerd: "
        "Kind0 Maes (00000). Deze leerlingen staan niet in de PDF en de Excel."
    )
    assert refused_summary(RENEW, []) == ""
    renamed = [RenamedPupil(1, "Lucas Peeters (11224)", "lucas.peeters1", "lucas.peeters2")]
    assert renamed_summary(renamed) == (
        "Deze gebruikersnamen waren intussen in gebruik; de leerlingen kregen een andere: "
        "Lucas Peeters (11224): lucas.peeters2 in plaats van lucas.peeters1."
    )
    assert renamed_summary([]) == ""
