"""How the store rides out a throttled or busy DynamoDB, and what it reports when it cannot.

- Every call: botocore's standard retry mode (PynamoDB 6 hands its ``max_retry_attempts`` to it; PynamoDB no longer
  sleeps by itself), ``ATTEMPTS`` attempts in all, retrying throttling (``ProvisionedThroughputExceededException``,
  ``ThrottlingException``…) and transient errors. botocore waits up to 1 s × 2^n after a throttle, made for batch
  work: behind API Gateway's 29 s a request would spend seconds asleep, so the scale is ``THROTTLE_BASE_SECONDS``
  (worst case 0.05 + 0.1 + 0.2 + 0.4 = 0.75 s for a call, jittered).
- A TransactWriteItems cancelled for ``TransactionConflict`` or ``ThrottlingError`` (not for a failed condition) is
  sent again as it was, with its ``ClientRequestToken`` (``store.common.commit``): DynamoDB applies a token once for
  10 minutes, so a retry can never apply the change twice.
- What still fails is « unavailable » (``is_unavailable``): the API answers 503 with ``Retry-After``.
"""

import random
import time

ATTEMPTS = 5  # first try and 4 retries, for each DynamoDB call (botocore)
THROTTLE_BASE_SECONDS = 0.05
TRANSACTION_ATTEMPTS = 4  # a cancelled transaction, sent again with its token (store.common.commit)
# Why a transaction may be cancelled without any of its conditions failing: sending it again may succeed.
TRANSIENT_CANCELLATIONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
# botocore's error codes that mean « busy, try later » once its own retries are spent.
UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "TransactionInProgressException", "InternalServerError", "ServiceUnavailable", "TooManyRequestsException",
    "Throttling", "SlowDown", "RequestTimeout",
}


def tune(client) -> None:
    """Give ``client``'s standard retry handler the DynamoDB throttling backoff of this module (once per client)."""
    if getattr(client, "_mon_compte_tuned", False):
        return
    from botocore.retries import standard

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.unregister(f"needs-retry.{service}", unique_id=f"retry-config-{service}")
    handler = standard.register_retry_handler(client, max_attempts=ATTEMPTS)
    backoff = handler._retry_policy._retry_backoff
    backoff._DEFAULT_BACKOFF_CONFIG = {**backoff._DEFAULT_BACKOFF_CONFIG,
                                       "throttling_base_scale": THROTTLE_BASE_SECONDS}
    client._mon_compte_tuned = True


def transient_cancellation(error) -> bool:
    """A PynamoDB ``TransactWriteError`` cancelled only by conflicts with other transactions or by throttling:
    nothing was written and no condition failed."""
    if error.cause_response_code != "TransactionCanceledException":
        return False
    codes = {reason.code for reason in error.cancellation_reasons if reason is not None}
    return bool(codes) and codes <= TRANSIENT_CANCELLATIONS


def pause(attempt: int) -> None:
    """Full-jitter backoff before the ``attempt``-th retry of a transaction (1-based): up to 50, 100, 200 ms."""
    time.sleep(random.random() * THROTTLE_BASE_SECONDS * 2 ** (attempt - 1))  # noqa: S311 - jitter, not a secret


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) is AWS saying « busy, try later », after the retries: PynamoDB wraps
    botocore's ``ClientError`` (``cause``), boto3 raises it as is; a connection that failed or timed out too."""
    from botocore.exceptions import ClientError, ReadTimeoutError
    from botocore.exceptions import ConnectionError as AWSConnectionError

    from chalicelib.domain.errors import ServiceUnavailable

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ServiceUnavailable | AWSConnectionError | ReadTimeoutError):
            return True
        if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in UNAVAILABLE_CODES:
            return True
        if getattr(error, "cause_response_code", None) == "TransactionCanceledException" and \
                transient_cancellation(error):
            return True
        error = getattr(error, "cause", None) or error.__cause__
    return False

