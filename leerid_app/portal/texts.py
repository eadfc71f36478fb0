"""Every Dutch text of the Leerlingloket's screens, addressing the pupil with *je*."""

PORTAL_TITLE = "LeerID Leerlingloket"
LOGIN_HEADING = "Aanmelden met je LeerID"
LOGIN_INTRO = "Typ de gebruikersnaam en het wachtwoord van je LeerID-briefje."
USERNAME = "Gebruikersnaam"
PASSWORD = "Wachtwoord"
LOGIN_BUTTON = "Aanmelden"
FORGOT_LINK = "Wachtwoord vergeten?"
LOGGED_OUT = "Je bent afgemeld."
LOGIN_REQUIRED = "Meld je aan met je LeerID."
LOG_OUT = "Afmelden"

CHOOSE_HEADING = "Kies je eigen wachtwoord"
CHOOSE_INTRO = (
    "Je meldt je voor het eerst aan met het wachtwoord van je briefje. Kies nu een eigen "
    "wachtwoord van minstens 12 karakters. Het mag je naam of gebruikersnaam niet bevatten en "
    "niet makkelijk te raden zijn: een paar woorden die niet bij elkaar horen werkt goed."
)
CHOOSE_MANDATORY = "Je moet nu een eigen wachtwoord kiezen voor je verder kan."
DAYS_LEFT = "Je hebt nog {days} dagen om een eigen wachtwoord te kiezen."
DAY_LEFT = "Je hebt nog 1 dag om een eigen wachtwoord te kiezen."
POSTPONE = "Later wijzigen"
NEW_PASSWORD = "Nieuw wachtwoord"
REPEAT_PASSWORD = "Herhaal je nieuwe wachtwoord"
CURRENT_PASSWORD = "Huidig wachtwoord"
SAVE_PASSWORD = "Bewaar wachtwoord"
PASSWORD_CHOSEN = "Je nieuwe wachtwoord is bewaard. Gebruik het vanaf nu om je aan te melden."
PASSWORD_CHANGED = "Je nieuwe wachtwoord is bewaard. Op andere toestellen ben je afgemeld."

ACCOUNT_HEADING = "Mijn LeerID"
NAME = "Naam"
SCHOOL = "School"
ACCOUNT_TYPE = "Type LeerID"
ACCOUNT_TYPE_LABELS = {"basis": "Basis LeerID", "gevorderd": "Gevorderd LeerID"}
PASSWORD_TYPE = "Wachtwoord"
LAST_LOGIN = "Laatste aanmelding"
EMAIL = "E-mailadres"
NO_EMAIL = "Geen e-mailadres gekoppeld"
BASIC_NOTE = (
    "Met een basis LeerID kan je je wachtwoord niet zelf wijzigen en geen e-mailadres "
    "koppelen. Ben je je wachtwoord kwijt? Vraag een nieuw aan je LeerID-beheerder."
)
CHANGE_PASSWORD_HEADING = "Wijzig je wachtwoord"
EMAIL_HEADING = "Je e-mailadres"
EMAIL_INTRO = (
    "Koppel een e-mailadres aan je LeerID. Ben je je wachtwoord ooit vergeten, dan kan je "
    "via dat adres zelf een nieuw kiezen. Zolang een e-mailadres gekoppeld is, beheer je je "
    "wachtwoord zelf en maakt je school geen nieuw wachtwoord voor je."
)
NEW_EMAIL = "Nieuw e-mailadres"
SEND_CONFIRMATION = "Stuur bevestigingsmail"
REMOVE_EMAIL = "Verwijder e-mailadres"
EMAIL_SENT = (
    "We stuurden een mail naar {email}. Klik op de link in die mail om het e-mailadres te "
    "koppelen. De link blijft 24 uur geldig."
)
EMAIL_REMOVED = "Je e-mailadres is verwijderd."

FORGOT_HEADING = "Wachtwoord vergeten?"
FORGOT_INTRO = (
    "Typ je gebruikersnaam of het e-mailadres dat je aan je LeerID koppelde. Heb je een "
    "e-mailadres gekoppeld, dan sturen we je een link om een nieuw wachtwoord te kiezen."
)
IDENTIFIER = "Gebruikersnaam of e-mailadres"
SEND_RESET = "Stuur link"
BACK_TO_LOGIN = "Terug naar aanmelden"

RESET_HEADING = "Kies een nieuw wachtwoord"
RESET_FOR = "Voor LeerID: "
RESET_DONE = "Je nieuwe wachtwoord is bewaard. Meld je nu aan."

CONFIRM_HEADING = "E-mailadres bevestigen"
CONFIRM_BUSY = "Even geduld, we kijken je link na."
CONFIRM_DONE = "Je e-mailadres {email} is gekoppeld aan je LeerID."

OUTBOX_TITLE = "Demo: postvak"
OUTBOX_HEADING = "Postvak van de demo"
OUTBOX_INTRO = "De demo verstuurt geen echte mails: wat het Leerlingloket zou mailen, staat hier."
OUTBOX_EMPTY = "Er zijn nog geen mails."
OUTBOX_TO = "Aan"
