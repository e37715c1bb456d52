"""The JSON log formatter: one object per line, extra fields and tracebacks kept."""

from __future__ import annotations

import json
import logging
import sys

from warroom.observability.logs import JsonFormatter, log_config


def test_a_record_is_one_line_of_json_with_its_extras_and_traceback() -> None:
    logger = logging.getLogger("warroom.test")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logger.makeRecord(
            "warroom.test",
            logging.ERROR,
            __file__,
            1,
            "sink %s failed",
            ("orders",),
            exc_info=sys.exc_info(),
            extra={"table": "orders", "rows": 3},  # type: ignore[arg-type]
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    out = json.loads(line)
    assert out["message"] == "sink orders failed" and out["level"] == "ERROR"
    assert out["logger"] == "warroom.test" and out["ts"].endswith("+00:00")
    assert (out["table"], out["rows"]) == ("orders", 3)
    assert "ValueError: boom" in out["exc"]


def test_text_and_json_configurations() -> None:
    assert "()" in log_config("json")["formatters"]["default"]
    assert "format" in log_config("text")["formatters"]["default"]
    assert "uvicorn.access" in log_config("text", access_log=True)["loggers"]
    assert not log_config("json")["loggers"]  # the worker's API logs no request lines
