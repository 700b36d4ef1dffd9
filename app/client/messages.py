"""Every sentence the command-line client prints (Polish; the server words its own errors)."""

# -- help ----------------------------------------------------------------------------------

USAGE = "Użycie: "
POSITIONALS = "argumenty"
OPTIONALS = "opcje"
HELP_HELP = "pokaż tę pomoc i zakończ"
ERROR = "Błąd: {message}"
FOREIGN_URL = "Serwer wskazał adres na innym serwerze ({url}); klucza tam nie wysyłamy."
# argparse's errors in Polish (re.sub templates: \1, \2... are argparse's own values).
ARGS_MISSING = r"brakuje argumentów: \1"
ARGS_UNKNOWN = r"nieznane argumenty: \1"
ARG_CHOICE = r"argument \1: nieznana wartość \2 (do wyboru: \3)"
ARG_INVALID = r"argument \1: zła wartość \2"
ARG_VALUE_MISSING = r"argument \1: brakuje wartości"

DESCRIPTION = (
    "Klient wiersza poleceń serwisu mikroporada: rozmowy z asystentem, pisma z pól i ich PDF."
)
EPILOG = (
    "Adres serwera: zmienna MIKROPORADA_URL albo „url” w pliku konfiguracji. "
    "Klucz API: zmienna MIKROPORADA_API_KEY albo „key” w pliku konfiguracji "
    "(MIKROPORADA_CONFIG, domyślnie ~/.config/mikroporada/config.toml). "
    "Klucza nie podaje się w wierszu poleceń."
)
HELP_URL = "adres serwera (zamiast MIKROPORADA_URL i pliku konfiguracji)"
HELP_JSON = "wypisz surową odpowiedź serwera (JSON)"
HELP_COMMANDS = "polecenia"
HELP_HEALTH = "czy serwer działa i czy ma połączenie z modelem"
HELP_TYPES = "rodzaje pism (klucz i nazwa)"
HELP_DEADLINE = "ostatni dzień terminu dla rodzaju pisma"
HELP_DEADLINE_TYPE = "klucz rodzaju pisma (zob. polecenie types)"
HELP_DEADLINE_FROM = "data zdarzenia, od którego biegnie termin (RRRR-MM-DD)"
HELP_DEADLINE_LENGTH = "długość terminu wyznaczonego przez sąd, np. „14 dni”"
HELP_DEADLINE_EVENT = "pole z datą, od której liczyć (gdy pismo ma kilka terminów)"
HELP_START = "nowa rozmowa; z wiadomością wypisuje odpowiedź asystenta w miarę pisania"
HELP_START_TOPIC = "temat z katalogu, np. nakaz-zaplaty"
HELP_START_MESSAGE = "pierwsza wiadomość do asystenta"
HELP_SEND = "wiadomość w rozmowie; odpowiedź pojawia się w miarę pisania"
HELP_CID = "identyfikator rozmowy"
HELP_MESSAGE = "treść wiadomości"
HELP_LIST = "twoje rozmowy, od najnowszej"
HELP_LIST_LIMIT = "ile rozmów pokazać (1–100, domyślnie 20)"
LIMIT_RANGE = "podaj liczbę od 1 do 100"
HELP_LIST_ALL = "wszystkie rozmowy, strona po stronie"
HELP_SHOW = "rozmowa z wiadomościami, pismem i terminem"
HELP_FILL = "nowa rozmowa z pismem wypełnionym polami z pliku JSON"
HELP_FILL_TYPE = "klucz rodzaju pisma (zob. polecenie types)"
HELP_FILL_FILE = 'plik JSON z polami, np. {"sygnatura": "I Nc 123/26"}; „-” to stdin'
HELP_ALLOW_BLANKS = "zgódź się na puste miejsca [do uzupełnienia] w piśmie"
HELP_PDF = "PDF pisma z rozmowy"
HELP_PDF_OUTPUT = "plik docelowy („-” to stdout); domyślnie nazwa nadana przez serwer"
HELP_PDF_VERSION = "numer wersji pisma (domyślnie bieżąca)"
HELP_PDF_TIMEOUT = "ile sekund najdłużej czekać na PDF (domyślnie %(default)s)"
HELP_DELETE = "usuń rozmowę razem z pismem i PDF-ami (na zawsze)"

# -- configuration -------------------------------------------------------------------------

KEY_ON_COMMAND_LINE = (
    "Klucza API nie podaje się w wierszu poleceń (trafiłby do historii powłoki). "
    'Ustaw zmienną MIKROPORADA_API_KEY albo wpisz key = "…" w pliku {path}.'
)
KEY_MISSING = (
    'Brak klucza API. Ustaw zmienną MIKROPORADA_API_KEY albo wpisz key = "…" w pliku {path}. '
    "Klucz wydaje administrator serwera (flask --app app:create_app api-keys create NAZWA)."
)
CONFIG_MISSING = "Nie ma pliku konfiguracji {path} (wskazanego w MIKROPORADA_CONFIG)."
CONFIG_UNREADABLE = "Nie można odczytać pliku konfiguracji {path}: {reason}"
CONFIG_INVALID = "Plik konfiguracji {path} nie jest poprawnym plikiem TOML: {reason}"
CONFIG_NOT_TEXT = "W pliku konfiguracji {path} wartość „{name}” musi być tekstem w cudzysłowie."
CONFIG_OPEN = (
    "Uwaga: plik {path} z kluczem API mogą czytać inni użytkownicy. Popraw to: chmod 600 {path}"
)
URL_INVALID = "Adres serwera musi zaczynać się od http:// albo https://, a jest: {url}"
URL_PLAIN = "Uwaga: klucz API idzie do {url} bez szyfrowania (http zamiast https)."

