"""The entity API models: their documented examples are valid, and their rules hold."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from warroom.schemas.entities import campaigns, creatives, creators, products, shops
from warroom.schemas.entities.common import Patch

MODULES = [shops, products, creators, campaigns, creatives]


def models(kind: type[BaseModel]) -> list[type[BaseModel]]:
    return [
        m
        for module in MODULES
        for m in vars(module).values()
        if isinstance(m, type) and issubclass(m, kind) and m.__module__ == module.__name__
    ]


def examples(model: type[BaseModel]) -> list[Any]:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict), f"{model.__name__} has no examples"
    found = extra["examples"]
    assert isinstance(found, list) and found
    return found


@pytest.mark.parametrize("model", models(BaseModel), ids=lambda m: m.__name__)
def test_every_example_is_valid(model: type[BaseModel]) -> None:
    if model.__name__.endswith("Base"):
        return
    for example in examples(model):
        model.model_validate(example)


@pytest.mark.parametrize("model", models(Patch), ids=lambda m: m.__name__)
def test_a_patch_needs_the_version_it_is_based_on(model: type[Patch]) -> None:
    with pytest.raises(ValidationError) as err:
        model.model_validate({})
    assert [e["loc"] for e in err.value.errors()] == [("version",)]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_iana_time_zones_are_accepted(zone: str) -> None:
    assert shops.ShopCreate.model_validate({**shops.EXAMPLE, "time_zone": zone}).time_zone == zone


@pytest.mark.parametrize("zone", ["CST", "Asia/Beijing", "../etc/passwd", "", "Europe", "Asia"])
def test_other_time_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValidationError) as err:
        shops.ShopCreate.model_validate({**shops.EXAMPLE, "time_zone": zone})
    assert err.value.errors()[0]["loc"] == ("time_zone",)
