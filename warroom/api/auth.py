"""Who is calling: API keys in ``Authorization: Bearer wk_<id>.<secret>``, roles, shop scopes.

Roles: admin (everything), buyer (campaigns, creatives, budget rules of its shops),
risk (risk rules, thresholds, the review queue), ingest (events only), viewer (read
only). A key may be scoped to shops. 401 without valid credentials, 403 outside the
role or the scope. Browsers' EventSource cannot send headers, so ``GET /v1/stream``
also takes ``?access_token=``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from warroom.api.deps import RuntimeDep
from warroom.errors import Forbidden, Unauthorized
from warroom.store.keys import verify

Role = Literal["admin", "buyer", "risk", "ingest", "viewer"]
READERS: tuple[Role, ...] = ("admin", "buyer", "risk", "viewer")

#: How long a verified key is trusted without looking again (revocation delay).
CACHE_S = 5.0


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: Role
    shops: frozenset[str] | None  # None: every shop

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"role {self.role!r} may not do this; needs one of {', '.join(roles)}")

    def sees(self, shop_id: str | None) -> bool:
        return self.shops is None or shop_id in self.shops

    def require_shop(self, shop_id: str | None) -> None:
        if not self.sees(shop_id):
            raise Forbidden(f"key {self.id} is not scoped to shop {shop_id!r}")


_cache: dict[str, tuple[float, Actor]] = {}


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token
    if request.url.path == "/v1/stream" and (query := request.query_params.get("access_token")):
        return query
    raise Unauthorized("send an API key: Authorization: Bearer wk_<id>.<secret>")


def _verify(rt: RuntimeDep, token: str) -> Actor:
    cached = _cache.get(token)
    if cached and time.monotonic() - cached[0] < CACHE_S:
        return cached[1]
    with rt.store.session() as session:
        key = verify(session, token)
        if key is None:
            _cache.pop(token, None)
            raise Unauthorized("unknown or revoked API key")
        actor = Actor(key.id, key.role, frozenset(key.shops) if key.shops is not None else None)  # type: ignore[arg-type]
    _cache[token] = (time.monotonic(), actor)
    return actor


def forget(key_id: str) -> None:
    """Drop a revoked key from this process's cache at once (others within CACHE_S)."""
    for token in [t for t, (_, actor) in _cache.items() if actor.id == key_id]:
        _cache.pop(token, None)


def current_actor(request: Request, rt: RuntimeDep) -> Actor:
    return _verify(rt, _token(request))


ActorDep = Annotated[Actor, Depends(current_actor)]
