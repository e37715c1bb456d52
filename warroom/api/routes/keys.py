"""``/v1/keys``: admins create, list and revoke API keys; every change is audited."""

from __future__ import annotations

from fastapi import APIRouter, Response

from warroom.api.auth import ActorDep, forget
from warroom.api.deps import SessionDep
from warroom.errors import NotFound
from warroom.schemas.entities.common import Page
from warroom.schemas.keys import KeyCreate, KeyCreated, KeyPublic
from warroom.store import keys

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post("", status_code=201, response_model=KeyCreated)
def create_key(body: KeyCreate, session: SessionDep, actor: ActorDep) -> KeyCreated:
    actor.require("admin")
    key, token = keys.create_key(session, body.name, body.role, body.shops, actor.id)
    return KeyCreated(key=KeyPublic.model_validate(key), token=token)


@router.get("", response_model=Page[KeyPublic])
def list_keys(session: SessionDep, actor: ActorDep) -> Page[KeyPublic]:
    actor.require("admin")
    rows = keys.list_keys(session)
    return Page(data=[KeyPublic.model_validate(k) for k in rows], count=len(rows))


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: str, session: SessionDep, actor: ActorDep) -> Response:
    actor.require("admin")
    if keys.revoke(session, key_id, actor.id) is None:
        raise NotFound(f"no key {key_id!r}")
    forget(key_id)
    return Response(status_code=204)
