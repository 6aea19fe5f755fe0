"""Requests never wait forever: past 14 days, a request whose principal manager is not active (account deactivated,
login locked) goes to the structure's other managers, secondary managers acting as users included; its requester
sees who it waits for. The daily job is run by hand with the clock moved."""

import logging
import os
from datetime import timedelta

import boto3
import pytest

from chalicelib.jobs import stale_requests
from tests.api.conftest import NOW, body, login, send, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, ask, decide, structure_id, user_id

DAY = timedelta(days=1)
STALE = NOW + 15 * DAY  # the request below, asked at NOW, is more than 14 days old
PRINCIPAL = {"first_name": "Paul", "last_name": "DUPONT", "role": "GESTIONNAIRE_PRINCIPAL"}
DEPUTIES = [{"first_name": "Julie", "last_name": "LEROY", "role": "GESTIONNAIRE_SECONDAIRE"},
            {"first_name": "Marc", "last_name": "PETIT", "role": "GESTIONNAIRE_SECONDAIRE"}]
# The job's reads and writes for the requests of one day: its last day; the day's checks; the requests and their
# structures; the principals' profiles; their login failures; then for each escalated request its structure's
# managers, the copies it has and one transaction; last, the day marked done.
ESCALATION_CALLS = ["GetItem", "Query", "BatchGetItem", "BatchGetItem", "BatchGetItem", "Query", "Query",
                    "TransactWriteItems", "PutItem"]


@pytest.fixture
def menuiserie(client):
    """Julie becomes a secondary manager acting as a user of Menuiserie Dupont (Marc acts as a manager there), then
    Claire asks to join it: the request waits for Paul, its principal manager."""
    paul = login(client, PAUL)
    sid = structure_id(client, paul, "menuiserie")
    make_deputy(client, paul, sid, JULIE)
    assert ask(client, login(client, CLAIRE), sid, services=[]).status_code == 201
    return sid


