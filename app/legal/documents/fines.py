"""Fines and parking (LEGAL.md section 1)."""

from __future__ import annotations

from app.legal.documents.common import (
    COURT_ADDRESSEE,
    COURT_POST,
    MANDATE_FIELDS,
    OTHER_POST_RULE,
    PETTY_7_DAYS,
)
from app.legal.documents.model import Addressee, DeadlineSpec, DocumentType, Sending, Whose
from app.legal.fields import (
    CASE_NUMBER,
    COURT_ADDRESS,
    DELIVERY_DATE,
    EVIDENCE,
    JUSTIFICATION,
    PLACE,
    SENDER_ADDRESS,
    SENDER_NAME,
    Field,
    Kind,
)
from app.services.deadlines import DeadlineRule, Procedure, Unit

FINES: tuple[DocumentType, ...] = (
    DocumentType(
        key="uchylenie-mandatu",
        name="Wniosek o uchylenie prawomocnego mandatu karnego",
        basis="art. 101 § 1 k.p.w.",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "sad",
                "Sąd rejonowy",
                hint="Sąd rejonowy, w którego okręgu nałożono mandat — wyszukasz go po"
                " miejscowości na stronie Ministerstwa Sprawiedliwości albo zapytasz w"
                " najbliższym sądzie.",
                max_length=200,
            ),
            COURT_ADDRESS,
            *MANDATE_FIELDS,
            Field(
                "data_prawomocnosci",
                "Data podpisania mandatu albo zapłaty",
                Kind.DATE,
                hint="Mandat kredytowy staje się prawomocny z chwilą podpisania, gotówkowy"
                " i zaoczny — z chwilą zapłaty.",
            ),
            JUSTIFICATION,
            EVIDENCE,
        ),
        addressee=Addressee(
            how_to_find="Sąd rejonowy, w którego okręgu nałożono mandat; żaden inny organ nie"
            " może go uchylić. Wniosek nie idzie do policji ani straży miejskiej.",
            name_field="sad",
            address_field="sad_adres",
        ),
        sending=Sending(
            how=COURT_POST,
            to_court=True,
            post_rule=OTHER_POST_RULE,
            attachments=("kopia mandatu (jeśli ją masz)", "dowody wymienione w piśmie"),
        ),
        deadlines=(
            DeadlineSpec(
                PETTY_7_DAYS,
                "od uprawomocnienia się mandatu (kredytowy: od podpisania; gotówkowy"
                " i zaoczny: od zapłaty)",
                "data_prawomocnosci",
                "art. 101 k.p.w.",
            ),
        ),
    ),
    DocumentType(
        key="sprzeciw-wyrok-nakazowy",
        name="Sprzeciw od wyroku nakazowego",
        basis="art. 94 § 1 k.p.w. w zw. z art. 506 § 1 k.p.k.",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field("sad", "Sąd, który wydał wyrok", hint="Jak w nagłówku wyroku.", max_length=200),
            COURT_ADDRESS,
            CASE_NUMBER,
            Field("data_wyroku", "Data wyroku", Kind.DATE),
            Field(
                "data_doreczenia",
                "Data doręczenia wyroku",
                Kind.DATE,
                hint=DELIVERY_DATE.hint,
            ),
            Field(
                "uzasadnienie",
                "Uzasadnienie",
                Kind.PARAGRAPHS,
                required=False,
                hint="Sprzeciw nie wymaga uzasadnienia; możesz krótko opisać swoje stanowisko.",
                max_length=6000,
            ),
        ),
        addressee=COURT_ADDRESSEE,
        sending=Sending(how=COURT_POST, to_court=True, post_rule=OTHER_POST_RULE),
        deadlines=(
            DeadlineSpec(
                PETTY_7_DAYS,
                "od doręczenia wyroku nakazowego",
                "data_doreczenia",
                "art. 94 § 1 k.p.w. w zw. z art. 506 § 1 k.p.k.",
            ),
        ),
    ),
    DocumentType(
        key="oplata-spp",
        name="Wniosek o anulowanie opłaty dodatkowej (reklamacja)",
        basis="art. 13f ustawy o drogach publicznych",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "zarzad",
                "Zarząd drogi",
                hint="Jednostka wskazana na zawiadomieniu, np. „Zarząd Dróg Miejskich"
                " w Warszawie”.",
                max_length=200,
            ),
            Field(
                "zarzad_adres", "Adres zarządu drogi", Kind.ADDRESS, required=False, max_length=300
            ),
            Field("numer_wezwania", "Numer zawiadomienia", max_length=60),
            Field("data_zdarzenia", "Data postoju", Kind.DATE),
            Field(
                "miejsce_zdarzenia", "Miejsce postoju", hint="Ulica i miejscowość.", max_length=200
            ),
            Field("rejestracja", "Numer rejestracyjny pojazdu", max_length=12),
            JUSTIFICATION,
            EVIDENCE,
        ),
        addressee=Addressee(
            how_to_find="Zarząd drogi wskazany na zawiadomieniu (np. ZDM); adres jest na"
            " zawiadomieniu.",
            name_field="zarzad",
            address_field="zarzad_adres",
        ),
        sending=Sending(
            how="Wyślij listem poleconym albo przez elektroniczną skrzynkę podawczą zarządu drogi.",
            attachments=(
                "kopia zawiadomienia",
                "dowody, np. bilet parkingowy lub potwierdzenie płatności",
            ),
        ),
        no_deadline="Ustawa nie przewiduje tu procedury odwoławczej ani terminu; opłata"
        " przedawnia się po 5 latach.",
    ),
    DocumentType(
        key="parking-prywatny",
        name="Reklamacja",
        basis="art. 7a ust. 1 i 2 ustawy o prawach konsumenta",
        fields=(
            SENDER_NAME,
            SENDER_ADDRESS,
            PLACE,
            Field(
                "operator", "Operator parkingu", hint="Firma z wezwania do zapłaty.", max_length=200
            ),
            Field(
                "operator_adres",
                "Adres operatora",
                Kind.ADDRESS,
                required=False,
                hint="Adres albo e-mail z wezwania; reklamację można złożyć w dowolnej formie.",
                max_length=300,
            ),
            Field("numer_wezwania", "Numer wezwania", max_length=60),
            Field("data_zdarzenia", "Data postoju", Kind.DATE),
            Field("miejsce_zdarzenia", "Miejsce (parking)", max_length=200),
            Field("rejestracja", "Numer rejestracyjny pojazdu", max_length=12),
            Field("kwota", "Kwota, której żąda operator", Kind.AMOUNT, required=False),
            JUSTIFICATION,
            EVIDENCE,
        ),
        addressee=Addressee(
            how_to_find="Operator parkingu wskazany na wezwaniu; reklamację możesz wysłać"
            " e-mailem albo pocztą.",
            name_field="operator",
            address_field="operator_adres",
        ),
        sending=Sending(
            how="Wyślij e-mailem na adres z wezwania albo listem poleconym. To roszczenie"
            " cywilne, nie mandat: operator może dochodzić zapłaty tylko przed sądem.",
            attachments=("kopia wezwania", "dowody, np. bilet lub potwierdzenie płatności"),
        ),
        deadlines=(
            DeadlineSpec(
                DeadlineRule(14, Unit.DAYS, Procedure.CIVIL),
                "od otrzymania reklamacji przez operatora; bez odpowiedzi w tym terminie"
                " reklamację uważa się za uwzględnioną",
                None,
                "art. 7a ust. 1 i 2 ustawy o prawach konsumenta",
                whose=Whose.THEIRS,
            ),
        ),
    ),
)
