"""The extraction benchmark runs end to end against the fake, and its case file is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.legal.documents import DOCUMENT_TYPES, document_type
from app.legal.scope import refusal
from app.services import fields, prompts
from bench import extract_bench


def test_fake_run_exits_zero_and_writes_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "extract.json"

    status = extract_bench.main(["--fake", "--limit", "5", "--json", str(out)])

    assert status == 0
    results = json.loads(out.read_text())
    assert set(results) == {"meta", "totals", "situations", "cases"}
    assert results["meta"]["fake"] is True
    assert len(results["cases"]) == 5
    assert set(results["totals"]) == {"all", "in_scope", "out_of_scope"}
    totals = results["totals"]["all"]
    for key in (
        "situation_accuracy",
        "field_precision",
        "field_recall",
        "bad_reply_rate",
        "seconds_median",
        "seconds_p95",
        "refused_model",
        "refused_rules",
    ):
        assert key in totals
    assert totals["replies"] == 10  # a classification and an extraction per case
    assert all(r["ending"] == "stop" for case in results["cases"] for r in case["replies"])
    assert "summary " in capsys.readouterr().out


def test_case_file_is_valid() -> None:
    today, cases = extract_bench.load_cases(extract_bench.CASES)
    keys = prompts.situation_keys(None)

    assert len(cases) >= 32
    assert len({case.id for case in cases}) == len(cases)
    assert {d.key for d in DOCUMENT_TYPES} <= {case.situation for case in cases}
    assert sum(refusal(case.situation) is not None for case in cases) >= 4
    assert sum(bool(case.acceptable) for case in cases) >= 3
    for case in cases:
        assert 1 <= len(case.messages) <= 3, case.id
        assert case.situation in keys and set(case.acceptable) <= set(keys), case.id
        document = document_type(case.situation)
        if document is None:
            assert not case.fields, case.id
            continue
        checked = fields.check(document, case.fields, today, partial=True)
        assert checked.errors == {}, case.id
        assert checked.values == case.fields, case.id  # stored as the app stores them


@pytest.mark.parametrize(
    ("key", "got", "expected", "same"),
    [
        ("miejsce_zdarzenia", "ul. Głogowska w Poznaniu", "ul. Głogowska, Poznań", True),
        ("organ", "Straż Miejska Gdańsk", "Straż Miejska w Gdańsku", True),
        ("sad", "Sąd Rejonowy w Lublinie", "Sąd Rejonowy Lublin-Zachód w Lublinie", False),
        ("adres", "ul. Lipowa 5/2, 50-001 Wrocław", "ul. Lipowa 5/2\n50-001 Wrocław", True),
        ("data_mandatu", "2026-11-25", "2026-11-26", False),
    ],
)
def test_free_text_is_compared_loosely(key: str, got: str, expected: str, same: bool) -> None:
    document = document_type("uchylenie-mandatu")
    assert document is not None
    item = document.field(key)
    assert item is not None

    assert extract_bench.same_value(item, got, expected) is same
