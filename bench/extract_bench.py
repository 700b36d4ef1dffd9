"""Extraction benchmark: how well a model recognises a case and fills its letter's fields.

Runs the app's own drafting path against a model served by Ollama, for the cases of
bench/extract_cases.json (what people type on a phone, with the situation and the fields an
expert reads in it). For each case, as app/services/drafting.py does it for a person who
starts by typing (no topic chosen):

1. classification: [system prompt, the person's messages, the classification instruction]
   with the situation enum as the structured-output schema (`prompts.classification_request`);
2. extraction: the same history with the extraction instruction and the document's schema
   (`prompts.extraction_request`), the answer checked by `fields.check(..., partial=True)`.
   Extraction always uses the EXPECTED document, so field scores do not depend on the
   classification (a wrong situation is counted once, in the situation column). For an
   out-of-scope case it uses the document the model picked, if any, to apply the catalogue's
   field rules as drafting would; those fields are not scored.

Calls go through `llm.stream_chat` with the app's settings (`build_config`: OLLAMA_HOST,
OLLAMA_MODEL, OLLAMA_TIMEOUT, OLLAMA_NUM_CTX ... from the environment), one at a time.

    python bench/extract_bench.py [--model M] [--host URL] [--limit N] [--timeout S]
                                  [--json [PATH]] [--verbose] [--fake]

Scoring and the columns are explained in README, "Benchmarks"; free-text fields are compared
by `same_value`.

`--fake` runs against tests.fake_ollama.FakeOllama started in this process: it answers every
structured request with a sample of the schema, so the figures mean nothing; it checks the
path end to end (CI). Exit status: 0 when every case ran; 1 when with --fake any call failed or
without it no call succeeded; 2 when the server is unreachable or lacks the model.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script, only bench/ is on the path
    sys.path.insert(0, str(ROOT))

from app.config import build_config  # noqa: E402
from app.legal.documents import DOCUMENT_TYPES, DocumentType, document_type  # noqa: E402
from app.legal.fields import Field, Kind  # noqa: E402
from app.legal.scope import REFUSALS, refusal, refusal_for_fields, refusal_for_text  # noqa: E402
from app.services import fields, llm, prompts  # noqa: E402
from app.services.dates import polish_date  # noqa: E402

CASES = ROOT / "bench" / "extract_cases.json"
JSON_OUT = ROOT / "bench" / "out" / "extract.json"
# What the JSON keeps of each call's counters (llm.StreamResult).
STATS = ("wall_ms", "ttft_ms", "load_ms", "prompt_tokens", "completion_tokens", "tokens_per_s")
# Endings that mean no case can succeed: stop at once rather than fail every case.
FATAL_ENDINGS = ("unavailable", "model_missing")
# Kinds whose checked value is normalised already (dates, amounts ...): compared exactly.
EXACT_KINDS = frozenset(
    (Kind.DATE, Kind.AMOUNT, Kind.CASE_NUMBER, Kind.MANDATE, Kind.DAYS, Kind.URL, Kind.CHOICE)
)
WORD = re.compile(r"\d[\d/-]*|[^\W\d_]+")
# Words that carry no fact in a place, an organisation or an address.
STOPWORDS = frozenset(
    {"w", "we", "na", "przy", "ul", "al", "os", "z", "ze", "o", "i", "oraz", "pod", "do", "dla"}
    | {"od", "sp", "nr", "pl"}
)


# --------------------------------------------------------------------------------------------
# Cases and comparison
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One conversation and what an expert reads in it."""

    id: str
    messages: tuple[str, ...]
    situation: str
    acceptable: tuple[str, ...]
    fields: dict[str, str]

    @property
    def document(self) -> DocumentType | None:
        """The expected document, or None for a case the product refuses."""
        return document_type(self.situation)


def load_cases(path: Path) -> tuple[date, list[Case]]:
    """The case file's fixed "today" and its cases."""
    data = json.loads(path.read_text(encoding="utf-8"))
    cases = [
        Case(
            id=item["id"],
            messages=tuple(item["messages"]),
            situation=item["situation"],
            acceptable=tuple(item.get("acceptable", ())),
            fields=dict(item.get("fields", {})),
        )
        for item in data["cases"]
    ]
    return date.fromisoformat(data["today"]), cases


