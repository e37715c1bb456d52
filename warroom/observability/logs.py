"""Log lines as text or as JSON (``WARROOM_LOG_FORMAT=json``), for every warroom process.

The worker's logging is set up by mode (Faust's service library), the API's by uvicorn;
both take a ``logging.config.dictConfig`` dictionary, so one function builds it for all.
Either way API keys never reach a log line: uvicorn's access log writes query strings,
and the live feed takes ``?access_token=`` (``RedactSecrets``).
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from datetime import UTC, datetime
from typing import Any

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Attributes every ``LogRecord`` has; anything else came in through ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


#: An API key, ``wk_<12 hex id>.<secret>``: the id may be logged, the secret never.
_API_KEY = re.compile(r"\b(wk_[0-9a-f]{12})\.[A-Za-z0-9_\-]+")


class RedactSecrets(logging.Filter):
    """Replaces the secret of every API key in a record's message with ``***``.

    >>> record = logging.makeLogRecord({"msg": "GET /v1/stream?access_token=%s", "args":
    ...     ("wk_0123456789ab.Zm9vYmFyYmF6-_x",)})
    >>> RedactSecrets().filter(record), record.getMessage()
    (True, 'GET /v1/stream?access_token=wk_0123456789ab.***')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "wk_" in message:
            record.msg, record.args = _API_KEY.sub(r"\1.***", message), None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def log_config(fmt: str, level: str = "WARNING", access_log: bool = False) -> dict[str, Any]:
    """A dictConfig: every logger (uvicorn's and Faust's too) through one stderr handler;
    ``access_log``: uvicorn's at INFO, one line per request (``warroom api``)."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if fmt == "json" else {"format": TEXT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"secrets": {"()": RedactSecrets}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["secrets"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {  # INFO, as in uvicorn's own configuration
            name: {"level": "INFO", "handlers": [], "propagate": True}
            for name in (("uvicorn", "uvicorn.error", "uvicorn.access") if access_log else ())
        },
    }


def configure(fmt: str, level: str = "WARNING") -> None:
    logging.config.dictConfig(log_config(fmt, level))
