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
RENDER_TIMED_OUT = (
    "Tworzenie pliku PDF trwało zbyt długo i zostało przerwane (dwie próby). Spróbuj ponownie;"
    " jeśli to się powtórzy, skróć pismo albo usuń z niego duże tabele."
)
RENDER_KILLED = (
    "Proces tworzący plik PDF niespodziewanie się zatrzymał (dwie próby). Twoje pismo jest"
    " zapisane — spróbuj ponownie za chwilę."
)
RENDER_TOO_BIG = (
    "Pismo jest zbyt złożone, by utworzyć z niego plik PDF (zabrakło pamięci). Skróć je albo"
    " usuń z niego duże tabele i spróbuj ponownie."
)
RENDER_LOST = (
    "Zlecenie utworzenia pliku PDF zaginęło (np. po restarcie serwera) i nie zostało"
    " dokończone. Twoje pismo jest zapisane — spróbuj ponownie."
)
RENDERS_BUSY = "Tworzysz już kilka plików PDF naraz. Poczekaj, aż będą gotowe, i spróbuj ponownie."
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

# Drafting by fields.
DRAFT_READY_MISSING = (
    "Pismo gotowe, ale brakuje w nim niektórych danych — uzupełnij je w formularzu „Dane do pisma”."
)
DRAFT_OUT_OF_SCOPE = (
    "Tej sprawy nie prowadzimy dalej sami: zobacz poniżej, dlaczego i gdzie szukać pomocy."
)
DRAFT_NO_SITUATION = (
    "Nie udało się ustalić, które pismo pasuje do Twojej sprawy. Wybierz je z listy"
    " w części „Pismo”."
)
FIELDS_INVALID = (
    "Niczego jeszcze nie zapisaliśmy — popraw zaznaczone pola; to, co wpisałeś, zostało"
    " w formularzu. Jeśli nie znasz jakichś danych, zaznacz na dole „Nie znam jeszcze"
    " wszystkich danych”."
)
FIELDS_OUT_OF_SCOPE = (
    "Z tych danych wynika sprawa, w której nie przygotujemy pisma (zobacz niżej). Nic nie"
    " zapisaliśmy; jeśli to pomyłka w danych, popraw ją."
)
FIELDS_SAVED = "Zapisano dane i wersję {number} pisma."
FIELDS_UNCHANGED = "Dane się nie zmieniły, więc nie powstała nowa wersja."
SITUATION_UNKNOWN = "Nie znamy takiego rodzaju pisma. Wybierz je z listy."
SITUATION_CHOSEN = "Wybrano: {name}. Uzupełnij dane do pisma poniżej."
REFUSAL_CHOSEN = "Zapisaliśmy, że to sprawa, w której nie przygotujemy pisma — zobacz dlaczego."
ICS_SUMMARY = "Ostatni dzień: {document}"
ICS_DESCRIPTION = (
    "{document} ({case}). Termin: {event} ({basis}); ostatni dzień {day}."
    " Sprawdź termin w sprawie w mikroporadzie."
)
FIELD_ERRORS = {
    "required": "To pole jest wymagane.",
    "too_long": "Za długi tekst.",
    "bad_value": "Nieprawidłowa wartość.",
    "unknown": "Tego pola nie ma w tym piśmie.",
    "bad_name": "Wpisz imię i nazwisko literami, np. „Jan Kowalski”.",
    "bad_address": "Wpisz pełny adres: ulicę z numerem, kod pocztowy i miejscowość.",
    "bad_date": "Wpisz datę, np. 20.11.2026.",
    "future_date": "Ta data jest w przyszłości — sprawdź ją.",
    "bad_case_number": "Sygnatura wygląda inaczej, np. „I C 123/26” albo „VI Nc-e 1234567/26”.",
    "not_e_court": "To nie jest sygnatura e-sądu (ma litery „Nc-e”). Jeśli nakaz wydał inny sąd,"
    " wybierz „Nakaz zapłaty w postępowaniu upominawczym”.",
    "bad_mandate": "Wpisz serię (litery) i numer mandatu, np. „CW 1234567”.",
    "bad_amount": "Wpisz kwotę w złotych, np. 1250,00.",
    "bad_url": "Wpisz pełny adres zaczynający się od https:// lub http://.",
    "bad_email": "Wpisz adres e-mail, np. jan@example.com.",
    "bad_days": "Wpisz liczbę dni od 1 do 90.",
    "bad_duration": "Wpisz termin tak jak w piśmie z sądu, np. „14 dni” albo „2 tygodnie”.",
    "bad_choice": "Wybierz jedną z możliwości.",
}

