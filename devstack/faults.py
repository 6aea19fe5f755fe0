"""Fault mode of the local stack and the API tests: AWS having a bad minute, off unless ``FAULTS`` is set.

One ``before-send`` hook on botocore's event system, installed before any session exists (botocore copies
``BUILTIN_HANDLERS`` into each new session, PynamoDB's included). At the chosen rate it answers in AWS's place, as AWS
would: a DynamoDB call fails with ``ProvisionedThroughputExceededException`` or ``ThrottlingException``, a
TransactWriteItems is cancelled for ``TransactionConflict`` or ``ThrottlingError`` (reasons one per item, as AWS gives
them), an SES send is refused (``TooManyRequestsException``); S3 answers late. botocore parses the made-up answer as a
real one, so its retries see it exactly as they would see AWS's. Nothing here is product code.

- ``FAULTS=0.1``: the rate (0 or unset: off); ``FAULTS_SEED`` (default 0): the same seed and the same calls give the
  same faults; ``FAULTS_S3_DELAY`` (seconds, default 0.2): how late S3 answers when it does.
- Injected answers carry ``x-faults-injected: 1``, so a test can count the calls that reached the table apart from
  the attempts the hook refused.
"""

import json
import os
import random
import threading
import time
import uuid
from contextlib import contextmanager

INJECTED_HEADER = "x-faults-injected"
DYNAMODB_ERRORS = ("ProvisionedThroughputExceededException", "ThrottlingException")
TRANSACTION_REASONS = ("TransactionConflict", "ThrottlingError")
_MESSAGES = {
    "ProvisionedThroughputExceededException": "The level of configured provisioned throughput for the table was "
                                              "exceeded. Consider increasing your provisioning level with the "
                                              "UpdateTable API.",
    "ThrottlingException": "Rate of requests exceeds the allowed throughput.",
    "TransactionConflict": "Transaction is ongoing for the item",
    "ConditionalCheckFailed": "The conditional request failed",
    "ThrottlingError": "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is "
                       "automatically scaling your index so please try again shortly.",
}


class _Body:
    """The raw body botocore reads from an answer (``stream()``), as urllib3 would give it."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


class Faults:
    """The hook and its state: one random generator, so a seed fixes which calls fail and how."""

    def __init__(self, rate: float = 0.0, seed: int = 0, s3_delay: float = 0.2):
        self.rate, self.seed, self.s3_delay = rate, seed, s3_delay
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._paused = threading.local()
        self.counts: dict[str, int] = {}  # "dynamodb.calls", "dynamodb.<error>", "sesv2.<error>", "s3.delayed"…
        self._forced: list[list] = []  # [operation, outcome, times left (None: until cleared), calls to let go]

    def reseed(self, label: str = "") -> None:
        """Start again from ``seed`` and ``label`` (a test's id: its faults do not depend on the tests before it)."""
        with self._lock:
            self._random = random.Random(f"{self.seed}:{label}")

    @contextmanager
    def paused(self):
        """No fault in this thread meanwhile (a test's own setup and inspection of the table)."""
        before = getattr(self._paused, "on", False)
        self._paused.on = True
        try:
            yield
        finally:
            self._paused.on = before

    def force(self, operation: str, outcome: str, times: int | None = 1, after: int = 0) -> None:
        """Whatever the rate, fail ``times`` calls of ``operation`` (a DynamoDB operation name, or ``SendEmail``)
        after letting ``after`` go, with ``outcome``: an error code of ``DYNAMODB_ERRORS``, a cancellation reason of
        ``TRANSACTION_REASONS`` or ``ConditionalCheckFailed`` (TransactWriteItems), ``TooManyRequestsException``
        (SendEmail). For tests that need one precise fault."""
        with self._lock:
            self._forced.append([operation, outcome, times, after])

    def clear(self) -> None:
        with self._lock:
            self._forced.clear()

    def _take_forced(self, operation: str) -> str | None:
        with self._lock:
            for entry in self._forced:
                if entry[0] == operation and (entry[2] is None or entry[2] > 0):
                    if entry[3] > 0:
                        entry[3] -= 1
                        return None
                    if entry[2] is not None:
                        entry[2] -= 1
                    return entry[1]
        return None

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def _draw(self, service: str) -> random.Random | None:
        """Whether this call fails; if so, the generator that chooses how (drawn under the lock: deterministic)."""
        with self._lock:
            self._count(f"{service}.calls")
            return self._random if self._random.random() < self.rate else None

    def before_send(self, request, event_name: str = "", **_kwargs):
        """botocore's ``before-send``: None lets the request go; an ``AWSResponse`` is used as AWS's answer."""
        if (not self.rate and not self._forced) or getattr(self._paused, "on", False):
            return None
        parts = event_name.split(".")  # before-send.<service>.<Operation>
        service, operation = (parts[1], parts[2]) if len(parts) >= 3 else ("", "")
        forced = self._take_forced(operation) if self._forced else None
        if forced is not None:
            with self._lock:
                self._count(f"{service}.calls")
            return self._fail(request, service, operation, forced)
        if not self.rate:
            return None
        if service == "dynamodb":
            return self._dynamodb(request, operation)
        if service == "sesv2" and operation == "SendEmail":
            return self._ses(request)
        if service == "s3":
            if self._draw("s3"):
                self._count("s3.delayed")
                time.sleep(self.s3_delay)
        return None

    def _dynamodb(self, request, operation: str):
        chosen = self._draw("dynamodb")
        if chosen is None:
            return None
        with self._lock:
            if operation == "TransactWriteItems" and chosen.random() < 0.5:
                outcome = chosen.choice(TRANSACTION_REASONS)
            else:
                outcome = chosen.choice(DYNAMODB_ERRORS)
            culprit = chosen.random()
        return self._fail(request, "dynamodb", operation, outcome, culprit)

    def _ses(self, request):
        if self._draw("sesv2") is None:
            return None
        return self._fail(request, "sesv2", "SendEmail", "TooManyRequestsException")

    def _fail(self, request, service: str, operation: str, outcome: str, culprit: float = 0.0):
        """AWS's answer for ``outcome``; a cancellation names the item ``culprit`` (0 ≤ culprit < 1) points at."""
        if service == "sesv2":
            with self._lock:
                self._count(f"sesv2.{outcome}")
            return _answer(request, 429, {"Content-Type": "application/json", "x-amzn-ErrorType": outcome},
                           {"message": "Maximum sending rate exceeded."})
        if outcome in DYNAMODB_ERRORS:
            code = outcome
            payload = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": _MESSAGES[code]}
        else:
            code = "TransactionCanceledException"
            items = len(json.loads(request.body or b"{}").get("TransactItems", [])) or 1
            reasons = [{"Code": "None"} for _ in range(items)]
            reasons[int(culprit * items)] = {"Code": outcome, "Message": _MESSAGES[outcome]}
            payload = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "CancellationReasons": reasons,
                       "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons ["
                                  + ", ".join(r["Code"] for r in reasons) + "]"}
        with self._lock:
            self._count(f"dynamodb.{code}")
        return _answer(request, 400, {"Content-Type": "application/x-amz-json-1.0"}, payload)


