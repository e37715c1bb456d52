"""``/v1/decisions``: what the budget engine decided and what came of it, explained,
and revert: a recorded decision of its own that the actuator applies."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.actuator.decisions import copy, pause
from tests.auth import ADMIN_TOKEN, bearer, make_key
from tests.store.entities import World, seed
from warroom.schemas.budget import BudgetDecision
from warroom.store import decisions
from warroom.store.db import Store
from warroom.store.models import OutboxMessage


def settled(store: Store, decision: BudgetDecision, result: str = "applied") -> BudgetDecision:
    """``decision`` as the actuator records it once carried out (the store changed too)."""
    done = decision.with_result(result)  # type: ignore[arg-type]
    with store.session() as session:
        if result == "applied":
            decisions.apply_changes(session, done, "rule:budget.test@v1")
        decisions.log(session, done)
    return done


def world(store: Store) -> World:
    with store.session() as session:
        return seed(session)


def test_a_decision_is_listed_and_explained(crud: TestClient, crud_store: Store) -> None:
    w = world(crud_store)
    done = settled(crud_store, pause("campaign", w.campaign, w.shop))

    listed = crud.get("/v1/decisions", params={"campaign_id": w.campaign}).json()
    one = crud.get(f"/v1/decisions/{done.id}").json()

    assert listed["count"] == 1 and listed["data"][0]["id"] == done.id
    assert one["result"] == "applied" and one["rule_id"] == "budget.test"
    assert one["observed"] == {"spend_30m": 620.0, "orders_30m": 0}
    assert one["changes"]["status"] == {"before": "active", "after": "paused"}
    assert "spend_30m" in one["thresholds"]["condition"]


def test_revert_queues_a_decision_that_restores_the_status(
    crud: TestClient, crud_store: Store
) -> None:
    w = world(crud_store)
    done = settled(crud_store, pause("campaign", w.campaign, w.shop))

    response = crud.post(f"/v1/decisions/{done.id}/revert")

    assert response.status_code == 202, response.text
    undo = response.json()
    assert (undo["action"], undo["result"], undo["reverts"]) == ("revert", "proposed", done.key)
    assert undo["changes"]["status"] == {"before": "paused", "after": "active"}
    assert undo["requested_by"] == ADMIN_TOKEN.split(".")[0]
    assert crud.get(f"/v1/decisions/{undo['id']}").json()["result"] == "proposed"
    with crud_store.session() as session:
        sent = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic.endswith(".decisions.v1"))
        ).all()
    assert any(undo["key"] in m.payload for m in sent)


def test_reverting_a_copy_pauses_the_copied_campaign(crud: TestClient, crud_store: Store) -> None:
    w = world(crud_store)
    done = settled(crud_store, copy(w.creative, w.campaign, w.shop, f"cp-{w.campaign}"))

    undo = crud.post(f"/v1/decisions/{done.id}/revert").json()

    assert (undo["entity_kind"], undo["entity_id"]) == ("campaign", f"cp-{w.campaign}")
    assert undo["changes"]["status"]["after"] == "paused"


def test_only_an_applied_decision_can_be_reverted(crud: TestClient, crud_store: Store) -> None:
    w = world(crud_store)
    skipped = settled(crud_store, pause("campaign", w.campaign, w.shop), result="skipped")

    response = crud.post(f"/v1/decisions/{skipped.id}/revert")

    assert response.status_code == 409 and "not applied" in response.json()["detail"]
    assert crud.post("/v1/decisions/0123456789abcdef/revert").status_code == 404


def test_nothing_to_revert_when_the_values_are_back_already(
    crud: TestClient, crud_store: Store
) -> None:
    w = world(crud_store)
    done = settled(crud_store, pause("campaign", w.campaign, w.shop))
    version = crud.get(f"/v1/campaigns/{w.campaign}").json()["version"]
    crud.patch(f"/v1/campaigns/{w.campaign}", json={"version": version, "status": "active"})

    response = crud.post(f"/v1/decisions/{done.id}/revert")

    assert response.status_code == 409 and "already has the values" in response.json()["detail"]


def test_a_buyer_of_another_shop_neither_sees_nor_reverts(
    crud: TestClient, crud_store: Store
) -> None:
    w = world(crud_store)
    done = settled(crud_store, pause("campaign", w.campaign, w.shop))
    other = bearer(make_key(crud_store, "buyer", ["shop-elsewhere"]))

    assert crud.get(f"/v1/decisions/{done.id}", headers=other).status_code == 403
    assert crud.post(f"/v1/decisions/{done.id}/revert", headers=other).status_code == 403
    listed = crud.get("/v1/decisions", headers=other).json()
    assert done.id not in {d["id"] for d in listed["data"]}