# -- talking to the server -----------------------------------------------------------------

CONNECTION_FAILED = "Nie można połączyć się z serwerem {url}: {reason}"
TIMED_OUT = "Serwer {url} nie odpowiedział w porę."
HTTP_FAILED = "Serwer odpowiedział błędem HTTP {status}."
NOT_JSON = "Serwer odpowiedział czymś innym niż JSON (HTTP {status})."
STREAM_BROKEN = "Strumień odpowiedzi urwał się; sprawdzam jej stan na serwerze."
RETRY_AFTER = "Spróbuj ponownie za {seconds} s."
FIELD_ERROR = "  – {name}: {message}"
INTERRUPTED = "Przerwano. Odpowiedź asystenta powstaje dalej na serwerze."

# -- commands ------------------------------------------------------------------------------

HEALTHY = "Serwer działa (model: Ollama {version})."
DEGRADED = "Serwer działa z ograniczeniami: brak połączenia z modelem albo bazą danych."
UNKNOWN_VERSION = "wersja nieznana"
CONVERSATION = "Rozmowa: {id}"
TITLE = "Tytuł: {title}"
TOPIC = "Temat: {topic}"
UPDATED = "Zmieniona: {when}"
BUSY = "(asystent pisze)"
NO_CONVERSATIONS = "Nie masz jeszcze żadnej rozmowy."
MORE_PAGES = "Są starsze rozmowy: mikroporada list --all"
YOU = "Ty"
ASSISTANT = "Asystent"
LETTER = "Pismo: {title} (wersja {version})"
NO_LETTER = "Pismo: jeszcze go nie ma"
BLANKS = "Puste miejsca: {blanks}"
NO_BLANKS = "Puste miejsca: brak"
DEADLINE = "Termin: do {day} ({weekday}), zostało dni: {left}; {rule}, {basis}"
DEADLINE_PASSED = "Termin: minął {day} ({weekday}); {rule}, {basis}"
DEADLINE_WAITING = "Termin: policzę go, gdy w piśmie będzie data w polu „{field}”; {basis}"
NO_DEADLINE = "Termin: prawo nie wyznacza terminu dla tego pisma"
DEADLINE_UNKNOWN = "Termin: jeszcze nieznany (zależy od tego, jakie pismo będzie potrzebne)"
LAST_DAY = "Ostatni dzień: {day} ({weekday})"
MOVED = "Termin przesunięty z {day} ({weekday}), bo to dzień wolny od pracy."
RULE = "Termin: {rule}; {basis}"
MESSAGE_EMPTY = "Wiadomość jest pusta."
TYPES_HINT = "Rodzaje pism i ich klucze pokaże: mikroporada types"
LENGTH_HINT = 'Ten termin wyznacza sąd: podaj jego długość, np. --length "14 dni".'
REPLY_PROBLEM = "Odpowiedź niepełna: {message}"
REPLY_UNFINISHED = "Odpowiedź wciąż powstaje na serwerze; zobaczysz ją później poleceniem show."
REPLY_FAILED = "Odpowiedź się nie udała: {message}"
FIELDS_NOT_OBJECT = 'Plik {path} musi zawierać obiekt JSON: {{"pole": "wartość", …}}.'
FIELD_NOT_TEXT = "W pliku {path} wartość pola „{name}” musi być tekstem w cudzysłowie."
FIELDS_INVALID_JSON = "Plik {path} nie jest poprawnym JSON-em: {reason}"
FIELDS_UNREADABLE = "Nie można odczytać pliku {path}: {reason}"
BLANKS_HINT = "Puste miejsca w piśmie: {blanks}. PDF mimo to: dodaj --allow-blanks."
RENDER_WAITING = "Tworzę PDF…"
RENDER_TIMEOUT = (
    "PDF nie powstał w ciągu {seconds} s. Spróbuj później tym samym poleceniem: serwer dokończy"
    " ten sam PDF."
)
RENDER_FAILED = "PDF się nie udał: {message}"
NOT_PDF = "Serwer nie przysłał pliku PDF."
SAVE_FAILED = "Nie można zapisać pliku {path}: {reason}"
SAVED = "Zapisano {path} (stron: {pages}, {size} kB)."
DELETED = "Usunięto rozmowę {id}."
WEEKDAYS = (
    "poniedziałek",
    "wtorek",
    "środa",
    "czwartek",
    "piątek",
    "sobota",
    "niedziela",
)
