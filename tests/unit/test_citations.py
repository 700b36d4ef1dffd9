"""Provisions in a letter that do not come from the catalogue are noticed."""

import pytest

from app.services.citations import cites_unlisted_law


@pytest.mark.parametrize(
    "text",
    [
        "Na podstawie art. 999 k.p.c. wnoszę o oddalenie.",
        "zgodnie z art 97 ustawy",
        "na mocy artykułu 15",
        "§ 3 regulaminu",
        "w ust. 2",
        "pkt 4 umowy",
        "naruszenie kpc",
        "Kodeksem wykroczeń",
        "Dz. U. z 2024 r. poz. 1",
        "żądanie na podstawie RODO",
        "przepisy ustawy o ochronie danych",
        "k.p.a. przewiduje",
    ],
)
def test_citations_are_noticed(text: str) -> None:
    assert cites_unlisted_law(f"<p>{text}</p>")


@pytest.mark.parametrize(
    "text",
    [
        "Samochód był ustawiony prawidłowo.",
        "Ustawiłem auto na miejscu dla mieszkańców.",
        "Artur Nowak, ul. Polna 1",
        "Zapłaciłam fakturę w terminie.",
        "Podstawa prawna: art. 505 k.p.c. (treść sprzeciwu: art. 503 k.p.c.).",
        "Podstawa prawna: art. 101 § 1 k.p.w. (także § 1a: grzywna ponad granicę ustawową).",
    ],
)
def test_ordinary_text_and_catalogue_bases_are_not(text: str) -> None:
    assert not cites_unlisted_law(f"<p>{text}</p>")
