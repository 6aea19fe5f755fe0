"""The invoicing platform, played locally: the demo's invoices of Menuiserie Dupont, a dev route that sends more on
the queue of infra/ (``/dev/invoices/send``), and a poller that hands the queue's messages to the app's own job, as
the SQS event source mapping does in the cloud (a batch that fails stays on the queue: SQS retries it, then its
redrive policy parks it in the dead-letter queue). Never part of the deployed app."""

import json
import logging
import os
import secrets
import threading
from datetime import date
from urllib.parse import parse_qs, urlsplit

import boto3

log = logging.getLogger(__name__)
MENUISERIE_IDENTIFIER = "12600591700516"
# The demo's invoices (DOMAIN.md statuses), of the services Julie does not hold (MEUBLES: Paul and Marc; MENINT: Marc
# only, who holds « Factures émises » on the whole structure), so that her pages stay as the guide shows them; the
# rejected one is Marc's to attest.
DEMO = (
    ("FAC-2026-0101", "MEUBLES", "DEPOSEE", "1250.00", None),
    ("FAC-2026-0102", "MEUBLES", "MISE_A_DISPOSITION", "980.50", None),
    ("FAC-2026-0103", "MENINT", "MISE_EN_PAIEMENT", "4320.00", None),
    ("FAC-2026-0104", "MENINT", "REJETEE", "615.20", "Numéro d'engagement absent ou erroné"),
)


def _queue() -> str:
    return os.environ["INVOICE_STATUS_QUEUE_URL"]


def menuiserie_id() -> str:
    from chalicelib.store.models import IdentifierClaim, bind

    bind()
    return IdentifierClaim.get(f"IDENTIFIER#{MENUISERIE_IDENTIFIER}", "IDENTIFIER").structure_id


def message(structure_id: str, number: str, service: str | None, status: str, amount: str, reason: str | None,
            day: date | None = None) -> dict:
    from chalicelib.domain import clock

    data = {"id": f"dev-{secrets.token_hex(6)}", "number": number, "structure_id": structure_id,
            "service_id": service, "status": status, "amount": amount,
            "date": (day or clock.today()).isoformat(), "reason": reason}
    return {key: value for key, value in data.items() if value is not None}


def send(data: dict | str) -> None:
    boto3.client("sqs").send_message(QueueUrl=_queue(), MessageBody=data if isinstance(data, str) else json.dumps(data))


def drain() -> dict[str, int]:
    """Hand every waiting message to ``jobs.invoice_statuses``, ten at a time, deleting a batch once handled."""
    from chalicelib.jobs import invoice_statuses

    sqs, total = boto3.client("sqs"), {"handled": 0, "duplicates": 0, "dead_lettered": 0}
    while batch := sqs.receive_message(QueueUrl=_queue(), MaxNumberOfMessages=10).get("Messages", []):
        counts = invoice_statuses.handle([(m["MessageId"], m["Body"]) for m in batch])
        sqs.delete_message_batch(QueueUrl=_queue(), Entries=[
            {"Id": str(index), "ReceiptHandle": m["ReceiptHandle"]} for index, m in enumerate(batch)])
        total = {key: total[key] + counts[key] for key in total}
    return total


def seed() -> dict[str, int]:
    """The demo's invoices, through the queue and the job like any other."""
    structure_id = menuiserie_id()
    for number, service, status, amount, reason in DEMO:
        send(message(structure_id, number, service, status, amount, reason))
    return drain()


def start_poller(lock: threading.Lock, on_change, every: float = 1.0) -> threading.Event:
    stopped = threading.Event()

    def poll():
        while not stopped.wait(every):
            try:
                with lock:
                    if any(drain().values()) and on_change:
                        on_change()
            except Exception:
                log.exception("invoice queue: poll failed (the batch stays on the queue)")

    threading.Thread(target=poll, name="invoice-queue", daemon=True).start()
    return stopped


def send_route(request) -> tuple[int, dict, bytes]:
    """``/dev/invoices/send?number=&status=&service=&amount=&reason=&structure_id=`` (Menuiserie Dupont by default):
    one message on the queue, handled at once; ``raw=`` sends its text as is (to try the dead-letter queue)."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(request.path).query).items()}
    with request.server.api_lock:
        if "raw" in query:
            send(query["raw"])
        else:
            send(message(query.get("structure_id") or menuiserie_id(), query.get("number", "FAC-DEV-0001"),
                         query.get("service", "MOBURB") or None, query.get("status", "DEPOSEE"),
                         query.get("amount", "100.00"), query.get("reason")))
        counts = drain()
        if request.server.on_change:
            request.server.on_change()
    body = json.dumps({"sent": 1, **counts}).encode()
    return 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body


def run_membership_ends(request) -> tuple[int, dict, bytes]:
    """``/dev/run/membership_ends``: the daily job of dated rattachements, now (schedules never run locally)."""
    from chalicelib.jobs import membership_ends

    with request.server.api_lock:
        result = membership_ends.run()
        if request.server.on_change:
            request.server.on_change()
    body = json.dumps({"job": "membership_ends", "result": result}).encode()
    return 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body
