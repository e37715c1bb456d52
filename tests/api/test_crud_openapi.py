"""The OpenAPI document describes every entity route, with examples and error answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

RESOURCES = ["shops", "products", "creators", "campaigns", "creatives"]


@pytest.fixture(scope="module")
def spec(crud: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = crud.get("/openapi.json").json()
    return document


def schema(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][ref.rpartition("/")[2]]
    return found


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_has_the_five_operations(spec: dict[str, Any], resource: str) -> None:
    item = f"/v1/{resource}/{{{resource[:-1]}_id}}"

    assert set(spec["paths"][f"/v1/{resource}"]) == {"get", "post"}
    assert set(spec["paths"][item]) >= {"get", "patch", "delete"}
    assert "409" in spec["paths"][item]["patch"]["responses"]
    assert "409" in spec["paths"][item]["delete"]["responses"]
    assert "403" in spec["paths"][f"/v1/{resource}"]["post"]["responses"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_request_bodies_have_examples(spec: dict[str, Any], resource: str, method: str) -> None:
    path = f"/v1/{resource}" if method == "post" else f"/v1/{resource}/{{{resource[:-1]}_id}}"
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]

    assert schema(spec, body["schema"]["$ref"])["examples"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_answers_have_examples(spec: dict[str, Any], resource: str) -> None:
    ok = spec["paths"][f"/v1/{resource}"]["post"]["responses"]["201"]
    assert schema(spec, ok["content"]["application/json"]["schema"]["$ref"])["examples"]
