"""API keys: created with a random secret shown once, stored as a hash, checked in constant time.

A token reads ``wk_<12 hex>.<secret>``: the id is public (it names the key in the
audit log), the secret is 32 random bytes and only its SHA-256 is kept. A fast hash
is enough for secrets with 256 bits of entropy: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.errors import WeakSecret
from warroom.store.audit import record
from warroom.store.models import ApiKey

ROLES = ("admin", "buyer", "risk", "ingest", "viewer")
KNOWN_DEFAULTS = {"changeme", "admin", "secret", "password", "warroom", "test", "default"}
MIN_SECRET_CHARS = 32


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a well-formed token, else None."""
    key_id, dot, secret = token.strip().partition(".")
    if not dot or not key_id.startswith("wk_") or len(key_id) > 32 or not secret:
        return None
    return key_id, secret


def check_strength(token: str) -> tuple[str, str]:
    """Refuse a configured token that is malformed, short or a well-known default."""
    parts = split_token(token)
    if parts is None:
        raise WeakSecret("WARROOM_ADMIN_KEY must look like wk_<id>.<secret>")
    secret = parts[1]
    if secret.lower() in KNOWN_DEFAULTS or len(secret) < MIN_SECRET_CHARS:
        raise WeakSecret(
            f"WARROOM_ADMIN_KEY's secret is a default or shorter than {MIN_SECRET_CHARS} "
            "characters; generate one with `warroom keys create --role admin`"
        )
    return parts


def create_key(
    session: Session, name: str, role: str, shops: Collection[str] | None, created_by: str
) -> tuple[ApiKey, str]:
    """A new key and its token (the only time the secret is seen)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    key_id, secret = f"wk_{secrets.token_hex(6)}", secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        name=name,
        role=role,
        shops=sorted(shops) if shops is not None else None,
        secret_hash=digest(secret),
        created_by=created_by,
    )
    session.add(key)
    session.flush()
    record(session, created_by, "create", "api_key", key_id, None, None, public(key))
    return key, f"{key_id}.{secret}"


def register_token(session: Session, token: str, name: str, role: str, created_by: str) -> ApiKey:
    """Store a key whose token the operator supplied (idempotent)."""
    key_id, secret = check_strength(token)
    key = session.get(ApiKey, key_id)
    if key is None:
        key = ApiKey(
            id=key_id,
            name=name,
            role=role,
            shops=None,
            secret_hash=digest(secret),
            created_by=created_by,
        )
        session.add(key)
        session.flush()
        record(session, created_by, "create", "api_key", key_id, None, None, public(key))
    return key


def verify(session: Session, token: str) -> ApiKey | None:
    """The live key this token belongs to, or None."""
    parts = split_token(token)
    if parts is None:
        return None
    key = session.get(ApiKey, parts[0])
    if key is None or key.revoked_at is not None:
        return None
    return key if hmac.compare_digest(key.secret_hash, digest(parts[1])) else None


def revoke(session: Session, key_id: str, by: str) -> ApiKey | None:
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return key
    before = public(key)
    key.revoked_at = datetime.now(UTC)
    record(session, by, "revoke", "api_key", key_id, None, before, public(key))
    return key


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


def public(key: ApiKey) -> dict[str, object]:
    """What may be shown of a key: never its hash."""
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "shops": key.shops,
        "created_by": key.created_by,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }
