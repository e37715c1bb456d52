"""Which rule kinds a backtest replays, and why the others cannot be: each kind the
registry knows is in exactly one of the two (a unit test checks it), so a request for
one that cannot be replayed gets an answer naming the reason, never an empty report."""

from __future__ import annotations

from warroom.errors import InvalidEntity

#: Order rules replayed order by order over the orders table (the key column of bursts).
BURSTS = {"same_ip_burst": "ip", "same_device_burst": "device_id", "same_user_burst": "user_id"}
ORDER_KINDS = {*BURSTS, "price_deviation", "night_surge"}
PAYMENT_KINDS = {
    "payment_mismatch",
    "unknown_order_payment",
    "duplicate_payment",
    "payment_failures",
}
REPLAYED = {*ORDER_KINDS, *PAYMENT_KINDS, "refund_spike", "thresholds", "condition"}

NOT_REPLAYED = {
    "order_anomaly": (
        "the anomaly model learns online and the warehouse keeps only the scores it "
        "reported as hits, so a changed threshold cannot be replayed; run the draft in "
        "shadow mode instead"
    ),
    "creator_trust": (
        "creator trust scores creators from rolling components the warehouse does not "
        "keep; it decides nothing on orders or campaigns to replay"
    ),
    "stock_guard": "the warehouse keeps no stock levels, which the stock guard judges",
    "hot_product": "the warehouse keeps no searches, which the hot-product radar judges",
    "commission_splits": (
        "commission splits decide no hold or pause: what each version paid is in the "
        "commissions table (the profit report)"
    ),
    "retargeting": "the warehouse keeps no viewer journeys, which retargeting audiences need",
    "fan_loop": "the warehouse keeps no follows or messages, which the fan loop needs",
    "ab_test": (
        "an A/B test decides with its own always-valid sequential test as data arrives; "
        "replaying it over known history would judge with hindsight"
    ),
}


def check_kind(kind: str) -> None:
    """InvalidEntity (field ``kind``) naming why a backtest cannot replay ``kind``."""
    if kind in REPLAYED:
        return
    why = NOT_REPLAYED.get(kind, "no replay is written for it")
    raise InvalidEntity(f"backtests cannot replay {kind} rules: {why}", "kind")
