"""Credentials for tests: a strong admin token per session, and keys of any role."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from warroom.store.db import Store
from warroom.store.keys import create_key

#: Registered by every test server/API through WARROOM_ADMIN_KEY / settings.admin_key.
ADMIN_TOKEN = f"wk_{secrets.token_hex(6)}.{secrets.token_urlsafe(32)}"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def make_key(store: Store, role: str, shops: Collection[str] | None = None) -> str:
    """A new key of ``role`` (scoped to ``shops``); returns its token."""
    with store.session() as session:
        return create_key(session, f"test {role}", role, shops, "tests")[1]
