"""The table's stream, read as Lambda's event source mapping would deliver it to ``jobs.table_changes``.

moto keeps a DynamoDB stream but runs no event source mappings: the local stack polls the stream itself and hands
the records to the same handler the cloud invokes. The tests read it the same way.
"""

import logging
import threading

import boto3
from botocore.config import Config

log = logging.getLogger(__name__)


class StreamReader:
    """New records of a table's stream since the reader was made (every shard, in order)."""

    def __init__(self, table_name: str):
        self.arn = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        # botocore would address the stream by account (``<account>.streams-ddb``), which moto does not route.
        self.client = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        self.iterators = {}
        for shard in self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            self.iterators[shard["ShardId"]] = self.client.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")["ShardIterator"]

    def read(self) -> list[dict]:
        records = []
        for shard_id, iterator in list(self.iterators.items()):
            if iterator is None:
                continue
            answer = self.client.get_records(ShardIterator=iterator)
            records.extend(answer["Records"])
            self.iterators[shard_id] = answer.get("NextShardIterator")
        return records


def forget_read_records(reader: StreamReader, table_name: str, region: str) -> None:
    """Drop the records the reader (the only one) has had, and its used iterators: moto keeps a stream forever and
    deep-copies it with the table for each item of every transaction, which would slow the local stack down hour after
    hour. Sequence numbers stay as they were, so the reader's iterator still points at the next record."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    from devstack.aws import moto_table

    shard = moto_table(table_name).stream_shard
    if shard is not None and shard.items:
        shard.starting_sequence_number += len(shard.items)
        shard.items.clear()
    iterators = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][region].shard_iterators
    current = set(reader.iterators.values())
    for arn in [arn for arn in iterators if arn not in current]:
        del iterators[arn]


def waiting_mail_records(table_name: str) -> list[dict]:
    """INSERT records for the mails still waiting in the outbox (written before a stop, whose records the new reader,
    which starts at the stream's end, will never see). A Scan: the local stack's start only, never a request."""
    from chalicelib.domain.mails import QUEUED
    from chalicelib.store.models import MAIL_KIND

    client, records, arguments = boto3.client("dynamodb"), [], {"TableName": table_name}
    while True:
        page = client.scan(**arguments, FilterExpression="kind = :mail AND #status = :queued",
                           ExpressionAttributeNames={"#status": "status"},
                           ExpressionAttributeValues={":mail": {"S": MAIL_KIND}, ":queued": {"S": QUEUED}})
        records += [{"eventName": "INSERT", "dynamodb": {"Keys": {"pk": i["pk"], "sk": i["sk"]}, "NewImage": i}}
                    for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return sorted(records, key=lambda r: r["dynamodb"]["Keys"]["pk"]["S"])  # as they were queued
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# As the event source mapping of infra/resources.json: a failed batch is handed again this many times, then dropped
# (the cloud sends its description to the on-failure destination). The mailer parks a mail before that.
BATCH_RETRIES = 10


def start_table_changes(table_name: str, lock: threading.Lock, on_change, every: float = 0.5) -> threading.Event:
    """Poll the stream in a daemon thread and hand its records to ``jobs.table_changes``; set the returned event to
    stop. A batch that fails is handed again at the next poll, as Lambda retries it."""
    from chalicelib.jobs import table_changes

    reader, stopped = StreamReader(table_name), threading.Event()
    region = boto3.session.Session().region_name
    retry = {"records": waiting_mail_records(table_name), "tries": 0}

    def poll():
        while not stopped.wait(every):
            try:
                # Under the API's lock: no write lands between the read and the trim, so no record is lost.
                with lock:
                    records = retry["records"] + reader.read()
                    retry["records"] = []
                    forget_read_records(reader, table_name, region)
                    try:
                        done = table_changes.handle(records) if records else {}
                    except Exception:
                        retry["tries"] += 1
                        if retry["tries"] <= BATCH_RETRIES:
                            retry["records"] = records
                        else:
                            retry["tries"] = 0
                            log.error("table changes: a batch of %d record(s) failed %d times, dropped",
                                      len(records), BATCH_RETRIES + 1)
                        raise
                    retry["tries"] = 0
                    if any(done.values()) and on_change:
                        on_change()
            except Exception:
                log.exception("table changes: stream poll failed")

    threading.Thread(target=poll, name="table-changes", daemon=True).start()
    return stopped
