"""The features of a match example: a viewer (or a creator's fan base) × a product.

An example is a plain dict (river's convention). Viewer fields hold one value, or a
distribution ``{value: share}`` for a fan base (a creator's fans): the features of a
fan base are then the expected features of one of its fans. Unknown fields are ignored
and missing ones add nothing, so a new platform field or a half-known viewer never breaks
scoring.

>>> x = {"gender": "f", "age_band": "24-30", "spending_power": 4, "category": "beauty",
...      "price": 129.0, "preferred": "beauty", "creator": "c1", "product": "p1"}
>>> sorted(featurize(x, interactions=False, pairs=False))  # doctest: +NORMALIZE_WHITESPACE
['age_band=24-30', 'category=beauty', 'gender=f', 'likes_category', 'price=100-200',
 'spending_power=4']
>>> featurize({"gender": {"f": 0.6, "m": 0.4}, "category": "tea"}, True, False)["gender=f|tea"]
0.6
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Example = Mapping[str, Any]
Features = dict[str, float]

#: The viewer's fields; each pairs with the product's category (spending power: its price band).
VIEWER_FIELDS = ("gender", "age_band", "spending_power", "city_tier")
#: Values that say nothing.
UNKNOWN = frozenset({"u", "unknown", "None", ""})
#: Upper bounds of the price bands (CNY); above the last: ``500+``.
PRICE_BANDS = (50, 100, 200, 500)


def price_band(price: Any) -> str | None:
    """The band of a unit price: ``<50``, ``50-100``, ``100-200``, ``200-500``, ``500+``.

    >>> price_band(49.9), price_band(100), price_band(None)
    ('<50', '100-200', None)
    """
    if price is None:
        return None
    low = 0
    for high in PRICE_BANDS:
        if float(price) < high:
            return f"<{high}" if low == 0 else f"{low}-{high}"
        low = high
    return f"{low}+"


def shares(value: Any) -> dict[str, float]:
    """A field as ``{value: share}``: a known single value has share 1."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k): float(s) for k, s in value.items() if str(k) not in UNKNOWN}
    return {} if str(value) in UNKNOWN else {str(value): 1.0}


def _viewer(x: Example, category: str | None, band: str | None, interactions: bool) -> Features:
    out: Features = {}
    for name in VIEWER_FIELDS:
        partner = band if name == "spending_power" else category
        for value, share in shares(x.get(name)).items():
            out[f"{name}={value}"] = share
            if interactions and partner is not None:
                out[f"{name}={value}|{partner}"] = share
    return out


def featurize(x: Example, interactions: bool = True, pairs: bool = True) -> Features:
    """One-hot viewer and product features, viewer × product interactions (``interactions``),
    and the creator, the product and the creator × product pair (``pairs``)."""
    category = x.get("category") or None
    band = price_band(x.get("price"))
    out = _viewer(x, category, band, interactions)
    if category is not None:
        out[f"category={category}"] = 1.0
        liked = shares(x.get("preferred")).get(str(category))
        if liked:
            out["likes_category"] = liked
    if band is not None:
        out[f"price={band}"] = 1.0
    creator, product = x.get("creator"), x.get("product")
    if pairs and creator:
        out[f"creator={creator}"] = 1.0
    if pairs and product:
        out[f"product={product}"] = 1.0
    if pairs and creator and product:
        out[f"pair={creator}|{product}"] = 1.0
    return out
