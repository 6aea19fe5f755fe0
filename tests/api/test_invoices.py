"""Invoices (issue 12, points 1 and 4): the invoicing platform's status queue, through the app's own SQS trigger;
events to the right holders only; a rejection mailed at once and attested by its recipient only; the 7-day block."""

import json
import logging
import os
from datetime import timedelta

import boto3
import pytest

from chalicelib.domain import clock
from chalicelib.domain import events as event_kinds
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_structures import JULIE, MARC, PAUL, user_id


@pytest.fixture
def dead_letters(aws_session):
    """The invoice dead-letter queue, empty before each test; returns a reader of what reached it."""
    sqs = boto3.client("sqs")
    url = os.environ["INVOICE_DEAD_LETTER_QUEUE_URL"]

    def read():
        found = []
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                              MessageAttributeNames=["All"]).get("Messages", []):
            for item in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=item["ReceiptHandle"])
            found += messages
        return found

    read()  # PurgeQueue is allowed once a minute: drained instead
    return read


def message(sid, number="FAC-2026-0001", status="DEPOSEE", service="MOBURB", **changes):
    data = {"id": f"msg-{number}-{status}", "number": number, "structure_id": sid, "service_id": service,
            "status": status, "amount": "1250.00", "date": "2026-11-26"}
    if status in ("REJETEE", "SUSPENDUE"):
        data["reason"] = "Bon de commande absent"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def deliver(client, *bodies):
    """Through the function Chalice wires to the queue, as Lambda calls it."""
    raw = [item if isinstance(item, str) else json.dumps(item) for item in bodies]
    event = client.events.generate_sqs_event(message_bodies=raw, queue_name="invoice-status")
    return client.lambda_.invoke("invoice_statuses", event).payload


def invoice_feed(client, cookie):
    response = send(client, "GET", "/feed", cookie=cookie)
    assert response.status_code == 200, response.body
    return [item for item in body(response)["items"] if item["kind"] == event_kinds.INVOICE_STATUS]


def me(client, cookie):
    response = send(client, "GET", "/me", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)


# --- the queue ------------------------------------------------------------------------------------------------------

def test_a_status_change_reaches_the_holders_of_the_structure_and_of_its_service(client, cookies, menuiserie):
    assert deliver(client, message(menuiserie)) == {"handled": 1, "duplicates": 0, "dead_lettered": 0}
    # Julie holds « Factures émises » on MOBURB, Paul on MOBURB and MEUBLES, Marc on the whole structure.
    for name in ("julie", "paul", "marc"):
        items = invoice_feed(client, cookies[name])
        assert [i["sentence"] for i in items] == [
            "Facture FAC-2026-0001 (1250.00 €, service MOBURB) : déposée le 26/11/2026."], name
        assert items[0]["structure_id"] == menuiserie and items[0]["link"] == "accueil.html"
    assert invoice_feed(client, cookies["claire"]) == []
    history = [i for i in table_items() if i["pk"]["S"] == f"HISTORY#{menuiserie}"
               and i["event_kind"]["S"] == event_kinds.INVOICE_STATUS]
    assert len(history) == 1
    params = {k: v["S"] for k, v in history[0]["params"]["M"].items()}
    assert params == {"number": "FAC-2026-0001", "status": "DEPOSEE", "amount": "1250.00", "service_id": "MOBURB",
                      "date": "2026-11-26"}


def test_two_users_on_different_services_of_one_structure_hear_only_of_their_own(client, cookies, menuiserie):
    deliver(client, message(menuiserie, "FAC-MEUBLES", service="MEUBLES"),
            message(menuiserie, "FAC-MENINT", service="MENINT"), message(menuiserie, "FAC-STRUCT", service=None))

    def numbers(name):
        return sorted(i["sentence"].split()[1] for i in invoice_feed(client, cookies[name]))

    # An invoice without a service is the whole-structure holders' only.
    assert numbers("julie") == []  # MOBURB only: neither MEUBLES nor MENINT
    assert numbers("paul") == ["FAC-MEUBLES"]  # MOBURB and MEUBLES
    assert numbers("marc") == ["FAC-MENINT", "FAC-MEUBLES", "FAC-STRUCT"]  # the whole structure
    assert numbers("claire") == []


