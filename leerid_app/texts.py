"""Every Dutch text the screens show, in the manual's wording, reviewable in one place."""

APP_TITLE = "LeerID Schoolloket"
SWITCH_SCHOOL = "Wijzig instelling"
LOG_OUT = "Afmelden"
NAV_PUPILS = "Leerlingen"
NAV_LOGBOOK = "Logboek"

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
RESULT_ACTIVATED = "{count} LeerID's zijn geactiveerd"
RESULT_BASIC = (
    "{count} {kind} LeerID's met basis wachtwoord: De leerlingen kunnen meteen aanmelden. Ze "
    "kunnen hun wachtwoord niet zelf aanpassen; bij verlies geef je hen een nieuw wachtwoord."
)
RESULT_ADVANCED = (
    "{count} {kind} LeerID's met gevorderd wachtwoord: De leerlingen moeten hun wachtwoord "
    "aanpassen nadat ze de eerste keer aangemeld zijn. Ze kunnen nadien steeds hun wachtwoord "
    "aanpassen en een e-mailadres toevoegen."
)
KIND_EXISTING = "bestaande"
KIND_NEW = "nieuwe"
KIND_FIXED = "klaargezette"
RESULT_TABLE = "LEERID'S MET NIEUW WACHTWOORD"
RESULT_TABLE_ACTIVATED = "NIEUWE LEERID'S"
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
COL_DETAILS = "Details"

# Overzicht, Klaar voor de toets?, Gegevenscontrole, Wie wordt inactief? (readiness and reports)
NAV_OVERVIEW = "Overzicht"
NAV_READINESS = "Klaar voor de toets?"
NAV_DATA_CHECK = "Gegevenscontrole"
NAV_LEAVERS = "Wie wordt inactief?"
ATTENTION_LABEL = "Aandachtspunt"
OVERVIEW_HEADING = "Overzicht"
OVERVIEW_TABLE = "LEERLINGEN PER ADMINISTRATIEVE GROEP"
OVERVIEW_ALL_GROUPS = "Alle groepen"
OVERVIEW_COLUMNS = {
    "pupils": "Leerlingen",
    "active": "Actief",
    "not_logged_in": "Nog niet aangemeld",
    "must_choose": "Moet wachtwoord kiezen",
    "deadline_passed": "waarvan termijn verstreken",
    "email_linked": "E-mail gekoppeld",
    "no_account": "Geen account",
    "inactive": "Inactief",
}
OVERVIEW_LINK = "{count} leerlingen: {group}, {column}"
LOGIN_CHART_HEADING = "AANMELDINGEN VAN LEERLINGEN PER DAG (LAATSTE 30 DAGEN)"
LOGIN_CHART_TOTAL = "Aanmeldingen in de laatste 30 dagen: "
LOGIN_CHART_FROM_LAST_LOGIN = (
    "Er zijn nog geen aanmeldingen gelogd: de grafiek toont enkel de laatste aanmelding van "
    "elke leerling."
)
LOGIN_CHART_SERIES = "Aanmeldingen"
LOGIN_CHART_TABLE = "Aanmeldingen per dag"
COL_DAY = "Dag"
COL_LOGINS = "Aanmeldingen"

READINESS_HEADING = "Klaar voor de toets?"
READINESS_INTRO = (
    "Kies de administratieve groepen die de toets afleggen (of gebruik je selectie uit de "
    "leerlingenlijst). Je ziet per leerling of die kan aanmelden, en waarom niet."
)
READINESS_GROUPS = "Administratieve groepen"
READINESS_USE_SELECTION = "Gebruik mijn selectie uit de lijst"
READINESS_SELECTION_SIZE = "Geselecteerd in de lijst: "
READINESS_CLEAR = "Wis keuze"
READINESS_CHOOSE_FIRST = "Kies minstens één administratieve groep."
READINESS_COUNTS = "RESULTAAT"
READINESS_IN_SCOPE = "Leerlingen gekozen: "
READINESS_READY = "Kunnen aanmelden: "
READINESS_TABLE = "LEERLINGEN DIE NIET VLOT KUNNEN AANMELDEN"
READINESS_ALL_READY = "Alle gekozen leerlingen kunnen aanmelden."
READINESS_FIX = "Zet klaar voor de toets"
READINESS_FIX_ACTIVATE = "LeerID's te activeren: "
READINESS_FIX_RENEW = "Nieuwe wachtwoorden: "
READINESS_FIX_UNTOUCHED = (
    "Leerlingen met een gekoppeld e-mailadres en inactieve leerlingen blijven ongemoeid."
)
READINESS_NOTHING_TO_FIX = "Er is niets klaar te zetten."
COL_REASON = "Reden"
COL_FIX = "Klaarzetten"
REASON_LABELS = {
    "no_account": "Geen account",
    "inactive": "Inactief (einde inschrijving)",
    "email_linked": "E-mail gekoppeld: kan zelf het wachtwoord herstellen",
    "deadline_passed": "Termijn om wachtwoord te kiezen verstreken",
    "recently_issued": "Nog niet aangemeld met het wachtwoord van de laatste 14 dagen",
    "never_logged_in": "Nog niet aangemeld",
}
FIX_LABELS = {
    "activate": "LeerID activeren",
    "renew": "Nieuw wachtwoord",
    "none": "Geen actie mogelijk",
}
BULK_FIX_HEADING = "Bulk: klaarzetten voor de toets"
TO_FIX = "LEERLINGEN DIE KLAARGEZET WORDEN"
RESULT_FIXED = "{count} LeerID's zijn klaargezet voor de toets"
RESULT_TABLE_FIXED = "KLAARGEZETTE LEERID'S"
LARGE_SLIPS = "Grote letters: één strookje per kwart pagina (dyslexievriendelijk)"

DATA_CHECK_HEADING = "Gegevenscontrole"
DATA_CHECK_INTRO = (
    "Wat de school moet verbeteren in haar leerlingadministratiepakket. Enkel leerlingen "
    "van wie de inschrijving nog loopt."
)
DATA_CHECK_TABLE = "TE VERBETEREN GEGEVENS"
DATA_CHECK_NONE = "Geen verschillen gevonden."
ISSUE_LABELS = {
    "name_differs": "Naam verschilt van de officiële naam",
    "birth_date_differs": "Geboortedatum in INSZ verschilt van de officiële geboortedatum",
    "missing_official": "Geen officiële gegevens",
    "duplicate_insz": "Zelfde INSZ als een andere leerling",
    "likely_duplicate": "Mogelijk dubbel ingeschreven (zelfde naam en geboortedatum)",
}
COL_ISSUE = "Bevinding"
COL_ENROLLMENT_VALUE = "Inschrijving"
COL_OFFICIAL_VALUE = "Officieel"
COL_RELATED = "Andere leerling(en)"
DOWNLOAD_REPORT_EXCEL = "Download als Excel"

LEAVERS_HEADING = "Wie wordt inactief?"
LEAVERS_INTRO = (
    "Leerlingen van wie de inschrijving eindigt in de gekozen periode. Hun LeerID wordt dan "
    "automatisch inactief."
)
LEAVERS_FROM = "Van"
LEAVERS_TO = "Tot en met"
LEAVERS_PER_GROUP = "PER ADMINISTRATIEVE GROEP"
LEAVERS_TABLE = "LEERLINGEN VAN WIE DE INSCHRIJVING EINDIGT"
LEAVERS_NONE = "Geen leerlingen van wie de inschrijving eindigt in deze periode."
COL_ENROLLMENT_END = "Einde inschrijving"
COL_COUNT = "Aantal"
BAD_DATE = "Vul een geldige datum in."
