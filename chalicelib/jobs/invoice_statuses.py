"""The invoicing platform's status changes, from its SQS queue (``InvoiceStatusQueue`` of infra/resources.json).

Each message is validated (``schemas.InvoiceStatusMessage``). One that cannot be read (not JSON, a field missing or
wrong, an unknown status, a rejection without its reason) is sent to the dead-letter queue at once with its reason as
a message attribute, the reason logged (never the body: it may carry anything), and the batch goes on: retrying it
would not make it readable. Any other failure (DynamoDB throttled, a lost race) is raised: SQS gives the whole batch
back and, after 5 receives, its redrive policy parks it in the same dead-letter queue. Replaying a batch is harmless:
each message is marked handled in the transaction of its events (``store.invoices.record``), so a message already
handled is skipped. (Chalice 1.34 has no partial batch response for SQS: raise is what it offers.)
"""

import json
import logging

from pydantic import ValidationError

from chalicelib import settings
from chalicelib.domain import invoices as rules

log = logging.getLogger(__name__)


def read(body: str) -> rules.StatusChange:
    """The message, validated; ValueError with the reason otherwise."""
    from chalicelib.api.schemas import InvoiceStatusMessage

    try:
        data = json.loads(body)
    except (TypeError, ValueError) as error:
        raise ValueError(f"not JSON: {error.__class__.__name__}") from None
    try:
        message = InvoiceStatusMessage.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'message'}: {e['type']}"
                             for e in error.errors(include_input=False, include_url=False))
        raise ValueError(f"invalid: {problems}") from None
    return rules.StatusChange(message.id, message.number, message.structure_id, message.service_id, message.status,
                              str(message.amount), message.date, message.reason)


def dead_letter(body: str, reason: str, message_id: str | None) -> None:
    import boto3

    log.warning("invoice message %s unreadable, sent to the dead-letter queue: %s", message_id or "?", reason)
    url = settings.invoice_dead_letter_queue_url()
    if not url:
        log.error("no INVOICE_DEAD_LETTER_QUEUE_URL: unreadable invoice message %s dropped", message_id or "?")
        return
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=body or "(empty)", MessageAttributes={
        "reason": {"DataType": "String", "StringValue": reason[:1000]},
        "source_message_id": {"DataType": "String", "StringValue": message_id or "?"},
    })


def handle(messages: list[tuple[str | None, str]]) -> dict[str, int]:
    """``messages``: (SQS message id, body) pairs. Counts of what became of them."""
    from chalicelib.services import invoices

    counts = {"handled": 0, "duplicates": 0, "dead_lettered": 0}
    for message_id, body in messages:
        try:
            change = read(body)
        except ValueError as error:
            dead_letter(body, str(error), message_id)
            counts["dead_lettered"] += 1
            continue
        if invoices.record_status(change):
            counts["handled"] += 1
        else:
            counts["duplicates"] += 1
    return counts