def test_a_message_handled_before_is_ignored(client, cookies, menuiserie, dynamodb_calls):
    assert deliver(client, message(menuiserie))["handled"] == 1
    before = table_items()
    dynamodb_calls.clear()
    assert deliver(client, message(menuiserie), message(menuiserie)) == {
        "handled": 0, "duplicates": 2, "dead_lettered": 0}
    # Per duplicate: the holders' Query, the transaction refused by the marker, the GetItem that tells why.
    assert dynamodb_calls == ["Query", "TransactWriteItems", "GetItem"] * 2
    assert table_items() == before
    assert len(invoice_feed(client, cookies["julie"])) == 1


def test_a_message_costs_one_query_and_one_transaction(client, menuiserie, dynamodb_calls):
    dynamodb_calls.clear()
    deliver(client, message(menuiserie))
    # The marker, the structure's history and the three holders' feed items: one transaction.
    assert dynamodb_calls == ["Query", "TransactWriteItems"]


@pytest.mark.parametrize("raw, reason", [
    ("pas du json", "not JSON"),
    ({"number": "F1"}, "id: missing"),
    ("__status__", "status: literal_error"),
    ("__no_reason__", "message: reason_required"),
    ("__amount__", "amount: decimal_max_places"),
    ("__extra__", "siret: extra_forbidden"),
])
def test_an_unreadable_message_goes_to_the_dead_letter_queue_with_its_reason(
        client, menuiserie, dead_letters, caplog, raw, reason):
    if raw == "__status__":
        raw = message(menuiserie, status="PAYEE")
    elif raw == "__no_reason__":
        raw = {**message(menuiserie, status="REJETEE"), "reason": None}
        raw = {k: v for k, v in raw.items() if v is not None}
    elif raw == "__amount__":
        raw = message(menuiserie, amount="12.345")
    elif raw == "__extra__":
        raw = {**message(menuiserie), "siret": "12600591700516"}
    before = table_items()
    with caplog.at_level(logging.WARNING, logger="chalicelib.jobs.invoice_statuses"):
        counts = deliver(client, raw, message(menuiserie, "FAC-OK"))
    assert counts == {"handled": 1, "duplicates": 0, "dead_lettered": 1}  # the batch goes on
    parked = dead_letters()
    assert len(parked) == 1
    assert reason in parked[0]["MessageAttributes"]["reason"]["StringValue"]
    assert parked[0]["Body"] == (raw if isinstance(raw, str) else json.dumps(raw))
    assert any(reason in record.getMessage() for record in caplog.records)
    # Nothing of the unreadable message stored: only the good one's items are new.
    new = [i for i in table_items() if i not in before]
    assert all("FAC-OK" in json.dumps(i) or i["pk"]["S"].startswith("INVOICE_MESSAGE#msg-FAC-OK") for i in new)


def test_a_failure_other_than_an_unreadable_message_is_raised_for_sqs_to_retry(client, menuiserie, monkeypatch):
    from chalicelib.store import invoices as store

    def broken(*_args, **_kwargs):
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr(store, "commit", broken)
    with pytest.raises(RuntimeError):
        deliver(client, message(menuiserie))
    monkeypatch.undo()
    assert deliver(client, message(menuiserie))["handled"] == 1  # the retried batch goes through


# --- rejected invoices ----------------------------------------------------------------------------------------------

def reject(client, sid, number="FAC-2026-0042", service="MOBURB"):
    return deliver(client, message(sid, number, "REJETEE", service))


def test_a_rejection_is_mailed_at_once_to_each_holder_whatever_its_notification_setting(client, cookies, menuiserie):
    from chalicelib.store import accounts

    julie = accounts.get_profile(user_id(JULIE))
    assert julie.notifications is False or julie.notifications is True  # whatever it is, she is mailed
    reject(client, menuiserie)
    mails = sent_mails()
    assert sorted(m["To"] for m in mails) == sorted(
        accounts.get_profile(user_id(who)).contact_email for who in (PAUL, JULIE, MARC))
    mail = next(m for m in mails if m["To"] == julie.contact_email)
    assert mail["Subject"] == "Facture FAC-2026-0042 rejetée : attestez en avoir pris connaissance"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Motif du rejet : Bon de commande absent" in text and "04/12/2026" in text  # 7 days after
    reject(client, menuiserie)  # the same message again: no second mail
    assert len(sent_mails()) == 3


