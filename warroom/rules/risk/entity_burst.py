"""Same-device and same-user bursts: more than N orders from one device or user in any W s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from warroom.rules.base import Hit
from warroom.rules.risk.same_ip_burst import Params, burst

EntityKind = Literal["device", "user"]
DEVICE_RULE_ID = "risk.same_device_burst"
USER_RULE_ID = "risk.same_user_burst"
RULE_IDS: dict[EntityKind, str] = {"device": DEVICE_RULE_ID, "user": USER_RULE_ID}

__all__ = ["DEVICE_RULE_ID", "RULE_IDS", "USER_RULE_ID", "EntityKind", "Params", "entity_burst"]


def entity_burst(
    kind: EntityKind, key: str, ts: float, orders: Sequence[tuple[float, str]], params: Params
) -> Hit | None:
    """Judge the order at ``ts`` against the orders of its device or user (sorted by time).

    Same contract as ``same_ip_burst``: ``orders`` holds (epoch seconds, order id)
    pairs of this device or user, the judged order included, covering at least
    [ts - W, ts + W]; the hit's rule id says which kind (``RULE_IDS[kind]``).

    >>> log = [(float(t), f"o{t}") for t in range(6)]
    >>> entity_burst("device", "d-7", 5.0, log, Params()).rule_id
    'risk.same_device_burst'
    >>> entity_burst("user", "u-1", 5.0, log[:5], Params()) is None
    True
    """
    return burst(RULE_IDS[kind], f"{kind}:{key}", f"{kind} {key}", ts, orders, params)
