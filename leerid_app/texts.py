"""Every Dutch text the screens show, in the manual's wording, reviewable in one place."""

APP_TITLE = "LeerID Schoolloket"
SWITCH_SCHOOL = "Wijzig instelling"
LOG_OUT = "Afmelden"
NAV_PUPILS = "Leerlingen"
NAV_LOGBOOK = "Logboek"
NAV_LABEL = "Hoofdmenu"
SKIP_TO_CONTENT = "Ga naar de inhoud"
CURRENT_SCHOOL = "(huidige instelling)"


def count_text(count: int, one: str, many: str, **values: object) -> str:
    """The singular sentence for exactly one, else the plural with the count filled in."""
    return (one if count == 1 else many).format(count=count, **values)


def page_title(what: str) -> str:
    """A browser tab's title: what the page shows, then the application."""
    return f"{what} - {APP_TITLE}"


# Login
LOGIN_HEADING = "Aanmelden als LeerID-beheerder"
LOGIN_USERNAME = "Gebruikersnaam"
LOGIN_PASSWORD = "Wachtwoord"
LOGIN_BUTTON = "Aanmelden"
LOGGED_OUT = "Je bent afgemeld."
LOGIN_REQUIRED = "Meld je aan om verder te gaan."
UNEXPECTED_ERROR = "Er ging iets mis. Er is niets gewijzigd; probeer het opnieuw."

# Pupil list
FILTER_HEADING = "FILTER LEERLINGEN LIJST"
SEARCH_PLACEHOLDER = "zoek op stamnummer, naam of voornaam"
GROUP_LABEL = "Administratieve groep"
STATUS_LABEL = "Status"
TYPE_LABEL = "Type"
ALL = "Alle"
LIST_HEADING = "INGESCHREVEN LEERLINGEN"
# Labels followed on screen by a number from state.
TOTAL_ROWS = "Totaal aantal rijen: "
SELECTED_COUNT = "Aantal geselecteerde leerlingen: "
CLEAR_SELECTION = "Wis selectie"
COL_STAMNUMMER = "Stamnummer"
COL_FIRST_NAME = "Voornaam"
COL_LAST_NAME = "Naam"
COL_GROUP = "Administratieve groep"
COL_STATUS = "Status"
COL_TYPE = "Type"
RENEW_PASSWORDS = "Vernieuw wachtwoord"
ACTIVATE_ACCOUNTS = "Activeer LeerID"
NO_PUPILS_FOUND = "Geen leerlingen gevonden."
CLEAR_FILTERS = "Wis de filters"
SELECT_ALL_MATCHING = "Selecteer alle {count} leerlingen"
SELECT_THE_ONLY_ONE = "Selecteer de enige leerling"
SELECT_ALL_ON_PAGE = "Selecteer alle leerlingen op deze pagina"
SELECT_PUPIL = "Selecteer {name}"
LIST_TABLE_LABEL = "Ingeschreven leerlingen"
PREVIOUS_PAGE = "Vorige"
NEXT_PAGE = "Volgende"

# Pupil detail
ENROLLMENT_DATA = "INSCHRIJVINGSGEGEVENS"
OFFICIAL_DATA = "OFFICIËLE GEGEVENS"
GENDER = "Geslacht"
BIRTH_DATE = "Geboortedatum"
NO_OFFICIAL_DATA = "Geen officiële gegevens beschikbaar."
ACCOUNT_STATUS = "Account status"
EDIT_CREDENTIALS = "Pas aanmeldgegevens aan"
USERNAME = "Gebruikersnaam"
PASSWORD_TYPE = "Wachtwoord type"
MUST_CHOOSE_PASSWORD = "Moet nieuw wachtwoord kiezen bij eerste aanmelding"
EMAIL = "E-mailadres"
CREATED = "LeerID creatie"
LAST_LOGIN = "Laatste aanmelding"
NEVER_LOGGED_IN = "Nog niet aangemeld"
NO_ACCOUNT = "Geen account"
ACTIVATE_ONE = "Activeer LeerID"
WILL_BECOME_INACTIVE = "Wordt automatisch inactief bij einde inschrijving - {date}"
BECAME_INACTIVE = "Inactief sinds einde inschrijving - {date}"
BACK_TO_LIST = "Terug naar de lijst"
PUPIL = "Leerling"
LEERID = "LeerID"
REMARK = "OPMERKING"
REMARK_ENROLLMENT = (
    "Zijn de inschrijvingsgegevens niet correct? Dan moeten deze worden aangepast via het "
    "leerlingadministratiepakket van de school. Nadat de gecorrigeerde gegevens doorstromen uit "
    "DISCIMUS staan ze een dag later ook correct in het LeerID Schoolloket."
)
REMARK_OFFICIAL = (
    "Geen officiële gegevens beschikbaar? Dan beschikt de leerling (nog) niet over een geldig "
    "rijksregister- of bisnummer of ontbreekt het identificatienummer in het "
    "leerlingadministratiepakket van de school."
)
PASSWORD_TYPE_LABELS = {
    "basis": "Basis wachtwoord",
    "gevorderd": "Gevorderd wachtwoord",
    # The manual shows a pupil's self-chosen password as "Gevorderd wachtwoord" too.
    "eigen": "Gevorderd wachtwoord",
}
ACCOUNT_CARD_TITLES = {"basis": "Basis LeerID", "gevorderd": "Gevorderd LeerID"}
ACCOUNT_ACTIVATED = "Het LeerID is geactiveerd."

# Edit credentials
EDIT_HEADING = "LeerID aanmeldgegevens"
CHANGE_USERNAME = "pas gebruikersnaam aan"
GENERATE_PASSWORD = "genereer nieuw wachtwoord"
PASSWORD = "Wachtwoord"
REMOVE_EMAIL = "Verwijder e-mailadres"
REMOVE_EMAIL_CONFIRM_TITLE = "E-mailadres verwijderen?"
REMOVE_EMAIL_CONFIRM = (
    "Het e-mailadres wordt ontkoppeld en er wordt meteen een nieuw wachtwoord gegenereerd. "
    "De leerling moet bij de volgende aanmelding een eigen wachtwoord kiezen."
)
REMOVE_EMAIL_PENDING = "Het e-mailadres wordt verwijderd bij het bewaren."
CONFIRM = "Verwijderen"
CANCEL = "Annuleer"
SAVE_AND_PRINT = "Bewaren en afdrukken"
SAVED = "Het LeerID is succesvol aangepast."
REMARK_USERNAME_UNIQUE = (
    "Een gebruikersnaam kan slechts 1 keer voorkomen in het systeem. Indien de gegenereerde "
    "gebruikersnaam reeds bestaat, wordt deze aangevuld met een cijfer."
)
REMARK_USERNAME_RULES = (
    "Deze gebruikersnaam mag niet langer zijn dan 50 karakters en mag geen '@-teken' bevatten."
)
REMARK_NEW_PDF = (
    "Je kunt de gebruikersnaam en het wachtwoord wijzigen. Indien je het wachtwoord aanpast, "
    "wordt een nieuwe PDF gemaakt."
)