def _answer(request, status: int, headers: dict, payload: dict):
    from botocore.awsrequest import AWSResponse

    request.faults_answered = True  # moto's in-process mock must not carry it out as well (see _quiet_moto)

    headers = {**headers, "x-amzn-RequestId": str(uuid.uuid4()), INJECTED_HEADER: "1"}
    return AWSResponse(request.url, status, headers, _Body(json.dumps(payload).encode()))


def was_injected(error) -> bool:
    """Whether a botocore ``ClientError`` is one of the hook's answers."""
    headers = (getattr(error, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return headers.get(INJECTED_HEADER) == "1"


ACTIVE = Faults()


def _quiet_moto() -> None:
    """botocore calls every ``before-send`` handler and keeps the first answer: moto's mock (tests) would still apply
    a write the hook answered for. It leaves alone what the hook answered. (Against moto's server, the local stack,
    an answered request is never sent.)"""
    try:
        from moto.core.botocore_stubber import BotocoreStubber
    except ImportError:
        return
    original = BotocoreStubber.__call__
    if getattr(original, "faults_aware", False):
        return

    def __call__(self, event_name, request, **kwargs):
        if getattr(request, "faults_answered", False):
            return None
        return original(self, event_name, request, **kwargs)

    __call__.faults_aware = True
    BotocoreStubber.__call__ = __call__


def install(rate: float, seed: int = 0, s3_delay: float = 0.2) -> Faults:
    """Set the rate and make every botocore session built from now on carry the hook, ahead of moto's own
    ``before-send`` (moto's mock answers there too: the first answer wins)."""
    from botocore.handlers import BUILTIN_HANDLERS

    ACTIVE.rate, ACTIVE.seed, ACTIVE.s3_delay = rate, seed, s3_delay
    ACTIVE.reseed()
    _quiet_moto()
    entry = ("before-send", ACTIVE.before_send)
    if entry not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.insert(0, entry)
    return ACTIVE


def install_from_env(always: bool = False) -> Faults | None:
    """``FAULTS`` (rate), ``FAULTS_SEED``, ``FAULTS_S3_DELAY``; nothing is installed when the rate is 0 or unset,
    unless ``always`` (the tests: their own faults, ``Faults.force``, need the hook in place)."""
    rate = float(os.environ.get("FAULTS") or 0)
    if not rate and not always:
        return None
    return install(rate, int(os.environ.get("FAULTS_SEED") or 0), float(os.environ.get("FAULTS_S3_DELAY") or 0.2))


def summary(faults: Faults = ACTIVE) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(faults.counts.items()))
