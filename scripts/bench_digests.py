"""The digest jobs at the issue's size: 100,000 users and 1,000,000 invoice events in a day (``--scale`` to run a
fraction: 0.02 is 2,000 users and 20,000 events). Figures, not assertions.

Runs against moto in-process (``mock_aws``), not the local stack's server: the items are generated with the store's
own item builders (each event's history item and its reader's feed item, with their ``gsi2`` keys; the profiles; one
validated rattachement per user, the first user of each structure its principal manager) and written with
BatchWriteItem (25 items a request), not through the API. Then each job runs as the schedule would
(``jobs.digests.run_daily`` the next morning, ``run_weekly`` the next Monday) and the script prints the DynamoDB
requests per mail (counted at botocore, by operation), the time per 1,000 mails, and the projection for one Lambda run
(15 minutes) with DynamoDB's latency rather than moto's: above what one run can queue, the job must fan out one shard
per SQS message (``jobs.digest_fanout``, queue ``DigestShardQueue``), which it does when ``DIGEST_QUEUE_URL`` is set.
"""

import argparse
import math
import os
import secrets
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS, EVENTS = 100_000, 1_000_000
USERS_PER_STRUCTURE = 10
LAMBDA_SECONDS = 15 * 60
DAY = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
RUN_AT = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)


def partition_queries() -> None:
    """moto answers a Query by going through the whole table (sorting it for a base-table Query, testing every item
    for an index's); DynamoDB reads the one partition. The bench reads the partition so (the answer is the same), so
    that its time grows with what the job reads, as in the cloud. An index's partitions are gathered once, when it is
    first queried: the jobs write no item that their own index Queries read (mails have no gsi2 keys, no member key)."""
    from moto.dynamodb.models.table import Table

    original = Table.query
    partitions: dict[tuple, dict] = {}

    def query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is not None:
            conditions = kwargs.get("hash_key_conditions") or []
            attribute = f"{index_name}pk"
            value = hash_key.value if hash_key is not None else next(
                (v.value for name, v in conditions if name == attribute), None)
            if value is None:
                return original(self, hash_key, *args, **kwargs)
            if (id(self), index_name) not in partitions:
                grouped: dict[str, list] = {}
                for item in self.all_items():
                    key = item.attrs.get(attribute)
                    if key is not None:
                        grouped.setdefault(key.value, []).append(item)
                partitions[(id(self), index_name)] = grouped
            subset = partitions[(id(self), index_name)].get(value, [])
            self.all_items = lambda: subset
        elif hash_key is not None and self.range_key_attr:
            partition = self.items.get(hash_key, {})
            self.all_items = lambda: sorted(partition.values(), key=lambda item: item.range_key)
        else:
            return original(self, hash_key, *args, **kwargs)
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query


def cheap_transactions() -> None:
    """moto backs up the whole table (a deep copy) for each item of a TransactWriteItems, to roll it back on a
    failure: at this size, minutes per transaction, where DynamoDB takes milliseconds. The bench keeps no backup: no
    transaction of a single run fails (none meets another run's mails; the tests check that case), and the job's
    fallback would say so in a warning."""
    import copy

    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    class NoTableBackup:
        @staticmethod
        def deepcopy(value, *args):
            return value if isinstance(value, Table) else copy.deepcopy(value, *args)

    models.copy = NoTableBackup


def timed_requests(calls: Counter, timer: dict):
    """Count DynamoDB requests by operation and time every AWS call (moto's work, not the job's)."""
    import botocore.client

    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        started = time.perf_counter()
        try:
            return original(self, operation_name, api_params)
        finally:
            service = self.meta.service_model.service_name
            name = f"{service} {operation_name}"
            timer[name] = timer.get(name, 0.0) + time.perf_counter() - started
            if service == "dynamodb":
                calls[operation_name] += 1

    botocore.client.BaseClient._make_api_call = counting

    def restore():
        botocore.client.BaseClient._make_api_call = original

    return restore


