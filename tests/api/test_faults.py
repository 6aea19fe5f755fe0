"""The portal when AWS has a bad minute (devstack/faults.py forces the one fault each test is about): a cancelled
transaction is sent again with its token and applied once, a failed condition is still a conflict, and a storage
that stays busy answers 503 with ``Retry-After`` and writes nothing."""

import time
from datetime import timedelta

import botocore.client
import pytest

from chalicelib.domain.errors import ServiceUnavailable
from chalicelib.store import retries
from devstack import faults
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC
from tests.conftest import DEMO_PASSWORD, PAUL


@pytest.fixture
def forced():
    yield faults.ACTIVE
    faults.ACTIVE.clear()


@pytest.fixture
def transactions(monkeypatch, no_scan):
    """The parameters of each TransactWriteItems the product sends (each of the store's attempts)."""
    sent = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        if operation_name == "TransactWriteItems":
            sent.append(api_params)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return sent


def sessions() -> list[dict]:
    return [item for item in table_items() if item["kind"]["S"] == "SESSION"]


def log_in(client, language="fr"):
    return send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD},
                headers={"Accept-Language": language})


@pytest.mark.parametrize("reason", faults.TRANSACTION_REASONS)
def test_a_transaction_cancelled_by_a_conflict_or_throttling_is_sent_again_with_its_token_and_applied_once(
        client, forced, transactions, reason):
    before = len(sessions())
    forced.force("TransactWriteItems", reason, times=1)
    assert log_in(client).status_code == 200
    first, again = transactions[0], transactions[1]
    assert first["ClientRequestToken"] and first["ClientRequestToken"] == again["ClientRequestToken"]
    assert first["TransactItems"] == again["TransactItems"]  # the same change, not a new one built from a new read
    assert len(sessions()) == before + 1
    # Another change is another token: DynamoDB would otherwise take it for the first one again.
    transactions.clear()
    assert log_in(client).status_code == 200
    assert transactions[0]["ClientRequestToken"] != first["ClientRequestToken"]


def test_a_cancellation_by_a_failed_condition_is_still_a_conflict_and_is_not_sent_again(client, forced, transactions):
    before = table_items()
    forced.force("TransactWriteItems", "ConditionalCheckFailed", times=1)
    response = log_in(client)
    assert response.status_code == 409 and body(response)["code"] == "concurrent_change"
    assert len(transactions) == 1
    assert table_items() == before


def test_a_storage_that_stays_busy_answers_503_with_retry_after_and_writes_nothing(client, forced, transactions):
    before = table_items()
    forced.force("TransactWriteItems", "ThrottlingError", times=None)
    response = log_in(client)
    assert response.status_code == 503, response.body
    assert response.headers["Retry-After"] == "2"
    answer = body(response)
    assert answer["code"] == "service_unavailable" and answer["fields"] == {}
    assert answer["message"].startswith("Le service est momentanément surchargé : rien n'a été enregistré")
    assert len(transactions) == retries.TRANSACTION_ATTEMPTS
    assert table_items() == before
    english = body(log_in(client, "en"))["message"]
    assert english.startswith("The service is busy for a moment: nothing was saved. Try again in 2 seconds")


def test_a_read_throttled_once_is_retried_within_its_budget(client, forced, dynamodb_calls):
    cookie = login(client)
    dynamodb_calls.clear()
    forced.force("Query", "ProvisionedThroughputExceededException", times=1)
    throttled = forced.counts.get("dynamodb.ProvisionedThroughputExceededException", 0)
    response = send(client, "GET", "/account", cookie=cookie)
    assert response.status_code == 200, response.body
    assert forced.counts["dynamodb.ProvisionedThroughputExceededException"] == throttled + 1
    assert len(dynamodb_calls) <= 2  # the budget of a read: botocore's retry is inside the one call


def test_a_read_throttled_through_every_retry_answers_503_soon(client, forced):
    cookie = login(client)
    forced.force("Query", "ThrottlingException", times=None)
    throttled = forced.counts.get("dynamodb.ThrottlingException", 0)
    started = time.monotonic()
    response = send(client, "GET", "/account", cookie=cookie, headers={"Accept-Language": "en"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert body(response)["code"] == "service_unavailable"
    assert forced.counts["dynamodb.ThrottlingException"] - throttled == retries.ATTEMPTS
    # botocore's own throttling backoff (1 s × 2^n) would sleep about 7 s on average here; tuned, at most 0.75 s.
    assert elapsed < 3, elapsed


def test_a_reminders_run_stopped_half_way_finishes_on_the_next_run_and_mails_each_person_once(
        client, forced, frozen_clock):
    from chalicelib.jobs import reminders

    frozen_clock.set_now(NOW + timedelta(days=163 - 15))
    assert reminders.run() == 0  # the day before: nothing due, the day finished
    frozen_clock.set_now(NOW + timedelta(days=163 - 14))  # the demo people's first reminder (test_lifecycle)
    # The third reminder's transaction (its delete and its mail) stays cancelled through the store's retries: the run
    # stops there.
    forced.force("TransactWriteItems", "ThrottlingError", times=retries.TRANSACTION_ATTEMPTS, after=2)
    with pytest.raises(ServiceUnavailable):
        reminders.run()
    assert len(sent_mails()) == 2
    frozen_clock.set_now(NOW + timedelta(days=163 - 13))
    assert reminders.run() == 2  # the next day's run reads the unfinished day again
    assert sorted(mail["To"] for mail in sent_mails()) == sorted([PAUL, JULIE, MARC, CLAIRE])
    assert reminders.run() == 0


def test_an_upload_whose_record_meets_a_busy_storage_is_kept_and_recorded_when_sent_again(client, forced):
    from tests.api.test_attachments import attachments_of, confirm, keys, upload

    cookie = login(client)
    ticket = upload(client, cookie)
    before, stored = attachments_of(client, cookie), keys("users/")  # Paul keeps the demo brochure
    forced.force("TransactWriteItems", "ThrottlingError", times=None)
    refused = confirm(client, cookie, ticket["upload_id"])
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert keys("users/") == stored  # no final object without its item
    assert keys("tmp/") == [ticket["fields"]["key"]]  # but the upload is still there
    forced.clear()
    again = confirm(client, cookie, ticket["upload_id"])
    assert again.status_code == 201, again.body
    assert len(attachments_of(client, cookie)) == len(before) + 1
    assert keys("tmp/") == [] and len(keys("users/")) == len(stored) + 1


def test_the_mailer_retries_a_mail_ses_refused_and_sends_it_once(client, forced):
    from chalicelib.jobs import mailer, table_changes
    from tests.api.conftest import outbox_records

    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    records = outbox_records()
    refused = forced.counts.get("sesv2.TooManyRequestsException", 0)
    forced.force("SendEmail", "TooManyRequestsException", times=3)  # botocore's 3 attempts: the mailer's try fails
    with pytest.raises(mailer.MailsNotSent):
        table_changes.handle(records)
    assert forced.counts["sesv2.TooManyRequestsException"] - refused == 3
    assert sent_mails(deliver=False) == []
    assert table_changes.handle(records)["mails"] == 1  # the batch handed again
    assert table_changes.handle(records)["mails"] == 0  # and once more: nothing more goes
    assert [mail["To"] for mail in sent_mails(deliver=False)] == [JULIE]
