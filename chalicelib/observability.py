"""What operators see: one JSON object per log line, with the request it belongs to, and metrics as CloudWatch
Embedded Metric Format lines (CloudWatch Logs turns them into metrics, no API call, no dependency).

Why not Powertools for AWS Lambda, the field's library for this: measured here, importing its Logger costs about 20 ms
on top of boto3 (75 ms alone) and it adds 7.6 MB to the package, against a cold-start and package-size budget (issue
8); what we need of it is a formatter and a metric line. Never log passwords, answers, tokens or links: callers log
ids and counts only.
"""

import contextvars
import json
import logging
import os
import sys
import time

NAMESPACE = "MonCompte"
_request_id = contextvars.ContextVar("request_id", default=None)
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_metrics_log = logging.getLogger("chalicelib.metrics")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...extra}``; an exception goes in ``error``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update({key: value for key, value in vars(record).items() if key not in _RESERVED})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str | None = None) -> None:
    """In a Lambda function (called by app.py): JSON on the handlers the runtime installs, and metric lines written
    whole to standard output. Elsewhere (tests, the local stack) logging stays as it is configured there."""
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
    raw = logging.StreamHandler(sys.stdout)
    raw.setFormatter(logging.Formatter("%(message)s"))
    _metrics_log.handlers, _metrics_log.propagate = [raw], False
    _metrics_log.setLevel(logging.INFO)


def bind_request(request_id: str | None):
    """The request the next log lines belong to; returns a token for ``unbind_request``."""
    return _request_id.set(request_id)


def unbind_request(token) -> None:
    _request_id.reset(token)


def metric(name: str, value: float = 1, unit: str = "Count", **dimensions: str) -> None:
    """One metric in Embedded Metric Format, written as its own log line (``NAMESPACE``; ``dimensions`` optional)."""
    entry = {
        "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
            # With dimensions, the total as well (the empty set), which the alarms of infra/resources.json watch.
            "Namespace": NAMESPACE, "Dimensions": [sorted(dimensions), []] if dimensions else [[]],
            "Metrics": [{"Name": name, "Unit": unit}],
        }]},
        name: value, **dimensions,
    }
    request_id = _request_id.get()
    if request_id:
        entry["request_id"] = request_id
    # EMF must be the whole log line, not a message inside our JSON: this logger writes it as is in Lambda.
    _metrics_log.info(json.dumps(entry))
