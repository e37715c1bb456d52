"""A small simulated market where the viewer's profile truly decides who buys: women
buy beauty products far more often, high spenders buy expensive products, and one
creator's fans buy one product of theirs especially often (the pair effect)."""

from __future__ import annotations

import random
from typing import Any

CATEGORIES = ("beauty", "snacks", "digital")
PRODUCTS = {
    "p-beauty": ("beauty", 129.0),
    "p-snack": ("snacks", 19.9),
    "p-phone": ("digital", 899.0),
}
BASE = 0.03


def truth(x: dict[str, Any]) -> float:
    """The true P(order | click)."""
    p = BASE
    if x["category"] == "beauty":
        p *= 5.0 if x["gender"] == "f" else 0.4
    if x["price"] >= 500:
        p *= 4.0 if x["spending_power"] >= 4 else 0.3
    if (x["creator"], x["product"]) == ("c-star", "p-snack"):
        p *= 4.0
    return min(p, 0.9)


def click(rng: random.Random, **fixed: Any) -> dict[str, Any]:
    product = fixed.get("product") or rng.choice(list(PRODUCTS))
    category, price = PRODUCTS[product]
    x = {
        "gender": rng.choice("fm"),
        "age_band": rng.choice(("18-23", "24-30", "31-40", "41-50")),
        "spending_power": rng.randint(1, 5),
        "city_tier": rng.randint(1, 5),
        "category": category,
        "price": price,
        "creator": rng.choice(("c-star", "c-plain", "c-new")),
        "product": product,
    }
    return {**x, **fixed}


def stream(seed: int, n: int) -> list[tuple[dict[str, Any], bool]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        x = click(rng)
        out.append((x, rng.random() < truth(x)))
    return out
