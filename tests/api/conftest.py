"""The Chalice test client against moto (``mock_aws``), with the resources of infra/ and the demo data."""

import copy
import json
import os
from datetime import UTC, datetime

import botocore.client
import botocore.exceptions
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.domain import clock
from devstack import faults
from tests.conftest import DEMO_PASSWORD, PAUL, ROOT

JSON_HEADERS = {"Content-Type": "application/json", "X-Requested-With": "fetch"}
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def aws_session():
    """One mocked account and one stack for the whole run: building botocore clients is what costs, not the data."""
    with mock_aws():
        from devstack import moto_patches
        from devstack.resources import create_resources

        moto_patches.apply()

        os.environ.update(create_resources())
        yield


SCAN_ALLOWED = {"now": False}


@pytest.fixture(autouse=True)
def no_scan(monkeypatch):
    """No request path may Scan the table: any Scan fails the test, except the tests' own housekeeping."""
    original = botocore.client.BaseClient._make_api_call

    def guarded(self, operation_name, api_params):
        if operation_name == "Scan" and not SCAN_ALLOWED["now"]:
            raise AssertionError(f"Scan on a request path: {api_params}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", guarded)


def table_items() -> list[dict]:
    """Every item of the table (a test's own check that nothing changed)."""
    import boto3

    SCAN_ALLOWED["now"] = True
    try:
        items = []
        with faults.ACTIVE.paused():  # the test's own look at the table, not the product's
            for page in boto3.client("dynamodb").get_paginator("scan").paginate(TableName=os.environ["TABLE_NAME"]):
                items.extend(page["Items"])
        return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
    finally:
        SCAN_ALLOWED["now"] = False


def outbox_records() -> list[dict]:
    """The stream's INSERT record of each mail still waiting in the outbox, as the event source mapping would hand it
    to ``jobs.table_changes`` (the tests keep no stream unless they ask for one)."""
    from chalicelib.domain.mails import QUEUED
    from chalicelib.store.models import MAIL_KIND

    return [{"eventName": "INSERT", "dynamodb": {"Keys": {"pk": i["pk"], "sk": i["sk"]}, "NewImage": i}}
            for i in table_items() if i["kind"]["S"] == MAIL_KIND and i["status"]["S"] == QUEUED]


def deliver_mails() -> int:
    """Run the mailer on what the outbox holds, as the stream would a moment after the requests: how many were sent.
    The DynamoDB calls it makes are taken off ``dynamodb_calls``'s count (they are not the requests'). A batch that
    fails (a mail SES refused: it waits in the outbox) is handed again, as the event source mapping does (with faults
    on, ``FAULTS``)."""
    from chalicelib.jobs import table_changes
    from devstack.streams import BATCH_RETRIES

    before = len(_ses_messages())
    for attempt in range(BATCH_RETRIES + 1):
        records = outbox_records()
        if not records:
            break
        try:
            with _uncounted():
                table_changes.handle(records)
            break
        except Exception:  # noqa: BLE001 - any failure of the batch: the mapping hands it again
            if attempt == BATCH_RETRIES:
                raise
    return len(_ses_messages()) - before


def _ses_messages() -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].sent_messages


_COUNTING = {"paused": False}


class _uncounted:
    def __enter__(self):
        _COUNTING["paused"] = True

    def __exit__(self, *exc):
        _COUNTING["paused"] = False


def sent_mails(deliver: bool = True) -> list:
    """The mails SES received, parsed, oldest first (the outbox is delivered first, unless ``deliver`` is False)."""
    from email import message_from_string
    from email.policy import default

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    if deliver:
        deliver_mails()
    sent = ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].sent_messages
    return [message_from_string(m.raw_data, policy=default) for m in sent if getattr(m, "raw_data", None)]


def moto_table():
    from devstack.aws import moto_table as table_of

    return table_of(os.environ["TABLE_NAME"])


@pytest.fixture
def aws(aws_session):
    """An empty table, bucket and outbox for each test."""
    import boto3
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    s3 = boto3.client("s3")
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    # moto deep-copies the whole table, stream records included, for every item of a transaction: a stream nobody
    # reads would make each test slower than the last and exhaust memory. Tests that read it ask for a fresh one.
    table = moto_table()
    table.stream_shard = None
    # Emptied in moto's own object: a Scan and one DeleteItem per item took a second per test.
    table.items.clear()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"])
    ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].sent_messages.clear()
    yield


