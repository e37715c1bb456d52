"""Reports as CSV: one header line of the row keys, then one line per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """``rows`` as CSV text; ``columns`` orders the header (default: the first row's keys).

    >>> to_csv([{"shop_id": "s1", "gmv": 9.9, "precision": None}])
    'shop_id,gmv,precision\\r\\ns1,9.9,\\r\\n'
    """
    names = list(columns if columns is not None else (rows[0] if rows else {}))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return out.getvalue()
