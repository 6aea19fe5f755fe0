"""Rattachements decided service by service (guide §4, « Liste des services »: « Date Début », « Date Fin », « Statut
du rattachement », « Commentaires » per service)."""

import pytest

from tests.api.conftest import body, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, PAUL, ask, decide, structure_id, user_id

ATELIER = {"code": "ATELIER", "valid_from": "2026-12-01", "valid_until": "2027-06-30", "comment": "Établi n°2"}


@pytest.fixture
def cookies(client):
    # Overrides conftest's: Marc plays no part here and is not logged in.
    return {name: login(client, who) for name, who in (("paul", PAUL), ("julie", JULIE), ("claire", CLAIRE))}


@pytest.fixture
def ebenisterie(client, cookies):
    return structure_id(client, cookies["paul"], "*ebenist*")


def my_row(client, cookie, sid):
    account = body(send(client, "GET", "/account", cookie=cookie))
    row = next(m for m in account["memberships"] if m["structure_id"] == sid)
    spaces = {(s["service"], s["space"]) for s in account["subscriptions"] if s["structure_id"] == sid}
    return row, spaces


def statuses(row):
    return {s["code"]: s["status"] for s in row["services"]}


def mail_text(mail):
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_each_service_carries_its_own_dates_and_comment_the_request_s_by_default(client, cookies, ebenisterie):
    response = ask(client, cookies["paul"], ebenisterie, valid_until="2027-12-31", services=[ATELIER, "POSE"])
    assert response.status_code == 201, response.body
    assert body(response)["services"] == [
        {"code": "ATELIER", "name": "Atelier", "status": "EN_COURS_DE_VALIDATION", "valid_from": "2026-12-01",
         "valid_until": "2027-06-30", "comment": "Établi n°2"},
        {"code": "POSE", "name": "Pose", "status": "EN_COURS_DE_VALIDATION", "valid_from": "2026-11-27",
         "valid_until": "2027-12-31", "comment": None},
    ]
    # The manager sees them in « Activité du gestionnaire ».
    (pending,) = body(send(client, "GET", "/manager/requests", cookie=cookies["claire"]))["requests"]
    assert [(s["code"], s["valid_from"], s["comment"]) for s in pending["services"]] == [
        ("ATELIER", "2026-12-01", "Établi n°2"), ("POSE", "2026-11-27", None)]


def test_a_service_stored_before_services_had_their_own_status_reads_with_its_rattachement(client, cookies):
    # The demo data links Julie to MOBURB as rattachements were stored before (code and name only).
    menuiserie = structure_id(client, cookies["julie"], "menuiserie")
    row, _ = my_row(client, cookies["julie"], menuiserie)
    (service,) = row["services"]
    assert (service["code"], service["status"], service["valid_from"], service["valid_until"], service["comment"]) == (
        "MOBURB", row["status"], row["valid_from"], row["valid_until"], row["comment"])


def test_the_manager_validates_one_service_and_refuses_the_other(client, cookies, ebenisterie, dynamodb_calls):
    paul, julie = user_id(PAUL), user_id(JULIE)
    # A whole-structure request decided as before: the reference of the number of requests.
    ask(client, cookies["julie"], ebenisterie, services=[])
    dynamodb_calls.clear()
    decide(client, cookies["claire"], "VALIDER", [{"structure_id": ebenisterie, "user_id": julie}])
    plain_decision = list(dynamodb_calls)

    ask(client, cookies["paul"], ebenisterie, services=[ATELIER, "POSE"])
    dynamodb_calls.clear()
    body(send(client, "GET", "/manager/requests", cookie=cookies["claire"]))
    assert dynamodb_calls == ["GetItem", "Query"]  # unchanged: session, then one Query
    dynamodb_calls.clear()
    target = {"structure_id": ebenisterie, "user_id": paul, "refused_services": ["POSE"]}
    result = body(decide(client, cookies["claire"], "VALIDER", [target]))["results"]
    assert result == [{"structure_id": ebenisterie, "user_id": paul, "status": "VALIDEE", "error": None}]
    assert dynamodb_calls == plain_decision  # still one transaction, and no more reads

    row, spaces = my_row(client, cookies["paul"], ebenisterie)
    assert (row["status"], row["active"]) == ("VALIDEE", True)
    assert statuses(row) == {"ATELIER": "VALIDEE", "POSE": "REFUSEE"}
    assert row["services"][0]["valid_from"] == "2026-12-01" and row["services"][0]["comment"] == "Établi n°2"
    # Default subscriptions for the validated service only.
    assert {service for service, _ in spaces} == {"Atelier"}
    assert len(spaces) == 4
    text = mail_text(sent_mails()[-1])
    assert sent_mails()[-1]["Subject"] == "Votre rattachement à Ébénisterie Martin est validé"
    assert "Services validés :\n- ATELIER – Atelier, à partir du 01/12/2026 jusqu'au 30/06/2027" in text
    assert "Services refusés :\n- POSE – Pose" in text
    assert "- POSE" not in text.split("Services refusés")[0]


