"""The exports queue, read as Lambda's SQS event source would deliver it to ``jobs.exports`` (``chalice local`` runs
no event source): a poller thread, and the dev route ``/dev/run/exports`` that drains it at once (the browser tests)."""

import logging
import os
import threading

import boto3

log = logging.getLogger(__name__)


def drain(wait_seconds: int = 0) -> int:
    """Hand every waiting message to ``jobs.exports`` and delete it once handled: how many archives were built."""
    from chalicelib.jobs import exports

    sqs, url, built = boto3.client("sqs"), os.environ["EXPORTS_QUEUE_URL"], 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=wait_seconds).get("Messages", [])
        if not messages:
            return built
        for message in messages:
            built += exports.handle([message["Body"]])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        wait_seconds = 0


def start_exports(lock: threading.Lock, on_change, every: float = 1.0) -> threading.Event:
    """Poll the queue in a daemon thread; set the returned event to stop."""
    stopped = threading.Event()

    def poll():
        while not stopped.wait(every):
            try:
                with lock:
                    if drain() and on_change:
                        on_change()
            except Exception:
                log.exception("exports: queue poll failed")

    threading.Thread(target=poll, name="exports", daemon=True).start()
    return stopped
