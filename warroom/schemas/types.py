"""Field types shared by every wire record: ids, text, money, event time, IPs."""

from __future__ import annotations

import ipaddress
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo

#: Earliest event time accepted; anything older is a unit or clock error.
MIN_TS = datetime(2015, 1, 1, tzinfo=UTC)
#: How far in the future an event time may lie (producer clock skew).
MAX_FUTURE_S = 24 * 3600
#: Money is CNY; sums are kept exactly in integer units of 0.0001 CNY.
MONEY_UNITS = 10_000


#: Validation context of records warroom wrote itself (internal topics): their values
#: passed these checks when they came in, so the costly ones are not run again.
TRUSTED = {"trusted": True}


def _trusted(info: ValidationInfo) -> bool:
    return info.context is TRUSTED


def _event_time(value: datetime, info: ValidationInfo) -> datetime:
    """Event times are UTC; a naive time is read as UTC, an absurd one is refused."""
    if _trusted(info) and value.tzinfo is not None:  # UTC since it first came in
        return value
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-23:59 is past datetime's range once in UTC
        raise ValueError("timestamp out of range") from None
    if value < MIN_TS:
        raise ValueError(f"timestamp before {MIN_TS:%Y-%m-%d} is not plausible")
    if value.timestamp() > time.time() + MAX_FUTURE_S:
        raise ValueError("timestamp more than 24 h in the future")
    return value


def _ip(value: str, info: ValidationInfo) -> str:
    if _trusted(info):
        return value
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValueError("not an IPv4 or IPv6 address") from None
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:1.2.3.4 is the IPv4 host 1.2.3.4
    return (mapped or ip).compressed


Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(max_length=256)]
Money = Annotated[Decimal, Field(ge=0, le=1_000_000_000, decimal_places=4, allow_inf_nan=False)]
EventTime = Annotated[datetime, AfterValidator(_event_time)]
IpAddress = Annotated[str, StringConstraints(max_length=64), AfterValidator(_ip)]


def money_units(amount: Decimal) -> int:
    """Exact integer units of 0.0001 CNY.

    >>> money_units(Decimal("12.34"))
    123400
    """
    return int(amount * MONEY_UNITS)
