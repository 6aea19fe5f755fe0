"""Triggers of issue 12 (notifications), declared in their own blueprint so that ``chalice deploy`` wires them: the
invoicing platform's status queue and the daily job of dated rattachements. The queue's ARN is known at deploy time
only (``INVOICE_STATUS_QUEUE_ARN``, set by scripts/deploy.py from the stack's output), as the table stream's is."""

import os

from chalice import Blueprint, Cron

from chalicelib.jobs.schedules import timed

blueprint = Blueprint(__name__)

INVOICE_QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-west-3:000000000000:mon-compte-invoice-status-not-deployed"


@blueprint.on_sqs_message(queue_arn=os.environ.get("INVOICE_STATUS_QUEUE_ARN", INVOICE_QUEUE_PLACEHOLDER),
                          name="invoice_statuses", batch_size=10)
@timed("invoice_statuses")
def invoice_statuses(event):
    """Status changes of invoices become events for the holders of « Factures émises » (``jobs.invoice_statuses``)."""
    from chalicelib.jobs import invoice_statuses as job

    return job.handle([(record.to_dict().get("messageId"), record.body) for record in event])


@blueprint.schedule(Cron(15, 5, "*", "*", "?", "*"), name="membership_ends")
@timed("membership_ends")
def membership_ends(event):
    """Rattachements ending in 14 days are told; those past their end date end (``jobs.membership_ends``)."""
    from chalicelib.jobs import membership_ends as job

    return job.run()
