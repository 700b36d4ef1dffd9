"""The read-only catalogue API and the one JSON error format under /api/."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from app.legal.documents import DOCUMENT_TYPES
from app.services.fields import check


def test_the_catalogue_lists_every_document_with_a_schema(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/api/v1/catalogue")
    assert response.status_code == 200 and response.mimetype == "application/json"
    items = response.get_json()["items"]
    assert [item["key"] for item in items] == [document.key for document in DOCUMENT_TYPES]
    nakaz = next(item for item in items if item["key"] == "sprzeciw-nakaz")
    assert nakaz["name"] == "Sprzeciw od nakazu zapłaty"
    schema = nakaz["fields"]
    assert schema["properties"]["data_doreczenia"]["format"] == "date"
    assert "sygnatura" in schema["required"] and "dowody" not in schema["required"]
    assert nakaz["deadline"][0]["amount"] == 2 and nakaz["deadline"][0]["unit"] == "weeks"
    assert nakaz["deadline"][0]["from_field"] == "data_doreczenia"
    assert nakaz["deadline"][0]["procedure"] == "civil"
    akt = next(item for item in items if item["key"] == "prywatny-akt-oskarzenia")
    assert akt["fields"]["properties"]["czyn"]["enum"] == ["212", "216"]
    spp = next(item for item in items if item["key"] == "oplata-spp")
    assert spp["deadline"] is None and spp["no_deadline"]


def test_reads_pay_with_an_etag(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/api/v1/catalogue")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/catalogue", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    one = client.get("/api/v1/catalogue/zarzuty-nakaz")
    assert one.get_json()["key"] == "zarzuty-nakaz"


def test_the_deadline_from_a_date(app: Flask) -> None:
    client = app.test_client()
    # Delivered Thu 10.12.2026: 2 weeks end Thu 24.12, a holiday; 25-27 too: Mon 28.12.
    response = client.get("/api/v1/catalogue/sprzeciw-nakaz/deadline?from=2026-12-10")
    body = response.get_json()
    assert response.status_code == 200
    assert body["last_day"] == "2026-12-28" and body["nominal_day"] == "2026-12-24"
    assert body["moved"] is True and body["basis"] == "art. 502 § 1 k.p.c."
    assert body["rule"]["text"] == "2 tygodnie"
    court = client.get(
        "/api/v1/catalogue/odpowiedz-na-pozew/deadline?from=2026-11-02&length=21 dni"
    )
    assert court.get_json()["last_day"] == "2026-11-23"
    act = client.get(
        "/api/v1/catalogue/prywatny-akt-oskarzenia/deadline?from=2024-01-15&event=data_czynu"
    )
    assert act.get_json()["last_day"] == "2027-01-15"  # limitation: never moved


def _error(client: FlaskClient, path: str, method: str = "get") -> tuple[int, dict]:
    response = getattr(client, method)(path)
    assert response.mimetype == "application/json", (path, response.data[:200])
    return response.status_code, response.get_json()["error"]


def test_every_api_failure_has_one_format(app: Flask) -> None:
    client = app.test_client()
    assert _error(client, "/api/v1/nie-ma")[0:1] == (404,)
    status, error = _error(client, "/api/v1/catalogue/nie-ma")
    assert (status, error["code"]) == (404, "NOT_FOUND") and error["message"]
    status, error = _error(client, "/api/v1/catalogue", "post")
    assert (status, error["code"]) == (405, "METHOD_NOT_ALLOWED")
    status, error = _error(client, "/api/v1/catalogue/sprzeciw-nakaz/deadline?from=wczoraj")
    assert (status, error["code"]) == (422, "INVALID_REQUEST")
    assert list(error["details"]["fields"]) == ["from"]
    status, error = _error(client, "/api/v1/catalogue/odpowiedz-na-pozew/deadline?from=2026-11-02")
    assert (status, list(error["details"]["fields"])) == (400, ["length"])
    status, error = _error(client, "/api/v1/catalogue/oplata-spp/deadline?from=2026-11-02")
    assert (status, error["code"]) == (422, "NO_DEADLINE")
    status, error = _error(
        client, "/api/v1/catalogue/sprzeciw-nakaz/deadline?from=2026-11-02&event=zz"
    )
    assert (status, list(error["details"]["fields"])) == (400, ["event"])
    # Pages outside /api/ keep their Polish HTML error pages.
    page = client.get("/nie-ma-takiej-strony")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_the_schema_accepts_what_the_forms_accept(app: Flask) -> None:
    """Every field the API describes is one the app checks, with the same keys."""
    items = app.test_client().get("/api/v1/catalogue").get_json()["items"]
    for item, document in zip(items, DOCUMENT_TYPES, strict=True):
        assert list(item["fields"]["properties"]) == [field.key for field in document.fields]
        empty = check(document, {}, date(2026, 11, 27))
        assert sorted(empty.errors) == sorted(item["fields"]["required"]), item["key"]
