"""Route constants and builders of every page."""

from urllib.parse import urlencode

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
OVERVIEW = "/overzicht"
READINESS = "/klaar-voor-de-toets"
BULK_FIX = "/bulk/klaarzetten"
DATA_CHECK = "/gegevenscontrole"
LEAVERS = "/wie-wordt-inactief"

# Query parameters of the pupil list that the Overzicht's numbers link to.
LIST_GROUP_PARAM = "groep"
LIST_STATUS_PARAM = "status"
LIST_ATTENTION_PARAM = "aandacht"
LIST_LINK_MARKER = "filter"


def pupils_filtered(*, group: str = "", status: str = "", attention: str = "") -> str:
    """The pupil list with exactly these filters; the marker makes the list drop whatever
    filters it had before, also when every filter here is `Alle` (and so left out)."""
    params = {LIST_GROUP_PARAM: group, LIST_STATUS_PARAM: status, LIST_ATTENTION_PARAM: attention}
    return (
        f"{PUPILS}?{urlencode({LIST_LINK_MARKER: '1', **{k: v for k, v in params.items() if v}})}"
    )
