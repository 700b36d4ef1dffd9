"""The API keeps its own description: schemathesis generates requests for every operation
from /api/v1/openapi.json and checks each answer (status codes, content types, bodies and
headers as described, never a server error) against a live loopback server. Bounded: a fixed
number of examples per operation, derandomized so a failure reproduces."""

from __future__ import annotations

import zlib
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fake_ollama import FakeOllama
from tests.helpers import NAKAZ_FIELDS, ApiClient
from tests.live import serve

EXAMPLES = 12
# Some schema-valid requests are refused on their meaning, rightly and as described (422):
# fields that do not fit their document type, a message of spaces only. So "every schema-valid
# request succeeds" is not a property of this API; everything else is checked.
SEMANTIC = [positive_data_acceptance]


def _real_ids(api: ApiClient) -> dict[str, str]:
    body = api.start(document={"type": "sprzeciw-nakaz", "fields": dict(NAKAZ_FIELDS)})
    render = api.post(f"/api/v1/conversations/{body['id']}/renders").get_json()
    return {"cid": body["id"], "rid": render["id"], "number": "1"}


def _run(
    operation: Any, mode: GenerationMode, base: str, headers: dict[str, str], real: dict[str, str]
) -> int:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        sent.append(case)
        # Half the valid cases aim at the key's own resources, so bodies are checked past the
        # 404 (an invalid case keeps its invalid parts).
        aimed = zlib.crc32(repr(case.body).encode()) % 2 == 0
        if mode == GenerationMode.POSITIVE and case.path_parameters and aimed:
            for name, value in real.items():
                if name in case.path_parameters:
                    case.path_parameters[name] = value
        case.call_and_validate(base_url=base, headers=headers, timeout=30, excluded_checks=SEMANTIC)

    sent: list[Any] = []
    try:
        check()
    except Unsatisfiable:
        # Nothing to make invalid (an operation without parameters or body).
        assert mode == GenerationMode.NEGATIVE
    return len(sent)


def test_every_operation_keeps_its_description(
    app: Flask, fake_ollama: FakeOllama, jobs: None
) -> None:
    app.config.update(
        RATELIMIT_API="100000 per minute",
        RATELIMIT_LEGACY="100000 per minute",
        RATELIMIT_MESSAGES="100000 per minute",
        RATELIMIT_RENDERS="100000 per minute",
        RATELIMIT_START="100000 per minute",
        RATELIMIT_SAVES="100000 per minute",
    )
    api = ApiClient(app)
    real = _real_ids(api)
    headers = {"Authorization": f"Bearer {api.key}"}
    with serve(app) as base:
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 25
        sent = 0
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                sent += _run(operation, mode, base, headers, real)
    # Every operation was really exercised, valid and invalid.
    assert sent >= len(operations) * EXAMPLES
