"""The jobs and what starts them, declared here so that ``chalice deploy`` alone wires every trigger: schedules
(EventBridge in the cloud; locally on demand), the table's stream (an event source mapping; locally a poller of
devstack) and the queue of SES's bounces and complaints (locally, ``/dev/bounce`` feeds the same job).

A trigger's resource is known at deploy time only: Chalice loads the app with the stage's environment variables, so the
stream ARN comes from ``TABLE_STREAM_ARN`` there (``chalice package`` replaces it by the table's own in the merged
template). Reading it costs nothing at import.
"""

import os
import time
from functools import wraps

from chalice import Blueprint, Cron, Rate

blueprint = Blueprint(__name__)


def timed(job_name: str):
    """Each run's duration as the metric ``JobDuration`` (dimension ``Job``)."""

    def decorate(function):
        @wraps(function)
        def run(*args):
            from chalicelib.observability import metric

            started = time.perf_counter()
            try:
                return function(*args)
            finally:
                metric("JobDuration", round((time.perf_counter() - started) * 1000, 1), "Milliseconds", Job=job_name)

        return run

    return decorate


@blueprint.schedule(Rate(1, unit=Rate.HOURS), name="housekeeping")
@timed("housekeeping")
def housekeeping(event):
    from chalicelib.jobs import housekeeping as job

    return {"removed": job.run()}


@blueprint.schedule(Cron(0, 6, "*", "*", "?", "*"), name="password_reminders")
@timed("password_reminders")
def password_reminders(event):
    from chalicelib.jobs import reminders as job

    return {"sent": job.run()}


@blueprint.schedule(Cron(30, 5, "*", "*", "?", "*"), name="stale_requests")
@timed("stale_requests")
def stale_requests(event):
    from chalicelib.jobs import stale_requests as job

    return job.run()


# Set by the deployment; the placeholder keeps the app importable anywhere else (tests, the local stack, the Lambda).
STREAM_PLACEHOLDER = "arn:aws:dynamodb:eu-west-3:000000000000:table/mon-compte/stream/not-deployed"


@blueprint.on_dynamodb_record(stream_arn=os.environ.get("TABLE_STREAM_ARN", STREAM_PLACEHOLDER),
                              name="table_changes", batch_size=100, maximum_batching_window_in_seconds=1)
@timed("table_changes")
def table_changes(event):
    """Profile copies to refresh, spaces of a structure to apply (``jobs.table_changes``)."""
    from chalicelib.jobs import table_changes as job

    return job.handle(event.to_dict().get("Records", []), _deadline(event))


def _deadline(event):
    """When this invocation ends (Lambda's context), or None where there is none."""
    remaining = getattr(getattr(event, "context", None), "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    from datetime import timedelta

    from chalicelib.domain import clock

    return clock.now() + timedelta(milliseconds=remaining())


# The queue SES's bounces and complaints reach through SNS (infra/resources.json, ``MailFeedbackQueue``).
FEEDBACK_PLACEHOLDER = "arn:aws:sqs:eu-west-3:000000000000:mon-compte-mail-feedback-not-deployed"


@blueprint.on_sqs_message(queue_arn=os.environ.get("MAIL_FEEDBACK_QUEUE_ARN", FEEDBACK_PLACEHOLDER),
                          name="mail_feedback", batch_size=10)
@timed("mail_feedback")
def mail_feedback(event):
    """Bounces and complaints mark the contact address (``jobs.bounces``)."""
    from chalicelib.jobs import bounces as job

    return {"marked": job.handle([record.body for record in event])}


# The exports queue of infra/resources.json, named at deploy time like the stream (``chalice package`` replaces it by
# the queue's own ARN in the merged template).
EXPORTS_QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-west-3:000000000000:mon-compte-exports-not-deployed"


@blueprint.on_sqs_message(queue_arn=os.environ.get("EXPORTS_QUEUE_ARN", EXPORTS_QUEUE_PLACEHOLDER), name="exports",
                          batch_size=1)
@timed("exports")
def exports(event):
    """« Télécharger mes données »: build one user's archive off the request path (``jobs.exports``)."""
    from chalicelib.jobs import exports as job

    return {"built": job.handle([record.body for record in event])}


# Digests (issue 12): 05:00 UTC is 06:00 in Paris in winter, 07:00 in summer (EventBridge schedules run in UTC).
@blueprint.schedule(Cron(0, 5, "*", "*", "?", "*"), name="daily_digest")
@timed("daily_digest")
def daily_digest(event):
    from chalicelib.jobs import digest_fanout

    return digest_fanout.start("daily")


@blueprint.schedule(Cron(30, 5, "?", "*", "MON", "*"), name="weekly_recap")
@timed("weekly_recap")
def weekly_recap(event):
    from chalicelib.jobs import digest_fanout

    return digest_fanout.start("weekly")


# One message per shard when a run fans out (infra/resources.json, ``DigestShardQueue``).
DIGEST_QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-west-3:000000000000:mon-compte-digest-shards-not-deployed"


@blueprint.on_sqs_message(queue_arn=os.environ.get("DIGEST_QUEUE_ARN", DIGEST_QUEUE_PLACEHOLDER),
                          name="digest_shard", batch_size=1)
@timed("digest_shard")
def digest_shard(event):
    """One shard of a digest run (``jobs.digest_fanout``): a failure is retried by SQS, then parked."""
    from chalicelib.jobs import digest_fanout

    remaining = getattr(getattr(event, "context", None), "get_remaining_time_in_millis", None)
    stop_at = None
    if remaining is not None:  # a minute before Lambda's limit: the last chunk and the message back to the queue
        import time

        stop_at = time.monotonic() + remaining() / 1000 - 60
    return digest_fanout.handle([record.body for record in event], stop_at)