def _fold(text: str) -> str:
    """Lower case without diacritics ("Łódź" -> "lodz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _stems(text: str) -> set[str]:
    """The significant words of a text: numbers whole, words by their first four letters."""
    words = WORD.findall(_fold(text))
    return {
        word if word[0].isdigit() else word[:4]
        for word in words
        if word not in STOPWORDS and (word[0].isdigit() or len(word) > 1)
    }


def same_value(item: Field, got: str, expected: str) -> bool:
    """Whether a checked value says what the expected one says.

    Typed kinds must be equal. Free text (names, places, organisations, addresses, quotes)
    matches when the expected value appears in it once case, diacritics, spaces and
    punctuation are dropped, or when every significant word of the expected value appears in
    it, compared by its first four letters ("w Gdańsku" matches "Gdańsk").
    """
    if item.kind in EXACT_KINDS:
        return got == expected
    if item.kind in (Kind.EMAIL, Kind.DURATION):
        return " ".join(got.casefold().split()) == " ".join(expected.casefold().split())
    plain_got = re.sub(r"[\W_]+", "", _fold(got))
    plain_expected = re.sub(r"[\W_]+", "", _fold(expected))
    if plain_expected and plain_expected in plain_got:
        return True
    wanted = _stems(expected)
    return bool(wanted) and wanted <= _stems(got)


# --------------------------------------------------------------------------------------------
# Model calls, one case
# --------------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One model call as the benchmark judges it."""

    ending: str
    seconds: float
    problems: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def history(case: Case, instruction: str) -> list[dict[str, str]]:
    """The chat as drafting sends it: system prompt (no topic), the person, the instruction."""
    return [
        {"role": "system", "content": prompts.system_prompt(None)},
        *({"role": "user", "content": text} for text in case.messages),
        {"role": "user", "content": instruction},
    ]


def ask(
    client: Any, settings: llm.LLMSettings, messages: list[dict[str, str]], schema: dict[str, Any]
) -> Reply:
    """One structured call through the app's streaming client; never raises for the model."""
    began = time.perf_counter()
    result = llm.stream_chat(
        client,
        settings,
        messages,
        on_text=lambda _text: None,
        should_stop=lambda: False,
        response_format=schema,
    )
    reply = Reply(ending=result.ending, seconds=time.perf_counter() - began)
    reply.stats = {name: getattr(result, name) for name in STATS}
    if result.ending != "stop":
        detail = f" ({result.detail})" if result.detail else ""
        reply.problems.append(f"ended {result.ending}{detail}")
        return reply
    try:
        data = json.loads(result.content)
    except json.JSONDecodeError:
        reply.problems.append("not JSON")
        return reply
    if not isinstance(data, dict):
        reply.problems.append("not a JSON object")
        return reply
    reply.data = data
    return reply


def classify(client: Any, settings: llm.LLMSettings, case: Case) -> tuple[str | None, Reply]:
    """The situation key the model picks for the case (None when its answer is unusable)."""
    instruction, schema = prompts.classification_request(None)
    reply = ask(client, settings, history(case, instruction), schema)
    if reply.data is None:
        return None, reply
    if unknown := sorted(set(reply.data) - {"situation"}):
        reply.problems.append(f"unknown keys {', '.join(unknown)}")
    key = reply.data.get("situation")
    if isinstance(key, str) and key in prompts.situation_keys(None):
        return key, reply
    reply.problems.append(f"unknown situation {key!r}")
    return None, reply


def extract(
    client: Any, settings: llm.LLMSettings, case: Case, document: DocumentType, today: date
) -> tuple[fields.Checked, Reply]:
    """The document's fields as the model fills them, checked like the app checks them."""
    instruction, schema = prompts.extraction_request(document, polish_date(today))
    reply = ask(client, settings, history(case, instruction), schema)
    checked = fields.check(document, reply.data or {}, today, partial=True)
    if reply.data is not None:
        known = {item.key for item in document.fields}
        if unknown := sorted(set(reply.data) - known):
            reply.problems.append(f"unknown keys {', '.join(unknown)}")
    if checked.errors:
        bad = ", ".join(f"{key} {code}" for key, code in checked.errors.items())
        reply.problems.append(f"invalid values: {bad}")
    return checked, reply


