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
# The server lost this tab's state (its state store restarted): logged out, cleanly.
STATE_LOST = "Je bent afgemeld omdat de server opnieuw werd opgestart. Meld je opnieuw aan."
DATABASE_UNAVAILABLE = (
    "De databank is even niet bereikbaar. Er is niets gewijzigd; probeer het zo meteen opnieuw."
)
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
KIND_FIXED = "klaargezette"
RESULT_DISCARDED = (
    "De wachtwoorden worden niet bewaard: download de PDF of de Excel voor je deze pagina verlaat."
)
# A save left out LeerID's changed after the plan was shown (another administrator, the pupil).
REFUSED_RENEWED = (
    "Intussen door iemand anders gewijzigd, daarom geen nieuw wachtwoord: {names}. "
    "Deze leerlingen staan niet in de PDF en de Excel; hun vorige wachtwoord blijft geldig."
)
REFUSED_ACTIVATED = (
    "Intussen door iemand anders gewijzigd of al geactiveerd, daarom niet geactiveerd: {names}. "
    "Deze leerlingen staan niet in de PDF en de Excel."
)
REFUSED_BY = "{name} (door {who})"
PLAN_AGAIN = "Plan deze leerlingen opnieuw"
PLAN_AGAIN_HINT = "Download eerst de PDF en de Excel: de wachtwoorden hierboven verdwijnen dan."
RENAMED_MEANWHILE = (
    "Deze gebruikersnamen waren intussen in gebruik; de leerlingen kregen een andere: {names}."
)
RENAMED_ONE = "{name}: {given} in plaats van {planned}"
BULK_SCHOOL_CHANGED = "De instelling is intussen gewijzigd. Selecteer de leerlingen opnieuw."
# A bulk run whose server worker stopped (the save is one transaction: all or nothing).
BULK_RUN_INTERRUPTED = (
    "Het bewaren werd onderbroken door een storing op de server. Er is niets gewijzigd: de "
    "oude wachtwoorden blijven geldig. Selecteer de leerlingen opnieuw en probeer het nog eens."
)
BULK_RUN_INTERRUPTED_SAVED = (
    "De nieuwe wachtwoorden werden bewaard, maar een storing op de server verhinderde dat ze "
    "getoond werden. Vernieuw de wachtwoorden van deze leerlingen opnieuw om ze af te drukken."
)
BULK_RUN_CHECKING = "Het bewaren van je vorige opdracht loopt nog of wordt nagekeken…"
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

