"""Fuzz the HTTP API from its own OpenAPI document (schemathesis + hypothesis) against a
real ``warroom api`` process, on a SQLite and on a PostgreSQL store: whatever a client
sends, the answer is never a 5xx, and a JSON answer is JSON.

Bounded: ``EXAMPLES`` requests per operation and store (about 60 operations; on 2 cores
40-80 s per store depending on the machine's other load, plus starting the API).
Left out, with the reason:

- ``GET /v1/stream``: Server-Sent Events; the response never ends, so a fuzzed call
  would hang. Its filters are parsed by ``streams/feed.py``, tested in tests/api/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.auth import ADMIN
from tests.conftest import Server, start_warroom, stop_warroom
from tests.postgres import new_database

pytestmark = pytest.mark.integration

EXAMPLES = 10
EXCLUDED = {("GET", "/v1/stream")}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(
    request: pytest.FixtureRequest, broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    env = {}
    if request.param == "postgresql":
        env["WARROOM_SQL_URL"] = new_database(request.getfixturevalue("postgres_url"))
    srv = start_warroom(broker, tmp_path_factory.mktemp("fuzz"), command="api", **env)
    yield srv
    assert stop_warroom(srv) == 0, "the API did not stop cleanly after the fuzzing"


def failures_of(operation: Any, base_url: str) -> list[str]:
    """Fuzz one operation; the failing requests (5xx, or a JSON answer that is not JSON)."""
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), auth=st.sampled_from([ADMIN, {}]))
    def run(case: Any, auth: dict[str, str]) -> None:
        headers = {**(case.headers or {}), **auth}
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        where = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}"
        if response.status_code >= 500:
            found.append(f"{where} -> {response.status_code}: {response.text[:300]}")
        elif "json" in response.headers.get("content-type", "") and response.content:
            try:
                response.json()
            except ValueError:
                found.append(f"{where} -> {response.status_code}: not JSON")

    run()
    return found


def test_no_request_makes_the_api_fail(api: Server, tmp_path: Path) -> None:
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json", headers=ADMIN)
    failures: list[str] = []
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        failures += failures_of(operation, api.url)
        tried += 1
        assert api.proc.poll() is None, f"the API died fuzzing {operation.method} {operation.path}"
    assert tried >= 50, f"only {tried} operations were fuzzed"
    assert not failures, "\n".join(failures[:20])


def test_a_huge_offset_is_refused_not_a_crash(api: Server) -> None:
    """Found by the fuzzer: ``offset`` past a 64-bit integer overflowed the SQL driver (500)
    on every list. Every list that pages is now bounded (422 naming ``offset``)."""
    spec = httpx.get(f"{api.url}/openapi.json", headers=ADMIN).json()
    paging = [
        path
        for path, ops in spec["paths"].items()
        if any(p["name"] == "offset" for p in ops.get("get", {}).get("parameters", []))
    ]
    assert len(paging) >= 8
    for path in paging:
        resp = httpx.get(f"{api.url}{path}", params={"offset": 2**64}, headers=ADMIN)
        assert resp.status_code == 422, (path, resp.text)
        assert resp.json()["detail"][0]["loc"] == ["query", "offset"]
        assert httpx.get(f"{api.url}{path}?offset=1000", headers=ADMIN).status_code == 200, path


def test_nul_characters_are_refused_not_a_crash(api: Server) -> None:
    """Found by fuzzing on PostgreSQL, which cannot store NUL in text: a NUL anywhere (a
    path, a query, a body, a key) was a 500 on most routes. Now a 422 (or, on SQLite,
    whatever the route answers without it)."""
    spec = httpx.get(f"{api.url}/openapi.json", headers=ADMIN).json()
    reads = [p for p, ops in spec["paths"].items() if "get" in ops and p.count("{") == 1]
    assert len(reads) >= 8
    for path in reads:
        concrete = path.split("{")[0] + "a%00b" + path.split("}")[1]
        resp = httpx.get(f"{api.url}{concrete}", headers=ADMIN)
        assert resp.status_code < 500, (concrete, resp.text)
    shop = {"id": "s-nul", "name": "a\u0000b", "platform": "douyin", "time_zone": "Asia/Shanghai"}
    assert httpx.post(f"{api.url}/v1/shops", json=shop, headers=ADMIN).status_code < 500
    kill = {"on": False, "reason": "\u0000"}
    assert httpx.put(f"{api.url}/v1/kill-switch", json=kill, headers=ADMIN).status_code < 500
    token = httpx.get(f"{api.url}/v1/stats", params={"access_token": "wk_\u0000"})
    assert token.status_code < 500
    resp = httpx.get(f"{api.url}/v1/audit", params={"actor": "a\u0000"}, headers=ADMIN)
    pg_refused = resp.status_code == 422 and "NUL" in resp.json()["detail"]
    assert pg_refused or (resp.status_code == 200 and resp.json()["data"] == [])