def score_fields(
    document: DocumentType, expected: dict[str, str], checked: fields.Checked
) -> dict[str, Any]:
    """Correct, wrong, missed and extra fields of one extraction."""
    scored = {
        item.key: item
        for item in document.fields
        if item.kind != Kind.PARAGRAPHS or item.key in expected
    }
    filled = [key for key in scored if key in checked.values or key in checked.errors]
    correct = [
        key
        for key in filled
        if key in expected
        and key in checked.values
        and same_value(scored[key], checked.values[key], expected[key])
    ]
    return {
        "expected": len(expected),
        "filled": len(filled),
        "correct": len(correct),
        "invalid": dict(checked.errors),
        "wrong": {
            key: {"got": checked.values[key], "expected": expected[key]}
            for key in filled
            if key in expected and key in checked.values and key not in correct
        },
        "missed": [key for key in expected if key not in filled],
        "extra": {
            key: checked.values[key]
            for key in filled
            if key not in expected and key in checked.values
        },
    }


def run_case(client: Any, settings: llm.LLMSettings, case: Case, today: date) -> dict[str, Any]:
    """Classify and extract one case; everything the tables and the JSON need."""
    began = time.perf_counter()
    replies: list[Reply] = []
    situation, reply = classify(client, settings, case)
    replies.append(reply)
    outcome: dict[str, Any] = {
        "id": case.id,
        "expected": case.situation,
        "acceptable": list(case.acceptable),
        "situation": situation,
        "right": situation is not None and situation in (case.situation, *case.acceptable),
        "in_scope": case.document is not None,
        "fields": None,
        "extracted_for": None,
        "values": {},
    }
    # Expected document for scoring; for a refused case, the model's choice (as drafting).
    document = case.document or (document_type(situation) if situation else None)
    values: dict[str, str] = {}
    if document is not None:
        checked, reply = extract(client, settings, case, document, today)
        replies.append(reply)
        values = checked.values
        outcome["extracted_for"] = document.key
        outcome["values"] = values
        if case.document is not None:
            outcome["fields"] = score_fields(document, case.fields, checked)
    by_text = refusal_for_text(list(case.messages))
    by_fields = refusal_for_fields(document.key, values) if document else None
    by_model = refusal(situation) is not None
    outcome["refused"] = {
        "model": by_model,
        "text": by_text.key if by_text else None,
        "fields": by_fields.key if by_fields else None,
        "rules": by_model or by_text is not None or by_fields is not None,
    }
    outcome["replies"] = [asdict(item) for item in replies]
    outcome["bad_replies"] = sum(bool(item.problems) for item in replies)
    outcome["seconds"] = time.perf_counter() - began
    return outcome


# --------------------------------------------------------------------------------------------
# Figures and the run
# --------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ratio(part: int, whole: int) -> float | None:
    """part / whole, None when whole is 0 (null in the JSON, "-" in the tables)."""
    return part / whole if whole else None


