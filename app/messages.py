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
DRAFT_STALE = (
    "W międzyczasie zapisano nowszą wersję pisma, więc projekt asystenta nie został dodany."
    " Spróbuj ponownie."
)
DRAFT_WORKING = "Przygotowuję pismo…"
DRAFT_READY = "Pismo jest gotowe — znajdziesz je w części „Pismo”."
DRAFT_STOPPED = "Zatrzymano przygotowywanie pisma. Pismo się nie zmieniło."

# Live turns.
REPLY_WRITING = "Asystent pisze…"
REPLY_QUEUED = "Model odpowiada teraz innym osobom. Przed Tobą w kolejce: {ahead}."
REPLY_WAITING = "Czekam na model językowy…"
REPLY_CUT_LENGTH = "Odpowiedź została ucięta, bo była za długa. Dopytaj o resztę."
REPLY_STALLED = (
    "Model przestał pisać w trakcie odpowiedzi. Powyżej to, co zdążył napisać — możesz"
    " spróbować ponownie."
)
REPLY_DEADLINE = (
    "Odpowiedź trwała zbyt długo, więc została przerwana. Powyżej to, co model zdążył napisać."
)
REPLY_BROKE_OFF = (
    "Model zgłosił błąd w trakcie odpowiedzi. Powyżej to, co zdążył napisać — możesz"
    " spróbować ponownie."
)
REPLY_STOPPED = "Zatrzymano odpowiedź."
LLM_LOST = (
    "Odpowiedź się nie zakończyła, bo serwer przerwał pracę. Twoja wiadomość jest zapisana —"
    " spróbuj ponownie."
)
LLM_QUEUE_DOWN = (
    "Kolejka zadań modelu jest teraz niedostępna. Twoja wiadomość jest zapisana — spróbuj"
    " ponownie za chwilę."
)
TURN_BUSY = (
    "Asystent jeszcze pracuje nad poprzednią odpowiedzią. Poczekaj, aż skończy, albo ją"
    " zatrzymaj — Twój tekst czeka w polu poniżej."
)
QUEUE_FULL = (
    "Model językowy ma teraz zbyt wiele pracy. Twój tekst czeka w polu poniżej — spróbuj"
    " ponownie za minutę."
)
NOTHING_TO_STOP = "Asystent niczego teraz nie pisze."

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