def make_deputy(client, principal_cookie, sid, login_name):
    response = send(client, "POST", f"/structures/{sid}/members/{user_id(login_name)}/role",
                    {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"}, cookie=principal_cookie)
    assert response.status_code == 200, response.body


def deactivate(login_name):
    """An account left inactive with its principal role (data from before a successor was required)."""
    boto3.client("dynamodb").update_item(
        TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": f"USER#{user_id(login_name)}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "INACTIF"}})


def lock(client, clock, login_name, start):
    """Ten failed logins, each delay waited out: the login is locked for 30 minutes from the last one."""
    moment = start
    clock.set_now(moment)
    for attempt in range(10):
        response = send(client, "POST", "/auth/login", {"login": login_name, "password": "Pas-le-bon-1"})
        assert response.status_code == 401, (attempt, response.body)
        if 4 <= attempt < 9:
            moment += timedelta(minutes=1, seconds=1) * (2 ** (attempt - 4))
            clock.set_now(moment)
    assert send(client, "POST", "/auth/login", {"login": login_name, "password": "x"}).status_code == 429
    return moment


def my_row(client, login_name, sid, dynamodb_calls=None):
    cookie = login(client, login_name)
    if dynamodb_calls is not None:
        dynamodb_calls.clear()
    account = body(send(client, "GET", "/account", cookie=cookie))
    if dynamodb_calls is not None:
        assert dynamodb_calls == ["GetItem", "Query"]  # « Mon Compte » stays one Query besides the session
    return next(m for m in account["memberships"] if m["structure_id"] == sid)


def manager_requests(client, login_name):
    return send(client, "GET", "/manager/requests", cookie=login(client, login_name))


def banner(client, login_name):
    return body(send(client, "GET", "/me", cookie=login(client, login_name)))


def by_name(names):
    return sorted(names, key=lambda n: n["first_name"])


@pytest.mark.parametrize("unavailable", ["deactivated", "locked"])
def test_a_stale_request_of_an_unavailable_principal_goes_to_a_secondary_acting_as_user(
        client, frozen_clock, dynamodb_calls, menuiserie, unavailable):
    row = my_row(client, CLAIRE, menuiserie, dynamodb_calls)
    assert (row["status"], row["waiting_for"]) == ("EN_COURS_DE_VALIDATION", [PRINCIPAL])
    # Before any escalation, a secondary manager acting as a user neither sees nor decides the request.
    assert manager_requests(client, JULIE).status_code == 403
    assert banner(client, JULIE)["escalated_requests"] is False
    julie = login(client, JULIE)
    before = table_items()
    early = decide(client, julie, "VALIDER", [{"structure_id": menuiserie, "user_id": user_id(CLAIRE)}])
    assert early.status_code == 403, early.body
    assert table_items() == before

    if unavailable == "deactivated":
        deactivate(PAUL)
        frozen_clock.set_now(STALE)
    else:
        lock(client, frozen_clock, PAUL, STALE - timedelta(minutes=40))
    dynamodb_calls.clear()
    assert stale_requests.run() == {"escalated": 1, "copies": 1}  # Julie's copy; Marc, a manager, had one
    assert dynamodb_calls == ESCALATION_CALLS

    # A second run the same day reads its last day and nothing else.
    before = table_items()
    dynamodb_calls.clear()
    assert stale_requests.run() == {}
    assert dynamodb_calls == ["GetItem"]
    assert table_items() == before

    row = my_row(client, CLAIRE, menuiserie, dynamodb_calls)
    assert by_name(row["waiting_for"]) == DEPUTIES
    for deputy in (JULIE, MARC):
        response = manager_requests(client, deputy)
        assert response.status_code == 200, response.body
        (request,) = body(response)["requests"]
        assert (request["structure_id"], request["user_id"], request["escalated"]) == (
            menuiserie, user_id(CLAIRE), True)
    assert body(manager_requests(client, JULIE))["structures"] == []  # it manages nothing else for all that
    # The navigation shows her « Activité du gestionnaire », from what the banner reads anyway (one Query).
    julie = login(client, JULIE)
    dynamodb_calls.clear()
    me = body(send(client, "GET", "/me", cookie=julie))
    assert dynamodb_calls == ["GetItem", "Query"]
    assert (me["escalated_requests"], "Activité du gestionnaire" in me["spaces"]) == (True, False)

    result = body(decide(client, login(client, JULIE), "VALIDER",
                         [{"structure_id": menuiserie, "user_id": user_id(CLAIRE)}]))["results"][0]
    assert (result["status"], result["error"]) == ("VALIDEE", None)
    row = my_row(client, CLAIRE, menuiserie)
    assert (row["status"], row["waiting_for"]) == ("VALIDEE", [])
    from chalicelib.store import memberships

    assert memberships.get_membership(user_id(CLAIRE), menuiserie).decided_by == user_id(JULIE)
    assert body(manager_requests(client, MARC))["requests"] == []
    assert manager_requests(client, JULIE).status_code == 403
    assert banner(client, JULIE)["escalated_requests"] is False


def test_a_stale_request_of_an_active_principal_keeps_waiting_for_it_and_is_checked_again(
        client, frozen_clock, dynamodb_calls, menuiserie):
    frozen_clock.set_now(STALE)
    before = {(i["pk"]["S"], i["sk"]["S"]) for i in table_items()}
    dynamodb_calls.clear()
    assert stale_requests.run() == {"waiting": 1}
    # No managers read, no copy: the check is filed for the next day (one UpdateItem).
    assert dynamodb_calls == ["GetItem", "Query", "BatchGetItem", "BatchGetItem", "BatchGetItem", "UpdateItem",
                              "PutItem"]
    assert {(i["pk"]["S"], i["sk"]["S"]) for i in table_items()} == before | {("JOB#stale_requests", "LAST_DAY")}
    assert my_row(client, CLAIRE, menuiserie)["waiting_for"] == [PRINCIPAL]
    assert manager_requests(client, JULIE).status_code == 403

    before = table_items()
    dynamodb_calls.clear()
    assert stale_requests.run() == {}
    assert dynamodb_calls == ["GetItem"]
    assert table_items() == before

    # The next day its principal is locked out: the request no longer waits for it alone.
    locked_at = lock(client, frozen_clock, PAUL, STALE + DAY)
    assert stale_requests.run() == {"escalated": 1, "copies": 1}
    assert locked_at.date() == (STALE + DAY).date()
    assert by_name(my_row(client, CLAIRE, menuiserie)["waiting_for"]) == DEPUTIES


def test_the_days_missed_are_read_and_a_run_stopped_half_way_finishes_on_the_next(
        client, frozen_clock, dynamodb_calls, menuiserie, monkeypatch):
    paul = login(client, PAUL)
    renovation = structure_id(client, paul, "*habitat*")
    attach = send(client, "POST", f"/structures/{renovation}/members",
                  {"login": JULIE, "services": [], "valid_from": NOW.date().isoformat()}, cookie=paul)
    assert attach.status_code == 201, attach.body
    make_deputy(client, paul, renovation, JULIE)
    assert ask(client, login(client, CLAIRE), renovation, services=[]).status_code == 201
    deactivate(PAUL)
    frozen_clock.set_now(NOW + 13 * DAY)
    assert stale_requests.run() == {}  # nothing is 14 days old yet; the day is done

    # No run for four days: the next one reads the three days it missed and stops on its second escalation.
    frozen_clock.set_now(NOW + 17 * DAY)
    from chalicelib.store import memberships

    real, calls = memberships.escalate_request, []

    def stopped(*args):
        calls.append(args[0].structure_id)
        if len(calls) == 2:
            raise RuntimeError("the function timed out")
        return real(*args)

    monkeypatch.setattr(memberships, "escalate_request", stopped)
    with pytest.raises(RuntimeError):
        stale_requests.run()
    monkeypatch.setattr(memberships, "escalate_request", real)
    escalated_first, left = calls
    # Julie sees the escalated request only, and may not decide the other one, which still waits for Paul.
    julie = login(client, JULIE)
    assert [r["structure_id"] for r in body(send(client, "GET", "/manager/requests", cookie=julie))["requests"]] == [
        escalated_first]
    before = table_items()
    early = body(decide(client, julie, "VALIDER", [{"structure_id": left, "user_id": user_id(CLAIRE)}]))["results"]
    assert early[0]["status"] is None and early[0]["error"]
    assert table_items() == before
    dynamodb_calls.clear()
    assert stale_requests.run() == {"escalated": 1, "copies": 1}  # the other one only
    queries = dynamodb_calls.count("Query")
    assert queries == 3 + 2  # days 15, 16 and 17 (the stopped run did the 14th), then one escalation's two Queries
    for sid in (menuiserie, renovation):
        assert by_name(my_row(client, CLAIRE, sid)["waiting_for"]) == (
            DEPUTIES if sid == menuiserie else DEPUTIES[:1]), sid
    assert sorted(r["structure_id"] for r in body(manager_requests(client, JULIE))["requests"]) == sorted(
        [menuiserie, renovation])
    before = table_items()
    assert stale_requests.run() == {}
    assert table_items() == before


def test_requests_decided_in_time_are_forgotten_and_a_lone_principal_is_reported(
        client, frozen_clock, menuiserie, caplog):
    claire = login(client, CLAIRE)
    ebenisterie = structure_id(client, claire, "*ebenist*")
    assert ask(client, login(client, PAUL), ebenisterie, services=[]).status_code == 201
    refused = decide(client, login(client, PAUL), "REFUSER", [{"structure_id": menuiserie,
                                                               "user_id": user_id(CLAIRE)}])
    assert body(refused)["results"][0]["status"] == "REFUSEE"
    deactivate(CLAIRE)  # Ébénisterie Martin has no other manager
    frozen_clock.set_now(STALE)
    with caplog.at_level(logging.WARNING, logger="chalicelib.jobs.stale_requests"):
        assert stale_requests.run() == {"dropped": 1, "no_manager": 1}
    assert any(ebenisterie in record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)
    checks = [i for i in table_items() if i["pk"]["S"].startswith("CHECK#")]
    assert [(i["pk"]["S"], i["gsi1pk"]["S"]) for i in checks] == [
        (f"CHECK#{ebenisterie}#{user_id(PAUL)}", f"STALE#{(STALE + DAY).date().isoformat()}")]
    assert my_row(client, PAUL, ebenisterie)["waiting_for"] == [
        {"first_name": "Claire", "last_name": "MARTIN", "role": "GESTIONNAIRE_PRINCIPAL"}]