def write_all(client, table: str, items) -> int:
    """BatchWriteItem, 25 items a request (unprocessed ones sent again); how many requests."""
    requests, batch = 0, []

    def flush(batch):
        nonlocal requests
        pending = {table: [{"PutRequest": {"Item": item}} for item in batch]}
        while pending:
            requests += 1
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None

    for item in items:
        batch.append(item)
        if len(batch) == 25:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return requests


def profiles(count: int):
    from chalicelib.domain.accounts import ACTIVE
    from chalicelib.store.models import PROFILE_SK, UserProfile, user_pk

    for index in range(count):
        user_id = f"u{index:07d}"
        yield UserProfile(
            user_pk(user_id), PROFILE_SK, user_id=user_id, login=f"{user_id}@example.fr",
            contact_email=f"contact.{user_id}@example.fr", last_name=f"NOM{index}", first_name="Prénom",
            address_line1="1 rue", city="Paris", country="FR", language="EN" if index % 5 == 0 else "FR",
            notifications=index % 20 != 7,  # one in twenty has notifications off (no manager of the bench's)
            status=ACTIVE, created_at=DAY - timedelta(days=400), password_changed_at=DAY - timedelta(days=10),
            secret_question="Q", version=1).serialize()


def memberships(users: int):
    """One validated rattachement per user to its structure; the first user of each structure its principal manager."""
    from chalicelib.domain.memberships import PRINCIPAL, USER, VALIDATED
    from chalicelib.store.digests import manager_keys
    from chalicelib.store.memberships import members_pk
    from chalicelib.store.models import Membership, membership_sk, user_pk

    for index in range(users):
        user_id, structure = f"u{index:07d}", f"s{index // USERS_PER_STRUCTURE:06d}"
        role = PRINCIPAL if index % USERS_PER_STRUCTURE == 0 else USER
        yield Membership(
            user_pk(user_id), membership_sk(structure), user_id=user_id, structure_id=structure,
            identifier=f"{index // USERS_PER_STRUCTURE:014d}", designation=f"Structure {structure}",
            role=role, status=VALIDATED, valid_from="2025-01-01",
            requested_at=DAY - timedelta(days=300), first_name="Prénom", last_name=f"NOM{index}",
            contact_email=f"contact.{user_id}@example.fr", gsi1pk=members_pk(structure),
            gsi1sk=f"{VALIDATED}#{user_id}", **manager_keys(structure, user_id, role, None)).serialize()


