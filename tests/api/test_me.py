"""``GET /v1/me`` tells the page what a role may do: it must agree with what the API
enforces, route by route (the auth matrix walks every route with every role)."""

from __future__ import annotations

import pytest

from tests.api.test_auth_matrix import MATRIX, ROLES
from warroom.api.auth import Actor
from warroom.api.routes.me import PERMISSIONS, permissions

#: A route (method, concrete path in MATRIX) that each permission stands for.
ROUTE_OF = {
    "read": ("GET", "/v1/shops"),
    "ingest": ("POST", "/v1/events/orders"),
    "write_campaigns": ("PATCH", "/v1/campaigns/c-1"),
    "write_budget_rules": ("POST", "/v1/rules/budget.m/publish"),
    "write_risk_rules": ("POST", "/v1/rules/risk.same_ip_burst/publish"),
    "revert_decisions": ("POST", "/v1/decisions/0000000000000000/revert"),
    "decide_reviews": ("POST", "/v1/reviews/o-none"),
    "allow_list": ("POST", "/v1/allow-list"),
    "kill_switch": ("PUT", "/v1/kill-switch"),
    "keys": ("POST", "/v1/keys"),
}


def test_every_permission_stands_for_a_route() -> None:
    assert set(ROUTE_OF) == set(PERMISSIONS)


@pytest.mark.parametrize("name", sorted(ROUTE_OF))
def test_a_permission_is_granted_to_exactly_the_roles_its_route_lets_through(name: str) -> None:
    method, path = ROUTE_OF[name]
    [allowed] = [roles for m, _, p, _, roles in MATRIX if (m, p) == (method, path)]
    granted = {role for role in ROLES if permissions(Actor("wk_x", role, None))[name]}  # type: ignore[arg-type]
    assert granted == allowed