# Import from the pupil administration package
NAV_IMPORT = "Importeer leerlingen"
IMPORT_HEADING = "Importeer leerlingen"
IMPORT_SCHOOL_NUMBER = "Instellingsnummer: "
IMPORT_INTRO = (
    "Importeer de export van het leerlingadministratiepakket van de school (Informat, Wisa, "
    "Smartschool, Discimus …) als CSV- of Excel-bestand (.xlsx). Je ziet eerst een voorbeeld; "
    "er wordt pas iets gewijzigd als je bevestigt."
)
IMPORT_REMARK_COLUMNS = (
    "Verplichte kolommen: Stamnummer, Voornaam, Naam en Administratieve groep (of Klas). "
    "Geslacht, Geboortedatum, Rijksregisternummer, Begindatum, Einddatum en Onderwijsniveau "
    "worden overgenomen als ze in het bestand staan; een lege cel wist niets."
)
IMPORT_REMARK_ENDING = (
    "Leerlingen die niet meer in het bestand staan, worden Inactief op de dag van de import; "
    "hun LeerID blijft bewaard en werkt weer als ze terug ingeschreven worden. In juli en "
    "augustus wordt niemand uitgeschreven omdat hij ontbreekt."
)
IMPORT_REMARK_NEW = (
    "Nieuwe leerlingen krijgen de status Geen account. Activeer hun LeerID daarna in de "
    "leerlingenlijst (filter Status: Geen account, selecteer, Activeer LeerID)."
)
IMPORT_FILE_HEADING = "BESTAND"
IMPORT_CHOOSE_FILE = "Kies een bestand"
IMPORT_FILE_INPUT = "Exportbestand van het leerlingadministratiepakket (.csv of .xlsx)"
IMPORT_DROP_HINT = "of sleep een .csv- of .xlsx-bestand hierheen (maximaal {mb} MB)."
IMPORT_READING = "Het bestand wordt gelezen en vergeleken met de leerlingen van je instelling…"
IMPORT_PREVIEW_HEADING = "VOORBEELD VAN DE IMPORT"
IMPORT_FILE_LINE = "Bestand: "
IMPORT_IGNORED = "Genegeerde kolommen: "
IMPORT_COL_ROW = "Rij"
IMPORT_COL_NAME = "Voornaam en naam"
IMPORT_COL_DETAILS = "Wijzigingen of reden"
IMPORT_NOTHING_HERE = "Geen leerlingen in deze lijst."
IMPORT_ONLY_VALID = "Importeer enkel de geldige rijen (de geweigerde rijen worden overgeslagen)"
IMPORT_CONFIRM = "Importeer"
IMPORT_CANCEL = "Annuleer"
# Follows the number of refused rows on screen.
IMPORT_REFUSED_HINT = (
    " rij(en) werden geweigerd. Verbeter ze in het leerlingadministratiepakket en "
    "importeer opnieuw, of importeer enkel de geldige rijen."
)
IMPORT_DONE = (
    "De import is uitgevoerd: {new} nieuwe leerling(en), {changed} gewijzigd, {ended} "
    "uitgeschreven, {unchanged} ongewijzigd, {refused} geweigerd."
)
IMPORT_TO_LIST = "Naar de leerlingenlijst"
IMPORT_ANOTHER = "Importeer een ander bestand"
IMPORT_SCHOOL_CHANGED = "De instelling is intussen gewijzigd. Kies het bestand opnieuw."
# Login, sessions and scope (services/auth.py, services/scope.py, services/admins.py).
LOGIN_FAILED = "Onjuiste gebruikersnaam of wachtwoord."
LOGIN_THROTTLED = "Te veel mislukte aanmeldpogingen. Probeer het opnieuw over {seconds} seconden."
LOGIN_BUSY = (
    "Er worden nu te veel aanmeldpogingen verwerkt. Probeer het over enkele seconden opnieuw."
)
SESSION_EXPIRED = "Je sessie is verlopen. Meld je opnieuw aan."
NOT_SCHOOL_ADMIN = "Je bent geen beheerder van deze instelling."
INVALID_REQUEST = "Ongeldige aanvraag."
PUPIL_NOT_IN_SCHOOL = "Deze leerling bestaat niet in je instelling."
ADMIN_PASSWORD_TOO_SHORT = "Het wachtwoord moet minstens {count} tekens lang zijn."
ADMIN_PASSWORD_TOO_LONG = "Het wachtwoord mag hoogstens {count} tekens lang zijn."
ADMIN_UNKNOWN = "Beheerder '{username}' bestaat niet."
ADMIN_USERNAME_RULES = (
    "De gebruikersnaam moet 3 tot 80 tekens lang zijn en mag alleen kleine letters, "
    "cijfers, punten, liggende streepjes en koppeltekens bevatten."
)
ADMIN_NAME_RULES = "De naam moet 1 tot {count} gewone tekens lang zijn."
ADMIN_USERNAME_TAKEN = "De gebruikersnaam '{username}' is al in gebruik."
ADMIN_ALREADY_HAS_SCHOOL = "Beheerder '{username}' beheert '{school}' al."
ADMIN_DOES_NOT_HAVE_SCHOOL = "Beheerder '{username}' beheert '{school}' niet."
SCHOOL_UNKNOWN = "Instelling '{school}' bestaat niet."

