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


# The Leerlingloket (pupils).
PORTAL_LOGIN = "/leerlingloket"
PORTAL_CHOOSE_PASSWORD = "/leerlingloket/kies-wachtwoord"
PORTAL_ACCOUNT = "/leerlingloket/mijn-leerid"
PORTAL_FORGOT = "/leerlingloket/wachtwoord-vergeten"
PORTAL_RESET = "/leerlingloket/nieuw-wachtwoord"
PORTAL_CONFIRM_EMAIL = "/leerlingloket/e-mail-bevestigen"
DEMO_OUTBOX = "/demo/postvak"
