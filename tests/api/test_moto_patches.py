"""devstack/moto_patches.py: moto keeps no copy of the table per transaction, and still rolls a cancelled one back."""

import os

import boto3
import pytest
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from devstack import faults
from tests.api.conftest import table_items


def _put(key: str) -> dict:
    return {"Put": {"TableName": os.environ["TABLE_NAME"], "Item": {"pk": {"S": key}, "sk": {"S": "X"}},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def test_transactions_leave_no_tracked_copies_and_a_cancelled_one_writes_nothing(aws):
    with faults.ACTIVE.paused():  # moto is under test here, not the product: no fault of FAULTS=0.1 in its way
        _transactions_leave_no_tracked_copies_and_a_cancelled_one_writes_nothing()


def _transactions_leave_no_tracked_copies_and_a_cancelled_one_writes_nothing():
    dynamodb = boto3.client("dynamodb")
    for round_ in range(5):
        dynamodb.transact_write_items(TransactItems=[_put(f"PATCH#{round_}#{n}") for n in range(10)])
    # moto's dashboard list of instances stays empty: before the patch it held every item of every rollback copy.
    assert len(Item.instances_tracked) == 0 and len(Table.instances_tracked) == 0
    before = table_items()
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[_put("PATCH#new"), _put("PATCH#0#0")])
    assert table_items() == before  # the first Put, applied before the second failed, was rolled back
    assert len(before) == 50