def tally(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of a group of cases."""
    scored = [o["fields"] for o in outcomes if o["fields"] is not None]
    correct = sum(s["correct"] for s in scored)
    filled = sum(s["filled"] for s in scored)
    expected = sum(s["expected"] for s in scored)
    seconds = [o["seconds"] for o in outcomes]
    replies = sum(len(o["replies"]) for o in outcomes)
    bad = sum(o["bad_replies"] for o in outcomes)
    return {
        "cases": len(outcomes),
        "situation_right": sum(o["right"] for o in outcomes),
        "situation_accuracy": ratio(sum(o["right"] for o in outcomes), len(outcomes)),
        "refused_model": sum(o["refused"]["model"] for o in outcomes),
        "refused_rules": sum(o["refused"]["rules"] for o in outcomes),
        "refused_text": sum(o["refused"]["text"] is not None for o in outcomes),
        "refused_fields": sum(o["refused"]["fields"] is not None for o in outcomes),
        "fields_expected": expected,
        "fields_filled": filled,
        "fields_correct": correct,
        "field_precision": ratio(correct, filled),
        "field_recall": ratio(correct, expected),
        "invalid_values": sum(len(s["invalid"]) for s in scored),
        "replies": replies,
        "bad_replies": bad,
        "bad_reply_rate": ratio(bad, replies),
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_p95": pct(seconds, 95),
    }


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _of(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def print_tables(results: dict[str, Any]) -> None:
    """The per-situation tables and the summary line."""
    groups, totals = results["situations"], results["totals"]
    print(
        f"\n{'in scope':<26}{'cases':>6}{'sit.':>7}{'P':>6}{'R':>6}{'ok/exp':>9}"
        f"{'bad val':>8}{'bad resp':>9}{'refused m/r':>12}{'s med':>7}{'s p95':>7}"
    )
    in_rows = [(d.key, groups[d.key]) for d in DOCUMENT_TYPES if d.key in groups]
    for name, row in [*in_rows, ("in scope, all", totals["in_scope"])]:
        if name == "in scope, all":
            print("-" * 103)
        print(
            f"{name:<26}{row['cases']:>6}{_of(row['situation_right'], row['cases']):>7}"
            f"{_f(row['field_precision']):>6}{_f(row['field_recall']):>6}"
            f"{_of(row['fields_correct'], row['fields_expected']):>9}"
            f"{row['invalid_values']:>8}{_of(row['bad_replies'], row['replies']):>9}"
            f"{row['refused_model']:>6}/{row['refused_rules']:<5}"
            f"{_f(row['seconds_median'], 1):>7}{_f(row['seconds_p95'], 1):>7}"
        )
    out_rows = [(r.key, groups[r.key]) for r in REFUSALS if r.key in groups]
    if out_rows:
        print(
            f"\n{'out of scope':<26}{'cases':>6}{'sit.':>7}{'refused: model':>15}"
            f"{'with rules':>11}{'text':>6}{'fields':>7}{'bad resp':>9}{'s med':>7}{'s p95':>7}"
        )
        for name, row in [*out_rows, ("out of scope, all", totals["out_of_scope"])]:
            if name == "out of scope, all":
                print("-" * 101)
            print(
                f"{name:<26}{row['cases']:>6}{_of(row['situation_right'], row['cases']):>7}"
                f"{_of(row['refused_model'], row['cases']):>15}"
                f"{_of(row['refused_rules'], row['cases']):>11}"
                f"{row['refused_text']:>6}{row['refused_fields']:>7}"
                f"{_of(row['bad_replies'], row['replies']):>9}"
                f"{_f(row['seconds_median'], 1):>7}{_f(row['seconds_p95'], 1):>7}"
            )
    print(f"\n{summary(results)}")


def summary(results: dict[str, Any]) -> str:
    """The one-line summary."""
    every, inside, outside = (results["totals"][k] for k in ("all", "in_scope", "out_of_scope"))
    accuracy = every["situation_accuracy"]
    return (
        f"summary {results['meta']['model']}{' (fake)' if results['meta']['fake'] else ''}: "
        f"situation {_of(every['situation_right'], every['cases'])}"
        f" ({_f(None if accuracy is None else 100 * accuracy, 0)}%)"
        f" | out of scope refused: model {_of(outside['refused_model'], outside['cases'])},"
        f" with rules {_of(outside['refused_rules'], outside['cases'])}"
        f" | in scope refused: model {_of(inside['refused_model'], inside['cases'])},"
        f" with rules {_of(inside['refused_rules'], inside['cases'])}"
        f" | fields P {_f(inside['field_precision'])} R {_f(inside['field_recall'])}"
        f" | bad responses {_of(every['bad_replies'], every['replies'])}"
        f" | {_f(every['seconds_median'], 1)} s/case median, {_f(every['seconds_p95'], 1)} s p95"
    )


def case_line(index: int, count: int, outcome: dict[str, Any], verbose: bool) -> str:
    """The progress line of one case (with --verbose, what went wrong in it)."""
    score = outcome["fields"]
    fields_text = f"fields {score['correct']}/{score['expected']}" if score else "no fields"
    line = (
        f"{index:>3}/{count} {outcome['id']:<30} {outcome['expected']:<24} -> "
        f"{outcome['situation'] or '?':<24} {'ok' if outcome['right'] else '--'}  "
        f"{fields_text:<12} {outcome['seconds']:6.1f} s"
    )
    if not verbose:
        return line
    details = [f"      {problem}" for r in outcome["replies"] for problem in r["problems"]]
    if score:
        details += [
            f"      wrong {k}: {v['got']!r} (expected {v['expected']!r})"
            for k, v in score["wrong"].items()
        ]
        details += [f"      missed {key}" for key in score["missed"]]
        details += [f"      extra {key}: {value!r}" for key, value in score["extra"].items()]
    if outcome["refused"]["rules"]:
        details.append(f"      refused: {outcome['refused']}")
    return "\n".join([line, *details])


def llm_settings(host: str | None, model: str | None, timeout: float | None) -> llm.LLMSettings:
    """The app's model settings from the environment, with the command line's overrides."""
    # A fixed secret and the development mode keep build_config from writing
    # instance/secret_key or asking for production secrets: only the OLLAMA_* keys are read.
    overrides: dict[str, Any] = {"APP_ENV": "development", "SECRET_KEY": "bench-" + "x" * 32}
    if host:
        overrides["OLLAMA_HOST"] = host
    if model:
        overrides["OLLAMA_MODEL"] = model
    if timeout:
        overrides.update(
            OLLAMA_TIMEOUT=timeout, OLLAMA_STALL_TIMEOUT=timeout, GENERATION_DEADLINE=timeout
        )
    config = build_config(Path(tempfile.gettempdir()), overrides)
    return llm.LLMSettings.from_config(config)


def app_commit() -> str:
    """The commit measured."""
    git = ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    done = subprocess.run(git, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", help="Ollama model (default: OLLAMA_MODEL or the app's)")
    parser.add_argument("--host", help="Ollama URL (default: OLLAMA_HOST or the app's)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N cases")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds one model call may take, first token included (default: the app's "
        "OLLAMA_TIMEOUT for the first token and GENERATION_DEADLINE in all)",
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const=str(JSON_OUT),
        metavar="PATH",
        help=f"write the results as JSON (default path {JSON_OUT.relative_to(ROOT)})",
    )
    parser.add_argument("--cases", default=str(CASES), help="the case file")
    parser.add_argument("--verbose", action="store_true", help="what went wrong in each case")
    parser.add_argument(
        "--fake", action="store_true", help="run against an in-process fake Ollama (CI)"
    )
    return parser.parse_args(argv)


def run(
    args: argparse.Namespace, settings: llm.LLMSettings, today: date, cases: list[Case]
) -> tuple[int, dict[str, Any]]:
    """Run every case; the exit status and the results."""
    started = time.monotonic()
    outcomes: list[dict[str, Any]] = []
    status = 0
    with llm.make_client(settings) as client:
        for index, case in enumerate(cases, 1):
            outcome = run_case(client, settings, case, today)
            outcomes.append(outcome)
            print(case_line(index, len(cases), outcome, args.verbose), flush=True)
            endings = [reply["ending"] for reply in outcome["replies"]]
            if fatal := [ending for ending in endings if ending in FATAL_ENDINGS]:
                print(f"stopped: the model server answered {fatal[0]} ({settings.host})")
                status = 2
                break
    endings = [reply["ending"] for o in outcomes for reply in o["replies"]]
    if status == 0 and args.fake and any(ending != "stop" for ending in endings):
        print("failed: a call to the fake did not end normally, the path is broken")
        status = 1
    elif status == 0 and "stop" not in endings:
        print("failed: no model call succeeded")
        status = 1
    groups: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome["expected"], []).append(outcome)
    results = {
        "meta": {
            "model": settings.model,
            "host": settings.host,
            "fake": args.fake,
            "today": today.isoformat(),
            "cases_file": args.cases,
            "commit": app_commit(),
            "timeout_s": settings.timeout,
            "deadline_s": settings.deadline,
            "num_ctx": settings.num_ctx,
            "duration_s": time.monotonic() - started,
            "status": status,
        },
        "totals": {
            "all": tally(outcomes),
            "in_scope": tally([o for o in outcomes if o["in_scope"]]),
            "out_of_scope": tally([o for o in outcomes if not o["in_scope"]]),
        },
        "situations": {key: tally(items) for key, items in groups.items()},
        "cases": outcomes,
    }
    return status, results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the tables, optionally write JSON; the exit status."""
    args = parse_args(argv)
    today, cases = load_cases(Path(args.cases))
    if args.limit is not None:
        cases = cases[: args.limit]
    fake = None
    host = args.host
    if args.fake:
        from tests.fake_ollama import FakeOllama

        model = llm_settings(None, args.model, None).model
        fake = FakeOllama(models=[model]).start()
        host = fake.url
    try:
        settings = llm_settings(host, args.model, args.timeout)
        print(
            f"extraction benchmark: model {settings.model} at {settings.host}, {len(cases)} cases,"
            f" today {today.isoformat()}"
            + (" (fake Ollama: the figures mean nothing)" if args.fake else "")
        )
        status, results = run(args, settings, today, cases)
    finally:
        if fake is not None:
            fake.stop()
    if results["cases"] and status != 2:
        print_tables(results)
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        print(f"written to {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
