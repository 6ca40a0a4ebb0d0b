"""Structured JSON logs (structlog) with the request id bound per request."""
from __future__ import annotations

import logging
import sys
import threading

import structlog
from structlog.typing import Processor

_write_lock = threading.Lock()


class StdoutLogger:
    """Writes each line to whatever `sys.stdout` is at the time of the call.

    structlog's PrintLogger keeps the stream it was created with; when that stream is swapped and
    closed (a test capturing output, a daemon re-opening its streams) every later log call raises,
    and a log call that raises inside a message handler turns a good message into a failed one.
    """

    def msg(self, message: str) -> None:
        with _write_lock:
            stream = sys.stdout
            stream.write(message + "\n")
            stream.flush()

    log = debug = info = warn = warning = error = err = critical = exception = fatal = failure = msg


def _stdout_logger(*_args: object) -> StdoutLogger:
    return StdoutLogger()


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.EventRenamer("message"), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_stdout_logger,
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.bind_contextvars(service=service)
    for noisy in ("pika", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
