"""Mails leave the request path: the request writes them to the outbox, the stream hands them to the mailer, which sends
each once, retries, parks what keeps failing, issues one-time links at send time, and sends nothing more to a contact
address SES says bounces (issue 11)."""

import json
import os
import re

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.mails import MAX_ATTEMPTS, PARKED, QUEUED, SENT, SKIPPED
from chalicelib.jobs import mailer, table_changes
from chalicelib.store.models import MAIL_KIND
from devstack.outbox import ses_notification
from tests.api.conftest import body, deliver_mails, login, send, sent_mails, table_items, update_payload
from tests.api.test_structures import JULIE, structure_id, user_id
from tests.api.test_subscriptions import CONSULTATION, ask
from tests.conftest import PAUL

PAUL_CONTACT = "contact@menuiserie.fr"  # Paul's login is paul.dupont@menuiserie.fr


def mail_items() -> list[dict]:
    return [i for i in table_items() if i["kind"]["S"] == MAIL_KIND]


def texts() -> list[str]:
    return [m.get_body(preferencelist=("plain",)).get_content() for m in sent_mails()]


class _Calls(list):
    state: dict


@pytest.fixture
def ses_calls(monkeypatch, no_scan):
    """SES calls made, and a switch to make them fail (SES throttling, an outage)."""
    calls, state = _Calls(), {"failing": False}
    original = botocore.client.BaseClient._make_api_call

    def watched(self, operation_name, api_params):
        if self.meta.service_model.service_name == "sesv2":
            calls.append(operation_name)
            if state["failing"]:
                raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}},
                                  operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", watched)
    calls.state = state
    return calls