# Usernames (services/usernames.py).
USERNAME_EMPTY = "Vul een gebruikersnaam in."
USERNAME_TOO_LONG = "De gebruikersnaam mag niet langer zijn dan {count} karakters."
USERNAME_AT_SIGN = "De gebruikersnaam mag geen '@-teken' bevatten."
USERNAME_WHITESPACE = "De gebruikersnaam mag geen spaties bevatten."
USERNAME_CHARACTERS = (
    "De gebruikersnaam mag alleen kleine letters zonder accenten (a-z), cijfers, punten (.), "
    "liggende streepjes (_) en koppeltekens (-) bevatten. Hij begint en eindigt met een letter "
    "of cijfer, en twee van die leestekens staan nooit naast elkaar."
)
USERNAME_TAKEN = "Deze gebruikersnaam bestaat al. Kies een andere gebruikersnaam."

# Careless clicks (issue 8): confirm many replacements, warn before leaving unsaved passwords.
CONFIRM_RENEW_TITLE = "Wachtwoorden vervangen?"
CONFIRM_RENEW = (
    "Je geeft {count} LeerID's een nieuw wachtwoord. Hun huidige wachtwoorden werken daarna "
    "niet meer."
)
CONFIRM_ACTIVATE_TITLE = "LeerID's aanmaken?"
CONFIRM_ACTIVATE = "Je maakt {count} nieuwe LeerID's aan."
CONFIRM_RENEW_BUTTON = "Ja, vervang {count} wachtwoorden"
CONFIRM_ACTIVATE_BUTTON = "Ja, maak {count} LeerID's aan"
CONFIRM_FIX_TITLE = "LeerID's klaarzetten?"
CONFIRM_FIX = (
    "Je zet {count} LeerID's klaar voor de toets: wie nog geen LeerID heeft, krijgt er een; de "
    "anderen krijgen een nieuw wachtwoord en hun huidige wachtwoord werkt daarna niet meer."
)
CONFIRM_FIX_BUTTON = "Ja, zet {count} LeerID's klaar"
CONFIRM_CANCEL = "Annuleren"
SELECTED_HIDDEN = "(waarvan {count} niet zichtbaar met de huidige filters)"
DOWNLOADED = "Gedownload"
LEAVE_WARNING = (
    "Je hebt de nieuwe wachtwoorden nog niet gedownload. Als je deze pagina verlaat, zijn ze "
    "niet meer op te vragen. Toch verlaten?"
)
LEAVE_TITLE = "Nog niets gedownload"
LEAVE_ANYWAY = "Toch verlaten"
STAY = "Blijven"

# Pupils whose enrollment ended: Inactief, and never activated.
ENROLLMENT_ENDED = (
    "De inschrijving van deze leerling is beëindigd op {date}: er wordt geen LeerID aangemaakt."
)
SKIPPED_ENROLLMENT_ENDED = "Inschrijving beëindigd, geen LeerID aangemaakt: {names}"

# One label per account type, everywhere (list, bulk tables, Excel, filters).
ACCOUNT_TYPE_LABELS = {"basis": "Basis", "gevorderd": "Gevorderd"}

# One pupil's LeerID (services/accounts.py).
ALREADY_ACTIVE = "Deze leerling heeft al een LeerID."
NO_ACCOUNT_YET = "Deze leerling heeft nog geen LeerID."
EMAIL_LINKED_NO_NEW_PASSWORD = (
    "Je kan geen nieuw wachtwoord genereren voor LeerID's met een gekoppeld e-mailadres. "
    "Verwijder eerst het e-mailadres."
)
NO_EMAIL_LINKED = "Aan dit LeerID is geen e-mailadres gekoppeld."
EMAIL_ONLY_ADVANCED = "Enkel een gevorderd LeerID kan een e-mailadres hebben."
NOTHING_CHANGED = "Er is niets gewijzigd."
REMOVE_EMAIL_NEEDS_PASSWORD = "Bij het verwijderen van het e-mailadres hoort een nieuw wachtwoord."
NOT_GENERATED = "Dit wachtwoord is niet gegenereerd. Genereer een nieuw wachtwoord."