@pytest.fixture
def frozen_clock():
    clock.set_now(NOW)
    yield clock
    clock.set_now(None)


# The demo data as seeded once by this process: moto's items and the bucket's objects.
_SEEDED: dict = {}


@pytest.fixture
def demo(aws, frozen_clock):
    """The demo data. Seeded once per process (0.7 s: users, structures, transactions), then copied back into moto
    for each test (a few milliseconds); the clock is the same frozen instant, so the copy is what a seed would write."""
    import boto3

    from devstack.seed import seed

    bucket = os.environ["ATTACHMENTS_BUCKET"]
    s3 = boto3.client("s3")
    if not _SEEDED:
        seed(DEMO_PASSWORD)
        _SEEDED["items"] = copy.deepcopy(moto_table().items)
        objects = [s3.get_object(Bucket=bucket, Key=entry["Key"]) | {"Key": entry["Key"]}
                   for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        _SEEDED["objects"] = [(got["Key"], got["Body"].read(), got["ContentType"]) for got in objects]
        return
    moto_table().items = copy.deepcopy(_SEEDED["items"])
    for key, content, content_type in _SEEDED["objects"]:
        s3.put_object(Bucket=bucket, Key=key, Body=content, ContentType=content_type)


@pytest.fixture
def client(demo):
    with Client(__import__("app").app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client


@pytest.fixture
def dynamodb_calls(monkeypatch, no_scan):
    """Names of the DynamoDB operations made, in order. A call is what the product asks for (botocore's retries
    inside it are not counted); a call refused by the fault mode (devstack/faults.py) that the product sends again is
    counted once, when it reaches the table: budgets are the same with faults on."""
    calls = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        if self.meta.service_model.service_name != "dynamodb" or _COUNTING["paused"]:
            return original(self, operation_name, api_params)
        try:
            result = original(self, operation_name, api_params)
        except botocore.exceptions.ClientError as error:
            if not faults.was_injected(error):
                calls.append(operation_name)
            raise
        calls.append(operation_name)
        return result

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return calls


def send(client, method, path, payload=None, cookie=None, headers=None, body=None):
    all_headers = dict(JSON_HEADERS) if method != "GET" else {}
    if cookie:
        all_headers["Cookie"] = cookie
    all_headers.update(headers or {})
    if body is None and payload is not None:
        body = json.dumps(payload)
    response = getattr(client.http, method.lower())(path, headers=all_headers, body=body)
    return response


def login(client, login_name=PAUL, password=DEMO_PASSWORD):
    """Log in and return the ``Cookie`` header value of the new session."""
    response = send(client, "POST", "/auth/login", {"login": login_name, "password": password})
    assert response.status_code == 200, response.body
    cookie = response.headers["Set-Cookie"].split(";")[0]
    return cookie


def body(response):
    return json.loads(response.body)


def update_payload(account, **changes):
    """The body « Valider » sends, from what GET /account returned, with ``changes`` applied."""
    profile, settings = account["profile"], account["settings"]
    payload = {
        "version": account["version"], "contact_email": profile["contact_email"],
        "last_name": profile["last_name"], "first_name": profile["first_name"], "address": dict(profile["address"]),
        "phone": profile["phone"], "fax": profile["fax"], "language": settings["language"],
        "notifications": settings["notifications"],
    }
    for key, value in changes.items():
        if key.startswith("address_"):
            payload["address"][key[len("address_"):]] = value
        else:
            payload[key] = value
    return payload


@pytest.fixture
def stream(client):
    """The stream as the event source mapping delivers it, from after the demo data was written."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models.table import StreamShard

    from devstack.streams import StreamReader

    table = moto_table()
    table.stream_shard = StreamShard(DEFAULT_ACCOUNT_ID, table)
    return StreamReader(os.environ["TABLE_NAME"])


# --- the demo's people and structure, shared by the test modules (a module may still override one) -------------------

@pytest.fixture
def paul(client):
    return login(client, PAUL)


@pytest.fixture
def cookies(client):
    """A session of each demo person, by first name."""
    from tests.api.test_structures import CLAIRE, JULIE, MARC  # imported here: test_structures imports this module

    return {name: login(client, who) for name, who in
            (("paul", PAUL), ("julie", JULIE), ("marc", MARC), ("claire", CLAIRE))}


@pytest.fixture
def menuiserie(client, cookies):
    """Menuiserie Dupont's structure id, as Paul finds it."""
    from tests.api.test_structures import structure_id

    return structure_id(client, cookies["paul"], "menuiserie")
