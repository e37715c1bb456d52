"""``GET /v1/me``: who the caller is and what its role may do, so a client (the war-room
page) offers only what the API would allow. The API still checks every call itself."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from warroom.api.auth import READERS, Actor, ActorDep, Role
from warroom.api.routes.campaigns import WRITERS
from warroom.api.routes.reviews import DECIDERS

router = APIRouter(prefix="/v1", tags=["me"])

#: What each permission needs; a shop-scoped key may still be refused outside its shops.
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "read": READERS,
    "ingest": ("admin", "ingest"),
    "write_campaigns": WRITERS,
    "write_budget_rules": ("admin", "buyer"),
    "write_risk_rules": ("admin", "risk"),
    "revert_decisions": ("admin", "buyer"),
    "decide_reviews": DECIDERS,
    "allow_list": ("admin", "risk"),
    "kill_switch": ("admin",),
    "keys": ("admin",),
}


class Me(BaseModel):
    """The caller's key, role, shop scope and permissions."""

    key_id: str
    role: Role
    shops: list[str] | None = Field(description="the shops the key is scoped to; None: every shop")
    may: dict[str, bool] = Field(description="what the role may do (within ``shops``)")


def permissions(actor: Actor) -> dict[str, bool]:
    """Each permission of ``PERMISSIONS``: does ``actor``'s role have it?

    >>> permissions(Actor("wk_1", "risk", None))["decide_reviews"]
    True
    """
    return {name: actor.role in roles for name, roles in PERMISSIONS.items()}


@router.get("/me")
def me(actor: ActorDep) -> Me:
    """Any valid key may ask who it is."""
    shops = None if actor.shops is None else sorted(actor.shops)
    return Me(key_id=actor.id, role=actor.role, shops=shops, may=permissions(actor))
