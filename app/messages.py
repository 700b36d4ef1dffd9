"""Every sentence the user reads that does not live in a template (Polish, plain, calm)."""

# Model and network trouble.
LLM_UNAVAILABLE = (
    "Model językowy nie odpowiada. Twoja wiadomość jest zapisana — spróbuj ponownie za chwilę."
)
LLM_TIMEOUT = (
    "Model językowy odpowiada zbyt wolno. Twoja wiadomość jest zapisana — spróbuj ponownie"
    " za chwilę."
)
LLM_MODEL_MISSING = (
    "Na serwerze brakuje modelu językowego. Twoja wiadomość jest zapisana — daj znać"
    " administratorowi i spróbuj ponownie później."
)
LLM_FAILED = (
    "Model językowy zwrócił błąd. Twoja wiadomość jest zapisana — spróbuj ponownie za chwilę."
)
DRAFT_BAD_OUTPUT = (
    "Model nie przygotował poprawnego pisma. Spróbuj ponownie albo napisz pismo samodzielnie."
)
DRAFT_UNAVAILABLE = (
    "Model językowy nie odpowiada, więc pismo nie powstało. Spróbuj za chwilę albo napisz"
    " pismo samodzielnie poniżej."
)
DRAFT_TIMEOUT = (
    "Model językowy odpowiadał zbyt wolno, więc pismo nie powstało. Spróbuj za chwilę albo"
    " napisz pismo samodzielnie poniżej."
)
DRAFT_MODEL_MISSING = (
    "Na serwerze brakuje modelu językowego, więc pismo nie powstało. Możesz napisać je"
    " samodzielnie poniżej."
)
DRAFT_FAILED = (
    "Model językowy zwrócił błąd, więc pismo nie powstało. Spróbuj za chwilę albo napisz"
    " pismo samodzielnie poniżej."
)
DRAFT_NEEDS_CHAT = "Najpierw opisz swoją sprawę w rozmowie — na tej podstawie powstanie pismo."

# Chat input.
MESSAGE_EMPTY = "Napisz, w czym możemy pomóc."
MESSAGE_TOO_LONG = "Wiadomość jest za długa (najwyżej {limit} znaków). Skróć ją i wyślij ponownie."
TOPIC_UNKNOWN = "Wybierz jeden z tematów z listy."
NOTHING_TO_RETRY = "Nie ma wiadomości, na którą trzeba odpowiedzieć."

# Document input.
DOCUMENT_EMPTY = "Pismo jest puste. Wpisz treść i zapisz ponownie."
DOCUMENT_TOO_LARGE = "Pismo jest za długie (najwyżej {limit} znaków). Nic nie zostało zmienione."
DOCUMENT_TOO_DEEP = (
    "Pismo ma zbyt głęboko zagnieżdżone elementy. Uprość formatowanie; nic nie zostało zmienione."
)
DOCUMENT_TOO_COMPLEX = (
    "Pismo ma zbyt wiele elementów lub zbyt dużą tabelę. Uprość je; nic nie zostało zmienione."
)
DOCUMENT_SAVED = "Zapisano wersję {number} pisma."
DOCUMENT_UNCHANGED = "Pismo się nie zmieniło — nie utworzono nowej wersji."
DOCUMENT_STALE = (
    "W międzyczasie zapisano nowszą wersję pisma. Twoje zmiany są poniżej — sprawdź je"
    " i zapisz jeszcze raz."
)
CITES_UNLISTED_LAW = (
    "W treści pisma są przepisy spoza naszego sprawdzonego katalogu (mógł je wpisać asystent"
    " albo Ty). Sprawdź je, zanim wyślesz pismo."
)
DOCUMENT_MISSING = "Ta sprawa nie ma jeszcze pisma."

# PDF.
RENDER_FAILED = "Nie udało się utworzyć pliku PDF. Spróbuj ponownie."
RENDER_TIMED_OUT = "Tworzenie pliku PDF trwało zbyt długo. Spróbuj ponownie."
RENDER_QUEUE_DOWN = (
    "Kolejka tworzenia plików PDF jest teraz niedostępna. Twoje pismo jest zapisane —"
    " spróbuj ponownie za chwilę."
)

# Request-level errors.
CSRF_FAILED = (
    "Formularz wygasł lub został wysłany z innej strony. Odśwież stronę i spróbuj ponownie."
)
TOO_LARGE = "Wysłane dane są za duże. Skróć tekst i spróbuj ponownie."
RATE_LIMITED = "Za dużo prób w krótkim czasie. Odczekaj chwilę i spróbuj ponownie."
NOT_FOUND = "Nie ma takiej strony albo nie masz do niej dostępu."
SERVER_ERROR = "Coś poszło nie tak po naszej stronie. Twoje dane są zapisane — spróbuj ponownie."
BAD_REQUEST = "Nieprawidłowe żądanie. Odśwież stronę i spróbuj ponownie."
