"""Route constants and builders of every page."""

LOGIN = "/aanmelden"
PUPILS = "/"
PUPIL_DETAIL = "/leerling/[pupil_id]"
PUPIL_EDIT = "/leerling/[pupil_id]/aanpassen"
BULK_RENEW = "/bulk/wachtwoord"
BULK_ACTIVATE = "/bulk/activeren"
LOGBOOK = "/logboek"
IMPORT = "/importeer"


def pupil_detail(pupil_id: int) -> str:
    """The detail page of one pupil."""
    return f"/leerling/{int(pupil_id)}"


def pupil_edit(pupil_id: int) -> str:
    """The `Pas aanmeldgegevens aan` page of one pupil."""
    return f"/leerling/{int(pupil_id)}/aanpassen"