# Bulk
BULK_RENEW_HEADING = "Bulk: genereer nieuw wachtwoord"
BULK_ACTIVATE_HEADING = "Bulk: activeer LeerID's"
WITHOUT_EMAIL = "LEERLINGEN ZONDER E-MAILADRES"
WITH_EMAIL = "LEERID'S MET GEKOPPELD E-MAILADRES"
TO_ACTIVATE = "LEERLINGEN ZONDER LEERID"
COL_NAME_AND_STAMNUMMER = "Naam + stamnummer"
COL_USERNAME = "Gebruikersnaam"
COL_PASSWORD = "Wachtwoord"
COL_EMAIL = "E-mailadres"
COL_ACCOUNT_TYPE = "Accounttype"
EMAIL_LINKED_TITLE = (
    "Je kan geen nieuw wachtwoord genereren voor LeerID's met een gekoppeld e-mailadres"
)
EMAIL_LINKED_EXPLANATION = (
    "Leerlingen die een e-mailadres hebben gekoppeld aan hun LeerID kunnen zelf hun wachtwoord "
    "herstellen en wijzigen. Je kan hun wachtwoord niet wijzigen in Bulk. Enkel in uitzonderlijke "
    "gevallen, wanneer ze de controle over hun e-mailadres en wachtwoord kwijt zijn, kan je ze 1 "
    "per 1 een nieuw wachtwoord geven (en hun e-mailadres ontkoppelen)."
)
SKIPPED_WITHOUT_ACCOUNT = "Geen LeerID, overgeslagen: {names}"
SKIPPED_ALREADY_ACTIVE = "Heeft al een LeerID, overgeslagen: {names}"
AND_MORE = " en {count} andere"
CANCEL_BULK = "Annuleren"
NOTHING_SELECTED = "Er zijn geen leerlingen geselecteerd."
BULK_STAY_ON_PAGE = "Blijf op deze pagina tot de nieuwe wachtwoorden getoond worden."
RESULT_RENEWED = "{count} LeerID's hebben een nieuw wachtwoord"
RESULT_RENEWED_ONE = "1 LeerID heeft een nieuw wachtwoord"
RESULT_ACTIVATED = "{count} LeerID's zijn geactiveerd"
RESULT_ACTIVATED_ONE = "1 LeerID is geactiveerd"
RESULT_BASIC = (
    "{count} {kind} LeerID's met basis wachtwoord: De leerlingen kunnen meteen aanmelden. Ze "
    "kunnen hun wachtwoord niet zelf aanpassen; bij verlies geef je hen een nieuw wachtwoord."
)
RESULT_ADVANCED = (
    "{count} {kind} LeerID's met gevorderd wachtwoord: De leerlingen moeten hun wachtwoord "
    "aanpassen nadat ze de eerste keer aangemeld zijn. Ze kunnen nadien steeds hun wachtwoord "
    "aanpassen en een e-mailadres toevoegen."
)
RESULT_BASIC_ONE = (
    "1 {kind} LeerID met basis wachtwoord: De leerling kan meteen aanmelden. Het wachtwoord kan "
    "de leerling niet zelf aanpassen; bij verlies geef je een nieuw wachtwoord."
)
RESULT_ADVANCED_ONE = (
    "1 {kind} LeerID met gevorderd wachtwoord: De leerling moet het wachtwoord aanpassen na de "
    "eerste aanmelding. Nadien kan de leerling steeds het wachtwoord aanpassen en een "
    "e-mailadres toevoegen."
)
KIND_EXISTING = "bestaande"
KIND_NEW = "nieuwe"
RESULT_TABLE = "LEERID'S MET NIEUW {kind} WACHTWOORD"
RESULT_TABLE_ACTIVATED = "NIEUWE LEERID'S MET {kind} WACHTWOORD"
PASSWORD_KIND_UPPER = {"basis": "BASIS", "gevorderd": "GEVORDERD"}
NEW_ADVANCED_HINT = "nieuw gevorderd wachtwoord"
SHOW_ALL_SKIPPED = "Toon alle overgeslagen leerlingen"
SKIPPED_LIST_LABEL = "Overgeslagen leerlingen"
PROGRESS_LABEL = "Voortgang van het bewaren"
RESULT_DISCARDED = (
    "De wachtwoorden worden niet bewaard: download de PDF of de Excel voor je deze pagina verlaat."
)
BULK_SCHOOL_CHANGED = "De instelling is intussen gewijzigd. Selecteer de leerlingen opnieuw."
DOWNLOAD_PDF = "Download een PDF met LeerID gebruikersnamen en wachtwoorden"
DOWNLOAD_EXCEL = "Download de Excel met alle LeerID data"
DONE = "Klaar, terug naar de lijst"

# Logbook
LOGBOOK_HEADING = "Logboek"
LOGBOOK_PUPIL_FILTER = "zoek op leerling (stamnummer of naam)"
LOGBOOK_ACTION = "Actie"
LOGBOOK_FROM = "Van"
LOGBOOK_TO = "Tot en met"
COL_WHEN = "Tijdstip"
COL_WHO = "Beheerder"
COL_ACTION = "Actie"
COL_PUPIL = "Leerling"
LEERID = "LeerID"
COL_DETAILS = "Details"