def test_refusing_every_service_refuses_the_request(client, cookies, ebenisterie):
    ask(client, cookies["paul"], ebenisterie, services=[ATELIER, "POSE"])
    target = {"structure_id": ebenisterie, "user_id": user_id(PAUL), "refused_services": ["ATELIER", "POSE"]}
    result = body(decide(client, cookies["claire"], "VALIDER", [target]))["results"][0]
    assert (result["status"], result["error"]) == ("REFUSEE", None)
    row, spaces = my_row(client, cookies["paul"], ebenisterie)
    assert row["status"] == "REFUSEE" and statuses(row) == {"ATELIER": "REFUSEE", "POSE": "REFUSEE"}
    assert spaces == set()
    mail = sent_mails()[-1]
    assert mail["Subject"] == "Votre demande de rattachement à Ébénisterie Martin est refusée"
    assert "Services refusés :\n- ATELIER – Atelier\n- POSE – Pose" in mail_text(mail)
    assert ask(client, cookies["paul"], ebenisterie, services=["POSE"]).status_code == 201  # may ask again


def test_a_refusal_may_keep_one_service(client, cookies, ebenisterie):
    ask(client, cookies["paul"], ebenisterie, services=[ATELIER, "POSE"])
    target = {"structure_id": ebenisterie, "user_id": user_id(PAUL), "validated_services": ["POSE"]}
    assert body(decide(client, cookies["claire"], "REFUSER", [target]))["results"][0]["status"] == "VALIDEE"
    row, spaces = my_row(client, cookies["paul"], ebenisterie)
    assert statuses(row) == {"ATELIER": "REFUSEE", "POSE": "VALIDEE"}
    assert {service for service, _ in spaces} == {"Pose"}


@pytest.mark.parametrize("services, field, words", [
    ([{"code": "ATELIER", "valid_from": "2026-11-26"}], "services.0.valid_from",
     ("« Date Début »", "ATELIER", "antérieure à aujourd'hui")),
    (["ATELIER", {"code": "POSE", "valid_until": "2026-11-20"}], "services.1.valid_until",
     ("« Date Fin »", "POSE", "antérieure à aujourd'hui")),
    (["ATELIER", {"code": "POSE", "valid_from": "2026-12-10", "valid_until": "2026-12-01"}], "services.1.valid_until",
     ("« Date Fin »", "POSE", "précéder sa date de début")),
    ([{"code": "ATELIER", "comment": "x" * 256}], "services.0.comment", ("« Commentaires »", "255")),
    ([{"code": "ATELIER", "valid_from": "01/12/2026"}], "services.0.valid_from", ("« Date Début »",)),
    ([{"code": "ATELIER", "status": "VALIDEE"}], "services.0.status", ("n'est pas accepté",)),
])
def test_bad_service_lines_are_refused_naming_the_row_s_field(client, cookies, ebenisterie, services, field, words):
    before = table_items()
    response = ask(client, cookies["paul"], ebenisterie, services=services)
    assert response.status_code == 422, response.body
    message = body(response)["fields"][field]
    assert all(word in message for word in words), message
    assert table_items() == before and sent_mails() == []


@pytest.mark.parametrize("services, target, words", [
    (["ATELIER"], {"validated_services": ["POSE"]}, ("Le service POSE ne fait pas partie de cette demande",)),
    ([], {"refused_services": ["ATELIER"]}, ("Le service ATELIER ne fait pas partie de cette demande",)),
    (["ATELIER", "POSE"], {"validated_services": ["POSE"], "refused_services": ["POSE"]},
     ("Le service POSE ne peut pas être à la fois validé et refusé",)),
])
def test_a_decision_on_a_service_the_request_does_not_ask_for_is_refused(client, cookies, ebenisterie, services,
                                                                        target, words):
    ask(client, cookies["paul"], ebenisterie, services=services)
    mails, before = len(sent_mails()), table_items()  # the request's mails delivered first
    target = {"structure_id": ebenisterie, "user_id": user_id(PAUL), **target}
    (result,) = body(decide(client, cookies["claire"], "VALIDER", [target]))["results"]
    assert result["status"] is None
    assert all(word in result["error"] for word in words), result["error"]
    assert table_items() == before and len(sent_mails()) == mails
    row, _ = my_row(client, cookies["paul"], ebenisterie)
    assert row["status"] == "EN_COURS_DE_VALIDATION"


def test_a_decision_names_services_by_valid_codes(client, cookies, ebenisterie):
    ask(client, cookies["paul"], ebenisterie, services=["ATELIER"])
    target = {"structure_id": ebenisterie, "user_id": user_id(PAUL), "validated_services": ["a b"]}
    response = decide(client, cookies["claire"], "VALIDER", [target])
    assert response.status_code == 422
    assert "requests.0.validated_services.0" in body(response)["fields"]
    assert "Services à valider" in body(response)["fields"]["requests.0.validated_services.0"]


def test_a_refused_service_reaches_no_subscription(client, cookies, ebenisterie):
    ask(client, cookies["paul"], ebenisterie, services=["ATELIER", "POSE"])
    target = {"structure_id": ebenisterie, "user_id": user_id(PAUL), "refused_services": ["POSE"]}
    decide(client, cookies["claire"], "VALIDER", [target])
    options = body(send(client, "GET", f"/structures/{ebenisterie}/subscription-options", cookie=cookies["paul"]))
    assert [s["code"] for s in options["services"]] == ["ATELIER"]
    payload = {"space": "Factures reçues", "rows": [{"service_code": "POSE", "habilitation": "MODIFICATION"}],
               "valid_from": "2026-11-27"}
    response = send(client, "POST", f"/structures/{ebenisterie}/subscriptions", payload, cookie=cookies["paul"])
    assert response.status_code == 422, response.body
    assert "POSE" in body(response)["fields"]["rows.0.service_code"]