def invoice_items(users: int, events: int):
    """Each invoice event as the store writes it: its history item and its reader's feed item (with their gsi2
    keys: nothing else is written for the digests)."""
    from chalicelib.domain import digests as rules
    from chalicelib.domain import events as event_rules
    from chalicelib.store import events as event_store

    statuses = rules.INVOICE_STATUSES
    for index in range(events):
        reader = f"u{index % users:07d}"
        structure = f"s{(index % users) // USERS_PER_STRUCTURE:06d}"
        at = DAY + timedelta(seconds=index * 50_000 // events)
        params = {"number": f"F{index:08d}", "status": statuses[index % len(statuses)], "amount": "123.45",
                  "service_id": "SRV", "date": "2026-11-26"}
        event = event_rules.Event(rules.INVOICE_STATUS, at, secrets.token_hex(8), None, None, structure, params,
                                  "Motif" if params["status"] == "REJETEE" else None, (reader,))
        first, rest = event_store.items_of(event)
        for item in first + rest:
            yield item.serialize()


def report(name: str, run, at: datetime, scale: float, latency_ms: float, shards: int) -> None:
    """Run one job under the counters and print its figures and the fan-out it calls for."""
    from chalicelib.domain import clock

    calls, timer = Counter(), {}
    restore = timed_requests(calls, timer)
    clock.set_now(at)
    started = time.perf_counter()
    try:
        result = run()
    finally:
        restore()
    elapsed = time.perf_counter() - started
    mails = result.get("sent", 0)
    requests = sum(calls.values())
    per_mail = requests / max(mails, 1)
    seconds_per_mail = elapsed / max(mails, 1)
    print(f"\n{name}: {dict(result)} in {elapsed:.1f} s")
    print(f"DynamoDB requests: {requests:,}, {per_mail:.4f} per mail; by operation, per mail: " + ", ".join(
        f"{operation} {count:,} ({count / max(mails, 1):.4f})" for operation, count in sorted(calls.items())))
    own = elapsed - sum(timer.values())  # the job's own work: reading items, building the mails' contexts
    print(f"time per 1,000 mails: {seconds_per_mail * 1000:.2f} s on moto, of which the job's own "
          f"{own / max(mails, 1) * 1000:.2f} s (the rest is moto: " + ", ".join(
              f"{service} {seconds:.1f} s" for service, seconds in timer.items()) + ")")
    # Projection: the job's own time plus DynamoDB's latency for each request, one after the other as the job makes
    # them (the mails are outbox items, written in the chunks' transactions: SES is the mailer's, later).
    projected = own / max(mails, 1) + per_mail * latency_ms / 1000
    full_mails = mails / scale if scale else mails
    capacity = LAMBDA_SECONDS / projected
    print(f"projection: {projected * 1000:.2f} ms per mail at {latency_ms:.0f} ms per request; one Lambda run "
          f"(15 min) queues about {capacity:,.0f} mails; the full run has about {full_mails:,.0f}")
    if full_mails > capacity:
        needed = math.ceil(full_mails / capacity)
        print(f"=> above one run: the job fans out one shard per SQS message (DIGEST_QUEUE_URL, "
              f"jobs.digest_fanout): {needed} run(s) needed at least, {shards} shards of about "
              f"{full_mails / shards:,.0f} mails each ({full_mails / shards * projected:.0f} s per shard run)"
              + ("" if full_mails / shards <= capacity else ": MORE SHARDS NEEDED (--shards / DIGEST_SHARDS)"))
    else:
        print(f"=> one Lambda run is enough at this size ({full_mails * projected:.0f} s of 900): the schedule runs it "
              f"in place; with DIGEST_QUEUE_URL set it still fans out one shard per message ({shards} shards)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 100,000 users / 1,000,000 events")
    parser.add_argument("--latency-ms", type=float, default=8.0,
                        help="DynamoDB's time per request from a Lambda, for the projection")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--job", choices=("daily", "weekly", "both"), default="both")
    arguments = parser.parse_args()
    users, events = max(int(USERS * arguments.scale), 1), max(int(EVENTS * arguments.scale), 1)

    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    os.environ["DIGEST_SHARDS"] = str(arguments.shards)
    os.environ.pop("DIGEST_QUEUE_URL", None)
    import logging

    logging.disable(logging.INFO)
    from moto import mock_aws

    partition_queries()
    cheap_transactions()
    with mock_aws():
        import boto3

        from devstack.resources import create_resources

        os.environ.update(create_resources())
        from devstack.aws import moto_table

        # moto copies the whole table into the stream on each write; nothing reads a stream here (as in the API tests)
        moto_table(os.environ["TABLE_NAME"]).stream_shard = None
        client, table = boto3.client("dynamodb"), os.environ["TABLE_NAME"]
        started = time.perf_counter()
        writes = write_all(client, table, profiles(users))
        writes += write_all(client, table, memberships(users))
        writes += write_all(client, table, invoice_items(users, events))
        generated = time.perf_counter() - started
        print(f"digest bench (moto in-process, --scale {arguments.scale}): {users:,} users, {events:,} invoice "
              f"events in a day, {arguments.shards} shards; generated with {writes:,} BatchWriteItem requests in "
              f"{generated:.0f} s")

        from chalicelib.jobs import digests as job

        if arguments.job in ("daily", "both"):
            report("daily digest", job.run_daily, RUN_AT, arguments.scale, arguments.latency_ms, arguments.shards)
        if arguments.job in ("weekly", "both"):
            report("weekly recap", job.run_weekly, MONDAY, arguments.scale, arguments.latency_ms, arguments.shards)


if __name__ == "__main__":
    main()
