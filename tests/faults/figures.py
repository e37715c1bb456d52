"""The figures a fault test measured: one JSON file per test under ``FIGURES_DIR``
(``WARROOM_FAULT_FIGURES``, default ``$TMPDIR/warroom-faults``), also printed (``pytest -s``).

``python -m tests.faults.figures`` prints every file found as one table, for
docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

FIGURES_DIR = Path(
    os.environ.get("WARROOM_FAULT_FIGURES") or Path(tempfile.gettempdir()) / "warroom-faults"
)


def record(test: str, **figures: Any) -> dict[str, Any]:
    """Write ``figures`` as ``FIGURES_DIR/<test>.json`` and print them; returns them."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{test}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    print(f"\n[fault figures] {test}: {json.dumps(figures, sort_keys=True)}", flush=True)
    return figures


def load_all(directory: Path = FIGURES_DIR) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))}


def main() -> None:
    found = load_all()
    if not found:
        sys.exit(f"no figures in {FIGURES_DIR}: run `pytest -m integration tests/faults` first")
    for test, figures in found.items():
        print(f"## {test}")
        for name, value in figures.items():
            print(f"  {name:34} {value}")


if __name__ == "__main__":
    main()
