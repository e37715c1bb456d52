"""``/v1/ab-tests``: every creative A/B test's live state (declared as rules of kind
``ab_test`` through ``/v1/rules``): each variant's counts, metric and always-valid p-value
against the control, and the winner with its confidence once decided (its fast-copy and
the losers' fast-stop are at ``/v1/decisions``)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import responses
from warroom.errors import NotFound
from warroom.schemas.abtest import AbTestState
from warroom.schemas.entities.common import Page

router = APIRouter(prefix="/v1/ab-tests", tags=["ab tests"])


@router.get("", responses=responses())
def list_ab_tests(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    status: Literal["running", "decided"] | None = None,
) -> Page[AbTestState]:
    """Tests of the key's shops, newest update first."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    rows = [
        t
        for t in rt.ab_tests.all()
        if actor.sees(t.shop_id) and shop_id in (None, t.shop_id) and status in (None, t.status)
    ]
    rows.sort(key=lambda t: (-t.updated_at, t.rule_id))
    return Page[AbTestState](data=rows, count=len(rows))


@router.get("/{rule_id}", responses=responses(404))
def get_ab_test(rule_id: str, rt: RuntimeDep, actor: ActorDep) -> AbTestState:
    actor.require(*READERS)
    test = rt.ab_tests.get(rule_id)
    if test is None or not actor.sees(test.shop_id):
        raise NotFound(f"no A/B test {rule_id!r} with data yet")
    return test
