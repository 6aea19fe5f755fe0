"""Local data survives a restart: moto keeps state in memory, so the stack saves its tables, buckets and outbox to a
file.

Saved after every change the API makes and at exit; written atomically (temporary file, then rename) so a crash never
leaves half a file. Development tooling only: it scans whole tables, which no request path may do.
"""

import base64
import json
import os
from pathlib import Path

import boto3

from devstack import outbox
from devstack.resources import ENVIRONMENT


def save(path: Path) -> None:
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    state = {"tables": {}, "buckets": {}, "outbox": outbox.messages()}
    table = os.environ["TABLE_NAME"]
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items.extend(page["Items"])
    state["tables"]["AccountTable"] = items
    objects = []
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            obj = s3.get_object(Bucket=bucket, Key=entry["Key"])
            objects.append({
                "key": entry["Key"], "content_type": obj.get("ContentType"),
                "body": base64.b64encode(obj["Body"].read()).decode(),
            })
    state["buckets"]["AttachmentsBucket"] = objects
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    temporary.replace(path)


def restore(path: Path) -> bool:
    """Load a saved state into the fresh resources; False when there is none."""
    if not path.exists():
        return False
    state = json.loads(path.read_text())
    outbox.restore(state.get("outbox", []))
    names = {logical: os.environ[variable] for variable, logical in ENVIRONMENT.items()}
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    items = state["tables"].get("AccountTable", [])
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        dynamodb.batch_write_item(RequestItems={names["AccountTable"]: requests})
    for obj in state["buckets"].get("AttachmentsBucket", []):
        extra = {"ContentType": obj["content_type"]} if obj.get("content_type") else {}
        s3.put_object(Bucket=names["AttachmentsBucket"], Key=obj["key"], Body=base64.b64decode(obj["body"]), **extra)
    copy_pending_requests(items)
    check_pending_requests(items)
    index_managers(items)
    return bool(items)


def copy_pending_requests(items: list[dict]) -> int:
    """A state saved before managers kept copies of the requests waiting for them: give every pending request its
    copies, so that « Activité du gestionnaire » shows it. Does nothing to a state that has them."""
    from chalicelib.services.memberships import copy_to_managers
    from chalicelib.store.memberships import get_membership

    written = 0
    for item in items:
        if item.get("kind", {}).get("S") == "MEMBERSHIP":
            request = get_membership(item["user_id"]["S"], item["structure_id"]["S"])
            written += copy_to_managers(request) if request else 0
    return written



def index_managers(items: list[dict]) -> int:
    """A state saved before the weekly recap's index of managers: give each manager's rattachement its keys, so that
    the recap finds it. Does nothing to a state that has them."""
    from chalicelib.store.memberships import index_manager, to_membership
    from chalicelib.store.models import Membership

    return sum(index_manager(to_membership(Membership.from_raw_data(item))) for item in items
               if item.get("kind", {}).get("S") == "MEMBERSHIP" and "gsi2pk" not in item)


def check_pending_requests(items: list[dict]) -> int:
    """A state saved before pending requests were filed for the daily check of stale requests: file each under the
    day it becomes stale, or today if that day is past. Does nothing to a state that has them."""
    from chalicelib.domain import clock
    from chalicelib.domain.memberships import PENDING, check_day
    from chalicelib.store import escalation
    from chalicelib.store.memberships import get_membership

    written = 0
    for item in items:
        if item.get("kind", {}).get("S") == "MEMBERSHIP" and item.get("status", {}).get("S") == PENDING:
            request = get_membership(item["user_id"]["S"], item["structure_id"]["S"])
            day = max(check_day(request.requested_at), clock.now().date())
            written += escalation.file_once(request, day)
    return written