def dead_letters() -> list[dict]:
    sqs = boto3.client("sqs")
    answer = sqs.receive_message(QueueUrl=os.environ["MAIL_DEAD_LETTER_QUEUE_URL"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


@pytest.fixture
def empty_dead_letters(aws):
    boto3.client("sqs").purge_queue(QueueUrl=os.environ["MAIL_DEAD_LETTER_QUEUE_URL"])


# --- off the request path -------------------------------------------------------------------------------------------

def test_a_request_queues_its_mail_and_makes_no_ses_call(client, ses_calls, dynamodb_calls):
    dynamodb_calls.clear()
    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    # The login, the profile, the mail: the link's token is no longer written by the request.
    assert dynamodb_calls == ["GetItem", "GetItem", "PutItem"]
    assert ses_calls == []
    (item,) = mail_items()
    assert (item["template"]["S"], item["status"]["S"], item["link_purpose"]["S"]) == (
        "reinitialisation", QUEUED, "RESET")
    assert "jeton" not in json.dumps(item) and not [i for i in table_items() if i["kind"]["S"] == "TOKEN"]
    assert int(item["expires_at"]["N"]) > 0  # expires (TTL), and housekeeping finds it by its day locally
    assert item["gsi1pk"]["S"].startswith("EXPIRY#")

    assert deliver_mails() == 1
    assert ses_calls == ["SendEmail"]
    assert "mot-de-passe-oublie.html#jeton=" in texts()[-1]


def test_a_change_and_its_mail_are_one_transaction(client, ses_calls, dynamodb_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    sid = structure_id(client, paul, "*menuis*")
    dynamodb_calls.clear()
    response = ask(client, julie, sid, rows=(("MOBURB", CONSULTATION),))
    assert response.status_code == 201, response.body
    assert dynamodb_calls.count("TransactWriteItems") == 1 and "PutItem" not in dynamodb_calls
    assert ses_calls == []
    queued = {i["user_id"]["S"] for i in mail_items()}
    assert user_id(PAUL) in queued  # the managers, each its own mail
    assert deliver_mails() == len(queued)
    assert len(ses_calls) == len(queued)


def test_a_refused_change_queues_no_mail(client):
    julie = login(client, JULIE)
    paul = login(client, PAUL)
    sid = structure_id(client, paul, "*menuis*")
    assert ask(client, julie, sid).status_code == 201
    before = len(mail_items())
    assert ask(client, julie, sid).status_code == 422  # the same row twice: nothing saved, nothing mailed
    assert len(mail_items()) == before


# --- exactly once -------------------------------------------------------------------------------------------------

def test_a_replayed_stream_record_sends_nothing_more(client, stream, ses_calls, dynamodb_calls):
    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    records = stream.read()
    assert [r["eventName"] for r in records] == ["INSERT"]
    dynamodb_calls.clear()
    assert table_changes.handle(records)["mails"] == 1
    # Claim, recipient, the link's token, "sent".
    assert dynamodb_calls == ["UpdateItem", "GetItem", "PutItem", "UpdateItem"]
    marks = stream.read()
    assert marks and {r["eventName"] for r in marks} == {"INSERT", "MODIFY"}  # the token, the mail's marks
    assert table_changes.handle(marks)["mails"] == 0  # its own marks start nothing

    dynamodb_calls.clear()
    assert table_changes.handle(records)["mails"] == 0  # the same batch again (a retry, a bisection, a replay)
    assert table_changes.handle(records + records)["mails"] == 0
    assert dynamodb_calls == ["UpdateItem", "UpdateItem"]  # the claims that fail, nothing else
    assert ses_calls == ["SendEmail"]
    (item,) = mail_items()
    assert (item["status"]["S"], item["attempts"]["N"]) == (SENT, "1")
    assert len([t for t in texts() if "jeton=" in t]) == 1


def test_no_raw_token_is_ever_stored(client):
    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    assert send(client, "POST", "/auth/signup", {
        "login": "lucie.moreau@exemple.fr", "last_name": "Moreau", "first_name": "Lucie", "contact_email": None,
        "phone": None, "language": "FR"}).status_code in (200, 201, 202, 204)
    mails = texts()
    tokens = [m.group(1) for t in mails for m in [re.search(r"#jeton=([A-Za-z0-9_-]+)", t)] if m]
    assert len(tokens) == 2
    stored = json.dumps(table_items())
    assert "jeton" not in stored
    for token in tokens:
        assert token not in stored
    # The link works: issued by the mailer, stored hashed.
    activation = next(t for t in tokens if t in next(m for m in mails if "activation.html" in m))
    details = send(client, "POST", "/auth/activation/details", {"token": activation})
    assert details.status_code == 200 and body(details)["login"] == "lucie.moreau@exemple.fr"


def test_a_claim_left_by_a_run_that_died_is_taken_again_once_its_lease_is_over(client, stream, frozen_clock):
    from datetime import timedelta

    from chalicelib.store import outbox
    from tests.api.conftest import NOW

    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    records = stream.read()
    (item,) = mail_items()
    # A run claimed it, then timed out before SES answered (its claim holds until its invocation's end).
    assert outbox.claim(item["mail_id"]["S"], NOW, NOW + timedelta(seconds=60)) is not None
    assert table_changes.handle(records)["mails"] == 0  # its lease holds: nothing sent twice meanwhile
    frozen_clock.set_now(NOW + timedelta(seconds=61))
    assert table_changes.handle(records, deadline=NOW + timedelta(seconds=120))["mails"] == 1
    (item,) = mail_items()
    assert (item["status"]["S"], item["attempts"]["N"]) == (SENT, "2")
    assert len(sent_mails(deliver=False)) == 1


def test_a_mail_context_comes_back_as_the_templates_read_it():
    from dataclasses import dataclass
    from datetime import UTC, date, datetime

    from chalicelib.mail import sender

    @dataclass
    class Row:
        name: str
        valid_from: date

    context = {"moment": datetime(2026, 11, 27, 9, 5, tzinfo=UTC), "rows": [Row("Atelier", date(2026, 12, 1))],
               "space": "Factures reçues", "days": 14}
    again = sender.load_context(sender.dump_context(context))
    assert again["moment"] == context["moment"] and again["moment"].strftime("%H:%M") == "09:05"
    assert again["rows"] == [{"name": "Atelier", "valid_from": date(2026, 12, 1)}]
    assert (again["space"], again["days"]) == ("Factures reçues", 14)


def test_a_link_in_the_context_is_refused_before_anything_is_stored():
    from chalicelib.mail import sender

    with pytest.raises(ValueError):
        sender.outbox_item("activation", "u1", {"link": "https://x/activation.html#jeton=abc"}, to_login=True)
    with pytest.raises(ValueError):
        sender.outbox_item("activation", "u1", {}, to_login=True, link="SOMETHING")


# --- retries, then the dead-letter queue --------------------------------------------------------------------------

def test_a_failing_mail_is_retried_then_parked_in_the_dead_letter_queue(client, stream, ses_calls, empty_dead_letters):
    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    records = stream.read()
    ses_calls.state["failing"] = True
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(mailer.MailsNotSent):  # the batch fails: Lambda (or the local poller) hands it again
            table_changes.handle(records)
        (item,) = mail_items()
        assert (item["status"]["S"], int(item["attempts"]["N"])) == (QUEUED, attempt)
        assert item["last_error"]["S"] == "ClientError"
    assert dead_letters() == []
    assert table_changes.handle(records)["mails"] == 0  # the last attempt fails too: parked, the batch goes on
    (item,) = mail_items()
    assert (item["status"]["S"], int(item["attempts"]["N"])) == (PARKED, MAX_ATTEMPTS)
    (letter,) = dead_letters()
    assert letter == {"mail_id": item["mail_id"]["S"], "template": "reinitialisation", "user_id": user_id(JULIE),
                      "attempts": MAX_ATTEMPTS, "error": "ClientError"}
    assert len(ses_calls) == MAX_ATTEMPTS
    ses_calls.state["failing"] = False
    assert table_changes.handle(records)["mails"] == 0  # parked stays parked
    assert len(ses_calls) == MAX_ATTEMPTS and sent_mails(deliver=False) == []


def test_a_retry_after_a_failure_sends_once(client, stream, ses_calls):
    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    records = stream.read()
    ses_calls.state["failing"] = True
    with pytest.raises(mailer.MailsNotSent):
        table_changes.handle(records)
    ses_calls.state["failing"] = False
    assert table_changes.handle(records)["mails"] == 1
    assert table_changes.handle(records)["mails"] == 0
    assert len(sent_mails()) == 1
    # Only the token of the link that was sent works; the one issued for the failed attempt is unused (hashed, TTL).
    (item,) = mail_items()
    assert (item["status"]["S"], item["attempts"]["N"]) == (SENT, "2")


def test_one_failing_mail_does_not_hold_the_others_back(client, stream, ses_calls, monkeypatch):
    from chalicelib.mail import sender

    assert send(client, "POST", "/auth/password-reset/request", {"login": JULIE}).status_code == 202
    assert send(client, "POST", "/auth/password-reset/request", {"login": PAUL}).status_code == 202
    records = stream.read()
    original = sender.deliver

    def picky(name, recipient, context, to_login, mail_id):
        if recipient.login == JULIE:
            raise RuntimeError("mailbox provider down")
        return original(name, recipient, context, to_login, mail_id)

    monkeypatch.setattr(sender, "deliver", picky)
    with pytest.raises(mailer.MailsNotSent):
        table_changes.handle(records)
    assert [m["To"] for m in sent_mails(deliver=False)] == [PAUL]
    monkeypatch.setattr(sender, "deliver", original)
    assert table_changes.handle(records)["mails"] == 1  # Julie's, on the retry; Paul's is not sent twice
    assert sorted(m["To"] for m in sent_mails(deliver=False)) == [JULIE, PAUL]


# --- bounces and complaints ---------------------------------------------------------------------------------------

def feedback(client, *bodies):
    """SNS → SQS → the ``mail_feedback`` function, as ``chalice deploy`` wires it."""
    from chalice.test import Client

    from tests.conftest import ROOT

    app = __import__("app").app
    with Client(app, stage_name="dev", project_dir=str(ROOT)) as lambda_client:
        event = lambda_client.events.generate_sqs_event(message_bodies=list(bodies), queue_name="mail-feedback")
        answer = lambda_client.lambda_.invoke("mail_feedback", event)
    return answer.payload


def test_the_feedback_function_is_what_chalice_deploys():
    app = __import__("app").app
    (source,) = [s for s in app.event_sources if s.name == "mail_feedback"]
    assert source.batch_size == 10


def test_a_bounce_marks_the_contact_address_and_stops_mails_to_it(client, ses_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    sid = structure_id(client, paul, "*menuis*")
    version = body(send(client, "GET", "/account", cookie=paul))["version"]
    assert feedback(client, ses_notification(PAUL_CONTACT, user_id(PAUL))) == {"marked": 1}
    account = body(send(client, "GET", "/account", cookie=paul))
    assert account["profile"]["contact_bounce"]["kind"] == "BOUNCE"
    assert account["version"] == version  # the mark is no edit of Paul's: an open form still saves

    assert ask(client, julie, sid).status_code == 201  # the managers are told
    deliver_mails()
    assert PAUL_CONTACT not in [m["To"] for m in sent_mails()]
    paul_mail = next(i for i in mail_items() if i["user_id"]["S"] == user_id(PAUL))
    assert paul_mail["status"]["S"] == SKIPPED

    # What gives access to the account still goes to the login address.
    assert send(client, "POST", "/auth/password-reset/request", {"login": PAUL}).status_code == 202
    assert sent_mails()[-1]["To"] == PAUL


def test_a_form_read_before_the_mark_still_saves(client):
    paul = login(client, PAUL)
    account = body(send(client, "GET", "/account", cookie=paul))
    feedback(client, ses_notification(PAUL_CONTACT, user_id(PAUL), "Complaint"))
    saved = send(client, "PUT", "/account", update_payload(account, notifications=False), cookie=paul)
    assert saved.status_code == 200, saved.body
    assert body(saved)["profile"]["contact_bounce"]["kind"] == "COMPLAINT"  # same address: still marked


def test_changing_the_contact_address_lifts_the_mark(client, dynamodb_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    sid = structure_id(client, paul, "*menuis*")
    feedback(client, ses_notification(PAUL_CONTACT, user_id(PAUL)))
    account = body(send(client, "GET", "/account", cookie=paul))
    saved = send(client, "PUT", "/account", update_payload(account, contact_email="paul@menuiserie-dupont.fr"),
                 cookie=paul)
    assert saved.status_code == 200, saved.body
    # A new contact address takes effect once confirmed (issue 13): the mark goes then.
    assert body(saved)["profile"]["contact_bounce"] is not None
    confirmation = next(m for m in sent_mails() if m["To"] == "paul@menuiserie-dupont.fr")
    token = re.search(r"jeton=([A-Za-z0-9_-]+)", confirmation.get_body(preferencelist=("plain",)).get_content())[1]
    dynamodb_calls.clear()
    assert send(client, "POST", "/account/email-change/confirm", {"token": token}, cookie=paul).status_code == 200
    assert dynamodb_calls[-2:] == ["TransactWriteItems", "UpdateItem"]  # the change, then the mark removed
    profile = next(i for i in table_items() if i["pk"]["S"] == f"USER#{user_id(PAUL)}" and i["sk"]["S"] == "PROFILE")
    assert not {"contact_bounced_at", "contact_bounce", "contact_bounced_address"} & set(profile)
    assert body(send(client, "GET", "/account", cookie=paul))["profile"]["contact_bounce"] is None

    assert ask(client, julie, sid).status_code == 201
    assert "paul@menuiserie-dupont.fr" in [m["To"] for m in sent_mails()]


def test_feedback_that_must_change_nothing_changes_nothing(client):
    paul = login(client, PAUL)
    before = [i for i in table_items() if i["kind"]["S"] == "USER"]
    transient = json.loads(json.loads(ses_notification(PAUL_CONTACT, user_id(PAUL)))["Message"])
    transient["bounce"]["bounceType"] = "Transient"
    delivery = {**transient, "eventType": "Delivery"}
    untagged = json.loads(json.loads(ses_notification(PAUL_CONTACT, user_id(PAUL)))["Message"])
    del untagged["mail"]["tags"]["user"]
    assert feedback(client, json.dumps(transient), json.dumps(delivery), json.dumps(untagged), "not json",
                    ses_notification(PAUL, user_id(PAUL), address_kind="login"),  # the login: no mark
                    ses_notification("someone.else@exemple.fr", user_id(PAUL))) == {"marked": 0}
    assert [i for i in table_items() if i["kind"]["S"] == "USER"] == before
    assert body(send(client, "GET", "/account", cookie=paul))["profile"]["contact_bounce"] is None
