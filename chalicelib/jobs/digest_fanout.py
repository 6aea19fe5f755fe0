"""Where a digest run happens: in the scheduled invocation itself, or, when a queue is configured
(``DIGEST_QUEUE_URL``), one SQS message per shard so that each shard gets its own Lambda run.

The bench (``scripts/bench_digests.py``) says when fanning out is needed (a few hundredths of a DynamoDB request per
mail, so the job's own work per mail sets the pace): above what one 15-minute Lambda run can queue, one message per
shard. A shard's run is idempotent and resumes after its checkpoint (``jobs.digests``), so SQS redelivering a message,
or delivering it while a first run of the shard still goes on, queues nothing twice.
"""

import json
import logging

from chalicelib import settings
from chalicelib.domain import clock

log = logging.getLogger(__name__)

JOBS = ("daily", "weekly")


def _run(job: str, shards=None, now=None, stop_at=None) -> dict:
    from chalicelib.jobs import digests

    return (digests.run_daily if job == "daily" else digests.run_weekly)(shards, now=now, stop_at=stop_at)


def _send(client, queue_url: str, job: str, shards: list[int], moment: str) -> None:
    for start_index in range(0, len(shards), 10):
        client.send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(shard), "MessageBody": json.dumps({"job": job, "shard": shard, "at": moment})}
            for shard in shards[start_index:start_index + 10]])


def start(job: str) -> dict:
    """Run ``job`` now, or hand its shards to the queue: the messages carry the run's moment, so that a shard run
    later reads the same day or week."""
    queue_url = settings.digest_queue_url()
    if not queue_url:
        return _run(job)
    import boto3

    client = boto3.client("sqs")
    moment = clock.now().isoformat()
    shards = list(range(settings.digest_shards()))
    _send(client, queue_url, job, shards, moment)
    log.info("%s digest fanned out over %d shards", job, len(shards))
    return {"fanned_out": len(shards)}


def handle(bodies: list[str], stop_at: float | None = None) -> dict:
    """Run the shard each message names. A message that cannot be read is logged and dropped (retrying it would not
    make it readable). Past ``stop_at`` (``time.monotonic()``: the Lambda run's end less a margin) a shard stops after
    a chunk and goes back to the queue with the same moment (``continued``): its next run resumes after its
    checkpoint, so a shard too large for one run is sent in several."""
    from datetime import datetime

    totals: dict[str, int] = {}
    for body in bodies:
        try:
            message = json.loads(body)
            job, shard = message["job"], int(message["shard"])
            moment = datetime.fromisoformat(message["at"])
            if job not in JOBS or not 0 <= shard < settings.digest_shards():
                raise ValueError(job)
        except (ValueError, KeyError, TypeError):
            log.error("digest shard message unreadable, dropped")
            continue
        result = _run(job, [shard], moment, stop_at)  # the run's day or week, whenever SQS delivers the message
        if result.pop("unfinished", None):
            import boto3

            _send(boto3.client("sqs"), settings.digest_queue_url(), job, [shard], message["at"])
            log.info("%s digest shard %d continues in another run", job, shard)
            result["continued"] = 1
        for key, value in result.items():
            totals[key] = totals.get(key, 0) + value
    return totals
