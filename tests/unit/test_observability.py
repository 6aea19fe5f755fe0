"""Operators' view: log lines as JSON with their request, metrics as Embedded Metric Format lines."""

import json
import logging

import pytest

from chalicelib import observability


def record(message="login succeeded for user %s", *args, **extra):
    entry = logging.makeLogRecord({"name": "chalicelib.services.auth", "levelname": "INFO", "levelno": 20,
                                   "msg": message, "args": args or ("abc",), **extra})
    return json.loads(observability.JsonFormatter().format(entry))


def test_a_log_line_is_one_json_object_with_the_request_it_belongs_to():
    token = observability.bind_request("req-123")
    try:
        line = record(user_id="abc")
    finally:
        observability.unbind_request(token)
    assert line["message"] == "login succeeded for user abc"
    assert (line["level"], line["logger"], line["request_id"], line["user_id"]) == (
        "INFO", "chalicelib.services.auth", "req-123", "abc")
    assert line["time"].endswith("Z")
    assert "request_id" not in record()  # unbound again


def test_an_exception_goes_in_the_error_field():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        line = record("failed for user %s", exc_info=sys.exc_info())
    assert "ValueError: boom" in line["error"]


def test_a_metric_is_an_embedded_metric_format_line(caplog):
    with caplog.at_level(logging.INFO, logger="chalicelib.metrics"):
        observability.metric("MailsSent", Template="activation")
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "chalicelib.metrics"]
    (definition,) = line["_aws"]["CloudWatchMetrics"]
    assert definition == {"Namespace": "MonCompte", "Dimensions": [["Template"], []],
                          "Metrics": [{"Name": "MailsSent", "Unit": "Count"}]}
    assert (line["MailsSent"], line["Template"]) == (1, "activation")


@pytest.mark.parametrize("in_lambda", [False, True])
def test_logging_is_set_up_only_inside_a_lambda_function(monkeypatch, in_lambda):
    root = logging.getLogger()
    handler = logging.StreamHandler()
    monkeypatch.setattr(root, "handlers", [handler])
    metrics = logging.getLogger("chalicelib.metrics")
    monkeypatch.setattr(metrics, "handlers", [])
    monkeypatch.setattr(metrics, "propagate", True)
    monkeypatch.setattr(root, "level", root.level)
    if in_lambda:
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "mon-compte-prod")
    else:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    observability.configure()
    assert isinstance(handler.formatter, observability.JsonFormatter) is in_lambda
    assert metrics.propagate is not in_lambda
