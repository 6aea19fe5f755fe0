"""The fault mode's hook (devstack/faults.py) on its own: its rate, its determinism, AWS's shapes of failure."""

import json
import random

import pytest

from devstack import faults


class Request:
    url = "https://dynamodb.eu-west-3.amazonaws.com/"

    def __init__(self, items: int = 0):
        self.body = json.dumps({"TransactItems": [{}] * items}).encode() if items else b"{}"


def outcomes(hook: faults.Faults, calls: int, operation: str = "GetItem", service: str = "dynamodb") -> list:
    """For each call, None (it goes through) or the error code AWS's made-up answer carries."""
    seen = []
    for _ in range(calls):
        answer = hook.before_send(Request(3), event_name=f"before-send.{service}.{operation}")
        seen.append(None if answer is None else json.loads(answer.content).get("__type", "ses").split("#")[-1])
    return seen


def test_the_rate_is_kept():
    seen = outcomes(faults.Faults(rate=0.1, seed=7), 4000)
    failed = sum(1 for outcome in seen if outcome)
    assert 320 <= failed <= 480, failed  # 10 % ± 2 points over 4,000 calls
    assert set(seen) - {None} == set(faults.DYNAMODB_ERRORS)


def test_the_same_seed_gives_the_same_faults_and_another_seed_others():
    first, again = faults.Faults(rate=0.1, seed=1), faults.Faults(rate=0.1, seed=1)
    assert outcomes(first, 500) == outcomes(again, 500)
    assert outcomes(faults.Faults(rate=0.1, seed=1), 500) != outcomes(faults.Faults(rate=0.1, seed=2), 500)


def test_reseeding_with_a_label_replays_its_sequence():
    hook = faults.Faults(rate=0.2, seed=3)
    hook.reseed("tests/api/test_x.py::test_y")
    once = outcomes(hook, 200)
    outcomes(hook, 37)
    hook.reseed("tests/api/test_x.py::test_y")
    assert outcomes(hook, 200) == once


def test_off_and_paused_mean_no_fault():
    assert outcomes(faults.Faults(rate=0.0), 200) == [None] * 200
    hook = faults.Faults(rate=1.0)
    with hook.paused():
        assert outcomes(hook, 50) == [None] * 50
    assert all(outcomes(hook, 50))


def test_a_cancelled_transaction_gives_one_reason_per_item_as_aws_does():
    hook = faults.Faults(rate=1.0, seed=5)
    cancelled = 0
    for _ in range(200):
        answer = hook.before_send(Request(4), event_name="before-send.dynamodb.TransactWriteItems")
        payload = json.loads(answer.content)
        assert answer.status_code == 400 and answer.headers[faults.INJECTED_HEADER] == "1"
        if payload["__type"].endswith("#TransactionCanceledException"):
            cancelled += 1
            codes = [reason["Code"] for reason in payload["CancellationReasons"]]
            assert len(codes) == 4 and codes.count("None") == 3
            assert {code for code in codes if code != "None"} <= set(faults.TRANSACTION_REASONS)
            assert payload["Message"].endswith("[" + ", ".join(codes) + "]")
    assert 60 <= cancelled <= 140  # half of the faults of a transaction are cancellations


def test_ses_refuses_and_s3_answers_late(monkeypatch):
    slept = []
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    hook = faults.Faults(rate=1.0, s3_delay=0.3)
    answer = hook.before_send(Request(), event_name="before-send.sesv2.SendEmail")
    assert answer.status_code == 429 and answer.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert hook.before_send(Request(), event_name="before-send.s3.GetObject") is None  # late, not failed
    assert slept == [0.3] and hook.counts["s3.delayed"] == 1


def test_a_forced_fault_comes_whatever_the_rate_and_only_as_often_as_asked():
    hook = faults.Faults(rate=0.0)
    hook.force("TransactWriteItems", "ConditionalCheckFailed", times=2)
    assert outcomes(hook, 3, "TransactWriteItems") == ["TransactionCanceledException"] * 2 + [None]
    assert outcomes(hook, 2, "GetItem") == [None, None]


@pytest.mark.parametrize("rate", [0.05, 0.3])
def test_other_rates(rate):
    calls = 3000
    failed = sum(1 for outcome in outcomes(faults.Faults(rate=rate, seed=random.Random(rate).randrange(99)), calls)
                 if outcome)
    assert abs(failed / calls - rate) < 0.03