def test_the_rejection_mail_escapes_what_the_platform_sent(client, menuiserie):
    deliver(client, {**message(menuiserie, "FAC-X", "REJETEE"), "reason": "<script>alert(1)</script>"})
    rich = sent_mails()[0].get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in rich and "&lt;script&gt;" in rich


def test_me_shows_the_rejection_to_attest_in_its_one_query(client, cookies, menuiserie, dynamodb_calls):
    reject(client, menuiserie)
    dynamodb_calls.clear()
    banner = me(client, cookies["julie"])
    assert dynamodb_calls == ["GetItem", "Query"]  # the session, then the banner's own Query: nothing more
    assert banner["rejections"] == [{
        "structure_id": menuiserie, "number": "FAC-2026-0042", "service_code": "MOBURB", "amount": "1250.00",
        "date": "2026-11-26", "reason": "Bon de commande absent", "deadline": "2026-12-04T09:00:00Z",
        "blocking": False, "attested_at": None}]
    assert me(client, cookies["claire"])["rejections"] == []


def test_after_seven_days_without_attestation_the_rejection_blocks(client, cookies, menuiserie):
    reject(client, menuiserie)
    clock.set_now(NOW + timedelta(days=7) - timedelta(seconds=1))
    assert me(client, login(client, JULIE))["rejections"][0]["blocking"] is False
    clock.set_now(NOW + timedelta(days=7))
    assert me(client, login(client, JULIE))["rejections"][0]["blocking"] is True


def attest(client, cookie, sid, number="FAC-2026-0042"):
    return send(client, "POST", "/account/rejections/attestation", {"structure_id": sid, "number": number},
                cookie=cookie)


def test_the_recipient_attests_once_and_who_and_when_is_kept(client, cookies, menuiserie):
    reject(client, menuiserie)
    clock.set_now(NOW + timedelta(days=8))
    cookies = {"julie": login(client, JULIE), "paul": login(client, PAUL)}  # a week later: new sessions
    response = attest(client, cookies["julie"], menuiserie)
    assert response.status_code == 200, response.body
    assert body(response)["attested_at"] == "2026-12-05T09:00:00Z" and body(response)["blocking"] is False
    assert me(client, cookies["julie"])["rejections"] == []
    assert me(client, cookies["paul"])["rejections"][0]["blocking"] is True  # Paul's own is still to attest
    kept = [i for i in table_items() if i["sk"]["S"] == f"ATTESTED#{menuiserie}#FAC-2026-0042"]
    assert [(i["pk"]["S"], i["attested_at"]["S"][:19]) for i in kept] == [
        (f"USER#{user_id(JULIE)}", "2026-12-05T09:00:00")]
    # Twice: harmless, the first attestation stands.
    clock.set_now(NOW + timedelta(days=8, minutes=5))
    again = attest(client, cookies["julie"], menuiserie)
    assert again.status_code == 200 and body(again)["attested_at"] == "2026-12-05T09:00:00Z"
    assert len([i for i in table_items() if i["sk"]["S"].startswith("ATTESTED#")]) == 1


def test_nobody_attests_for_someone_else(client, cookies, menuiserie):
    reject(client, menuiserie, service="MENINT")  # Marc's only (whole structure): not Julie's, not Claire's
    before = table_items()
    for name in ("julie", "claire"):
        response = attest(client, cookies[name], menuiserie)
        assert response.status_code == 404, response.body
    assert table_items() == before
    assert me(client, cookies["marc"])["rejections"][0]["number"] == "FAC-2026-0042"
    assert send(client, "POST", "/account/rejections/attestation", {"structure_id": menuiserie,
                "number": "FAC-2026-0042"}).status_code == 401


def test_an_attestation_with_unknown_fields_is_refused(client, cookies, menuiserie):
    reject(client, menuiserie)
    response = send(client, "POST", "/account/rejections/attestation", {
        "structure_id": menuiserie, "number": "FAC-2026-0042", "user_id": user_id(PAUL)}, cookie=cookies["julie"])
    assert response.status_code == 422, response.body
    assert len(me(client, cookies["paul"])["rejections"]) == 1


def test_the_rejections_list_reads_one_query(client, cookies, menuiserie, dynamodb_calls):
    reject(client, menuiserie)
    dynamodb_calls.clear()
    response = send(client, "GET", "/account/rejections", cookie=cookies["julie"])
    assert [i["reason"] for i in body(response)["items"]] == ["Bon de commande absent"]
    assert dynamodb_calls == ["GetItem", "Query"]