# Bulk work (services/bulk.py).
BULK_TOO_MANY = "Selecteer ten hoogste {count} leerlingen tegelijk."
BULK_NOTHING_TO_DO = "Er zijn geen LeerID's om aan te passen."
BULK_CHANGED_MEANWHILE = (
    "Sommige LeerID's zijn intussen gewijzigd. Er is niets bewaard; probeer het opnieuw."
)

# Downloads (services/exports/).
SLIP_WARNING = (
    "Indien je denkt dat iemand anders jouw LeerID gebruikt, contacteer dan zo snel mogelijk "
    "je LeerID-beheerder."
)
SLIP_USERNAME_LABEL = "Gebruikersnaam: "
SLIP_PASSWORD_LABEL = "Wachtwoord: "
SLIP_LOGIN_AT = "Meld je aan op {url}"
EXCEL_COLUMNS = (
    "Stamnummer",
    "Voornaam",
    "Achternaam",
    "LeerID Gebruikersnaam",
    "LeerID Wachtwoord",
    "Administratieve groep",
    "Geslacht",
    "Geboortedatum",
    "Accounttype",
)

# The Logboek (services/audit.py): actions and detail keys are stored in English.
AUDIT_ACTION_LABELS = {
    "login": "Aangemeld",
    "login_failed": "Mislukte aanmelding",
    "logout": "Afgemeld",
    "session_expired": "Sessie verlopen",
    "school_switched": "Instelling gewijzigd",
    "access_denied": "Toegang geweigerd",
    "account_activated": "LeerID geactiveerd",
    "username_changed": "Gebruikersnaam gewijzigd",
    "password_renewed": "Nieuw wachtwoord",
    "email_removed": "E-mailadres verwijderd",
    "bulk_passwords_renewed": "Bulk: nieuwe wachtwoorden",
    "bulk_accounts_activated": "Bulk: LeerID's geactiveerd",
    "slips_downloaded": "PDF gedownload",
    "excel_downloaded": "Excel gedownload",
    "change_refused": "Niet gewijzigd: intussen gewijzigd",
    "pupils_imported": "Leerlingen geïmporteerd",
    "pupil_login": "Leerling aangemeld",
    "pupil_login_failed": "Aanmelding leerling geweigerd",
    "pupil_logout": "Leerling afgemeld",
    "pupil_password_changed": "Leerling koos een nieuw wachtwoord",
    "pupil_email_requested": "Leerling vroeg een e-mailadres te koppelen",
    "pupil_email_linked": "Leerling koppelde een e-mailadres",
    "pupil_email_removed": "Leerling verwijderde het e-mailadres",
    "pupil_reset_requested": "Wachtwoord vergeten: link verstuurd",
    "pupil_reset_done": "Wachtwoord hersteld via e-mail",
    "report_downloaded": "Rapport gedownload",
}
AUDIT_DETAIL_LABELS = {
    "bulk": "bulk",
    "count": "aantal",
    "from": "van",
    "to": "naar",
    "type": "type",
    "username": "gebruikersnaam",
    "reason": "reden",
    "school_id": "instelling",
    "argument": "argument",
    "refused": "geweigerd",
    "planned_username": "geplande gebruikersnaam",
    "new": "nieuw",
    "changed": "gewijzigd",
    "ended": "einde inschrijving",
    "unchanged": "ongewijzigd",
    "file": "bestand",
    "email": "e-mailadres",
    "kind": "soort",
    "postponed": "uitgesteld",
    "report": "rapport",
}
YES = "ja"
NO = "nee"
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
RESULT_FIXED_ONE = "1 LeerID is klaargezet voor de toets"
RESULT_TABLE_FIXED = "KLAARGEZETTE LEERID'S MET {kind} WACHTWOORD"
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
