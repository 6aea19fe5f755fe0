"""« Télécharger mes données » (issue 13, point 4): one archive at a time, built off the request path by the job the
exports queue triggers, with every kind of item the portal holds about the user and nothing of anyone else."""

import io
import json
import os
import zipfile
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import boto3
import pytest

from chalicelib import settings
from chalicelib.store import accounts
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, ask, structure_id

JULIE_FILE = b"\xff\xd8\xff\xe0 julie's own scan"
SECRETS = []  # the second factor's recovery codes of the current test


@pytest.fixture
def queue(client):
    """The exports queue, empty at the start of each test."""
    sqs = boto3.client("sqs")
    drain(sqs)  # moto allows one PurgeQueue a minute
    return sqs


def drain(queue, handle=lambda bodies: 0) -> int:
    done = 0
    while True:
        messages = queue.receive_message(QueueUrl=os.environ["EXPORTS_QUEUE_URL"],
                                         MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return done
        done += handle([m["Body"] for m in messages])
        for message in messages:
            queue.delete_message(QueueUrl=os.environ["EXPORTS_QUEUE_URL"], ReceiptHandle=message["ReceiptHandle"])


def run_exports(queue) -> int:
    """What the SQS event source does in the cloud: hand each message to the ``exports`` function."""
    from chalicelib.jobs import exports

    return drain(queue, exports.handle)


def request_export(client, cookie):
    return send(client, "POST", "/account/export", {}, cookie=cookie)


def archive_of(client, cookie) -> zipfile.ZipFile:
    response = send(client, "GET", "/account/export/link", cookie=cookie)
    assert response.status_code == 200, response.body
    url = body(response)["url"]
    parts, bucket = urlsplit(url), settings.attachments_bucket()
    path = parts.path if parts.hostname.startswith(bucket + ".") else parts.path[len(bucket) + 1:]
    key = unquote(path[1:])
    data = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return zipfile.ZipFile(io.BytesIO(data))


def give_julie_an_attachment() -> str:
    from chalicelib.domain import entities
    from chalicelib.store import attachments

    julie_id = accounts.find_user_id(JULIE)
    key = attachments.object_key(julie_id, "a" * 32)
    boto3.client("s3").put_object(Bucket=settings.attachments_bucket(), Key=key, Body=JULIE_FILE)
    attachments.add_attachment(julie_id, entities.Attachment(
        attachment_id="a" * 32, attachment_type="Divers", designation="Scan personnel de Julie",
        file_name="julie-scan.jpg", extension="jpg", size=len(JULIE_FILE), object_key=key))
    return key


@pytest.fixture
def busy_paul(client, queue):
    """Paul with every kind of item: rattachements (one pending, waiting for Claire), subscriptions, an attachment,
    sessions and their login history, a second factor, a pending address change, and a copy of Julie's request
    waiting for his decision in his partition; Julie, on the same structure, has an attachment of her own."""
    from tests.api.test_security import enable

    paul, julie = login(client, PAUL), login(client, JULIE)
    send(client, "POST", "/auth/login", {"login": PAUL, "password": "Pas-le-bon-1"})  # a failure in the history
    login(client, PAUL)  # a second session
    _, codes = enable(client, paul)
    SECRETS.extend(codes)
    assert ask(client, paul, structure_id(client, paul, "*ebenist*")).status_code == 201
    assert ask(client, julie, structure_id(client, julie, "*renovation*"), services=[]).status_code == 201
    send(client, "POST", "/account/email-change", {"target": "contact_email", "address": "compta@menuiserie.fr"},
         cookie=paul)
    give_julie_an_attachment()
    return paul


def test_the_archive_holds_every_kind_of_item_and_the_files(client, queue, busy_paul):
    paul = busy_paul
    response = request_export(client, paul)
    assert response.status_code == 202, response.body
    assert body(response)["status"] == "DEMANDEE"
    assert body(send(client, "GET", "/account", cookie=paul))["data_export"]["status"] == "DEMANDEE"
    assert run_exports(queue) == 1
    shown = body(send(client, "GET", "/account", cookie=paul))["data_export"]
    assert shown["status"] == "PRETE" and shown["available_until"] == "2026-11-28T09:00:00Z"

    archive = archive_of(client, paul)
    doc = json.loads(archive.read("donnees.json"))
    paul_id = accounts.find_user_id(PAUL)
    assert doc["user_id"] == paul_id
    assert (doc["profile"]["login"], doc["profile"]["contact_email"]) == (PAUL, "contact@menuiserie.fr")
    assert doc["settings"]["language"] == "FR" and doc["settings"]["notifications"] is True
    assert doc["login"]["last_login_at"]
    assert {m["designation"] for m in doc["memberships"]} == {"Menuiserie Dupont", "Rénovation Habitat",
                                                              "Ébénisterie Martin"}
    pending = next(m for m in doc["memberships"] if m["designation"] == "Ébénisterie Martin")
    assert pending["status"] == "EN_COURS_DE_VALIDATION" and pending["requested_at"]  # a request and its history
    assert len(doc["subscriptions"]) >= 5
    assert {s["space"] for s in doc["subscriptions"]} >= {"Activité du gestionnaire"}
    (attachment,) = doc["attachments"]
    assert attachment["designation"] == "Brochure présentation"
    assert archive.read(attachment["file"]).startswith(b"\xff\xd8")  # the file itself
    assert len(doc["sessions"]) == 2 and all(s["created_at"] for s in doc["sessions"])
    assert {line["event"] for line in doc["login_history"]} >= {"LOGIN", "FAILURE", "SECOND_FACTOR_ON"}
    assert doc["security"]["totp_enabled_at"] and doc["security"]["known_browsers"] is not None
    assert doc["email_changes"][0]["new_address"] == "compta@menuiserie.fr"
    # Events (issue 11): his own request, in his feed and as a step of « Mes demandes »; Julie's request to his
    # structure, in his feed too, stays out (her archive's, not his).
    assert "MEMBERSHIP_REQUESTED" in {event["event_kind"] for event in doc["events"]}
    assert all(paul_id in (event.get("subject_id"), event.get("actor_id")) for event in doc["events"])
    assert [step["event_kind"] for step in doc["request_steps"]] == ["MEMBERSHIP_REQUESTED"]
    (mail,) = [m for m in sent_mails() if m["Subject"] == "Vos données Chorus Pro sont prêtes"]
    assert mail["To"] == "contact@menuiserie.fr"
    assert "28/11/2026" in mail.get_body(preferencelist=("plain",)).get_content()


def test_the_archive_holds_nothing_of_anyone_else_nor_any_secret(client, queue, busy_paul):
    paul = busy_paul
    request_export(client, paul)
    run_exports(queue)
    archive = archive_of(client, paul)
    assert sorted(archive.namelist())[0] == "donnees.json" and len(archive.namelist()) == 2
    everything = b"".join(archive.read(name) for name in archive.namelist())
    text = everything.decode("utf-8", errors="replace")
    for login_name in (JULIE, MARC, CLAIRE):
        other_id = accounts.find_user_id(login_name)
        assert other_id not in text and login_name not in text
    for name in ("Julie", "LEROY", "Marc", "PETIT", "Claire", "julie-scan", "Scan personnel"):
        assert name not in text, name
    assert JULIE_FILE not in everything
    # Secrets and the table's own keys stay home.
    raw = json.dumps(table_items())
    totp_secret = next(i["totp_secret"]["S"] for i in table_items() if "totp_secret" in i)
    for secret in ("argon2", "password_hash", "secret_answer_hash", "confirm_hash", "cancel_hash", "totp_secret",
                   "recovery_hashes", "USER#", "TOKEN#", "SESSION#", totp_secret, *SECRETS):
        assert secret not in text, secret
    assert "argon2" in raw and totp_secret in raw  # the checks above could fail: the secrets are in the table
    SECRETS.clear()


def test_one_export_at_a_time(client, queue):
    paul = login(client, PAUL)
    assert request_export(client, paul).status_code == 202
    second = request_export(client, paul)
    assert (second.status_code, body(second)["code"]) == (409, "export_in_progress")
    assert "déjà en préparation" in body(second)["message"]
    run_exports(queue)
    assert request_export(client, paul).status_code == 202  # once built, a new one may be asked for


def test_a_stalled_export_may_be_asked_for_again_after_an_hour(client, queue, frozen_clock):
    paul = login(client, PAUL)
    request_export(client, paul)
    drain(queue)  # the job never ran
    frozen_clock.set_now(NOW + timedelta(minutes=59))
    assert request_export(client, login(client, PAUL)).status_code == 409
    frozen_clock.set_now(NOW + timedelta(hours=1))
    assert request_export(client, login(client, PAUL)).status_code == 202


def test_the_link_is_short_lived_and_only_for_the_owner(client, queue, dynamodb_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    assert send(client, "GET", "/account/export/link", cookie=paul).status_code == 404  # nothing asked yet
    request_export(client, paul)
    assert body(send(client, "GET", "/account/export/link", cookie=paul))["code"] == "export_not_ready"
    run_exports(queue)
    dynamodb_calls.clear()
    response = send(client, "GET", "/account/export/link", cookie=paul)
    assert dynamodb_calls == ["GetItem", "GetItem"]  # the session and the export
    answer = body(response)
    assert "X-Amz-Expires=300" in answer["url"] and answer["expires_at"] == "2026-11-27T09:05:00Z"
    assert f"exports/{accounts.find_user_id(PAUL)}/" in answer["url"]
    assert send(client, "GET", "/account/export/link", cookie=julie).status_code == 404
    assert body(send(client, "GET", "/account", cookie=julie))["data_export"] is None


def test_export_routes_need_a_session(client):
    assert request_export(client, None).status_code == 401
    assert send(client, "GET", "/account/export/link").status_code == 401


def test_the_archive_is_gone_after_a_day(client, queue, frozen_clock):
    from chalicelib.jobs import housekeeping

    paul = login(client, PAUL)
    request_export(client, paul)
    run_exports(queue)
    frozen_clock.set_now(NOW + timedelta(hours=24))
    paul = login(client, PAUL)
    assert send(client, "GET", "/account/export/link", cookie=paul).status_code == 404
    assert body(send(client, "GET", "/account", cookie=paul))["data_export"] is None
    frozen_clock.set_now(NOW + timedelta(hours=24, minutes=1))
    housekeeping.run()
    listed = boto3.client("s3").list_objects_v2(Bucket=settings.attachments_bucket(), Prefix="exports/")
    assert listed.get("KeyCount", 0) == 0
    assert not [i for i in table_items() if i["sk"]["S"] == "EXPORT"]
    assert request_export(client, paul).status_code == 202


def test_the_job_ignores_a_message_without_a_request(client, queue):
    from chalicelib.jobs import exports

    assert exports.handle([json.dumps({"user_id": accounts.find_user_id(PAUL)})]) == 0
    assert not [m for m in sent_mails() if "prêtes" in m["Subject"]]


def test_the_privacy_view_costs_two_requests_and_shows_only_ones_own(client, queue, dynamodb_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    send(client, "POST", "/account/email-change", {"target": "login", "address": "paul@dupont-bois.fr"}, cookie=paul)
    request_export(client, paul)
    dynamodb_calls.clear()
    view = body(send(client, "GET", "/account/privacy", cookie=paul))
    assert dynamodb_calls == ["GetItem", "BatchGetItem"]
    assert (view["email_change"]["new_address"], view["data_export"]["status"]) == ("paul@dupont-bois.fr", "DEMANDEE")
    assert body(send(client, "GET", "/account/privacy", cookie=julie)) == {"email_change": None, "data_export": None}
    assert send(client, "GET", "/account/privacy").status_code == 401