# Moving a case to another device.
TRANSFER_INVALID = (
    "Ten kod nie działa: jest błędny, został już użyty albo minęło 15 minut. Poproś o nowy kod"
    " na urządzeniu, na którym masz sprawę."
)
TRANSFER_DONE = "Sprawa jest teraz dostępna także w tej przeglądarce."
START_EMPTY = (
    "Opisz swoją sprawę w kilku słowach albo wybierz poniżej, czego dotyczy — wtedy zaczniemy."
)

# Versions of the letter.
VERSION_RESTORED = (
    "Przywrócono wersję {old} — jest teraz aktualna jako wersja {number}. Poprzednie wersje"
    " zostają."
)
VERSION_RESTORE_UNCHANGED = "To już jest treść aktualnej wersji pisma — nic się nie zmieniło."
VERSION_RESTORE_STALE = (
    "W międzyczasie zapisano nowszą wersję pisma, więc niczego nie przywróciliśmy i nic nie"
    " zginęło. Sprawdź aktualną wersję; jeśli nadal chcesz wrócić do tej, naciśnij"
    " „Przywróć tę wersję” jeszcze raz."
)

# Deleting cases.
CASE_DELETED = "Sprawa została usunięta razem z rozmową, pismem i plikami PDF."
CASE_DELETE_FAILED = (
    "Nie udało się usunąć sprawy — nic nie zostało usunięte. Spróbuj ponownie za chwilę."
)
CASES_DELETED = "Usunęliśmy wszystkie Twoje sprawy razem z rozmowami, pismami i plikami PDF."
CASES_DELETE_FAILED = (
    "Nie udało się usunąć wszystkich spraw (część mogła już zniknąć). Spróbuj ponownie za chwilę."
)
NO_CASES = "Ta przeglądarka nie ma żadnych spraw."

# Revising the letter with the model.
REVISE_WORKING = "Asystent poprawia pismo…"
REVISE_READY = (
    "Poprawiona wersja pisma jest gotowa. Porównaj zmiany — poprzednią wersję możesz przywrócić."
)
REVISE_UNCHANGED = "Asystent nie zmienił tekstu, więc nie powstała nowa wersja."
REVISE_STOPPED = "Poprawianie przerwane; pismo zostało bez zmian."
REVISE_STALE = (
    "W międzyczasie zapisano nowszą wersję pisma, więc poprawka nie została dodana."
    " Spróbuj ponownie."
)
REVISE_NEEDS_FIELDS = (
    "Poprawiać z asystentem można pismo przygotowane z danych. Twoja wersja ma zmieniony cały"
    " tekst — wróć do wersji z danych albo popraw ją sam."
)
REVISE_BAD_REQUEST = (
    "Nie wiemy, co poprawić: wybierz akapit i sposób (przy „Dodaj fakt” wpisz ten fakt)."
)
REVISE_FAILED = (
    "Asystent nie poprawił pisma (model nie odpowiedział albo odpowiedział nie na temat)."
    " Pismo zostało bez zmian — spróbuj za chwilę albo popraw je sam."
)

# The JSON API (messages for whoever reads the client's log).
API_UNAUTHORIZED = "Brak ważnego klucza API."
API_METHOD_NOT_ALLOWED = "Ta metoda nie jest dostępna pod tym adresem."
API_UNAVAILABLE = "Usługa jest chwilowo niedostępna."
API_NO_DEADLINE = "Dla tego pisma prawo nie wyznacza terminu."
API_JSON_ONLY = "Treść żądania musi być w formacie JSON (Content-Type: application/json)."
API_NOT_FOUND = "Nie ma takiego zasobu albo nie należy on do tego klucza."
API_FIELDS_INVALID = (
    "Niektóre pola pisma mają nieprawidłowe wartości; opis każdego jest w details.fields."
)
API_TOO_MANY_LONG = (
    "Za dużo otwartych strumieni i oczekiwań na odpowiedź naraz; zamknij któreś i spróbuj ponownie."
)
API_CONFLICT = "Żądanie nie pasuje do obecnego stanu sprawy."
API_UNKNOWN_EVENT = "To pismo nie ma takiej daty, od której liczy się termin."
API_LENGTH_NEEDED = "Podaj długość terminu wyznaczonego przez sąd, np. „14 dni”."
API_INVALID = "Żądanie ma nieprawidłowe dane; szczegóły są w polu details."
API_BAD_JSON = "Treść żądania nie jest poprawnym JSON-em."
API_KEY_IN_QUERY = "Klucza API nie podaje się w adresie; użyj nagłówka Authorization: Bearer."
API_BAD_AUTH = "Nagłówek Authorization musi mieć postać: Bearer <klucz>."
API_BLANKS_LEFT = (
    "W piśmie zostały puste miejsca do uzupełnienia; "
    "aby mimo to utworzyć PDF, wyślij allow_blanks: true."
)
API_RENDER_NOT_READY = "PDF nie jest jeszcze gotowy."
API_LEGACY_PDF_TIMEOUT = "PDF nie powstał w wyznaczonym czasie; spróbuj ponownie później."
