"""Who may decide what in « Activité du gestionnaire », and what a deactivated account leaves behind."""

import os

import boto3
import pytest

from tests.api.conftest import body, login, send, sent_mails, table_items, update_payload
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, ask, decide, leave, structure_id, user_id


def pending_of(client, cookie):
    response = send(client, "GET", "/manager/requests", cookie=cookie)
    assert response.status_code == 200, response.body
    return [(r["structure_id"], r["user_id"]) for r in body(response)["requests"]]


def membership_status(client, cookie, sid):
    account = body(send(client, "GET", "/account", cookie=cookie))
    return next((m["status"] for m in account["memberships"] if m["structure_id"] == sid), None)


def test_a_deactivated_account_withdraws_its_pending_requests_in_the_same_change(client, cookies):
    ebenisterie = structure_id(client, cookies["paul"], "*ebenist*")
    assert ask(client, cookies["julie"], ebenisterie, services=[]).status_code == 201
    assert pending_of(client, cookies["claire"]) == [(ebenisterie, user_id(JULIE))]
    mails_before = len(sent_mails())
    assert send(client, "POST", "/account/deactivation", {"successors": {}}, cookie=cookies["julie"]).status_code == 204

    assert pending_of(client, cookies["claire"]) == []
    from chalicelib.store import memberships

    assert memberships.get_membership(user_id(JULIE), ebenisterie).status == "SUPPRIMEE"
    late = body(decide(client, cookies["claire"], "VALIDER", [{"structure_id": ebenisterie,
                                                               "user_id": user_id(JULIE)}]))
    assert late["results"][0]["status"] is None and "plus en attente" in late["results"][0]["error"]
    assert len(sent_mails()) == mails_before  # guide §7: a deactivated account gets no more mail


def test_a_decision_on_the_request_of_an_account_no_longer_active_is_refused(client, cookies):
    ebenisterie = structure_id(client, cookies["paul"], "*ebenist*")
    ask(client, cookies["julie"], ebenisterie, services=[])
    # The account went inactive by another way than its own deactivation (support, an older version of the portal).
    boto3.client("dynamodb").update_item(
        TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": f"USER#{user_id(JULIE)}"},
                                                               "sk": {"S": "PROFILE"}},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "INACTIF"}})
    mails_before, before = len(sent_mails()), table_items()
    result = body(decide(client, cookies["claire"], "VALIDER", [{"structure_id": ebenisterie,
                                                                 "user_id": user_id(JULIE)}]))["results"][0]
    assert result["status"] is None
    assert "compte" in result["error"] and "n'est plus actif" in result["error"]
    assert table_items() == before
    assert len(sent_mails()) == mails_before


@pytest.mark.parametrize("method, path, payload", [
    ("GET", "/manager/requests", None),
    ("POST", "/manager/requests/decide", {"decision": "VALIDER", "reason": None,
                                          "requests": [{"structure_id": "SID", "user_id": "UID"}]}),
    ("GET", "/structures/SID/members", None),
    ("POST", "/structures/SID/members", {"login": CLAIRE, "services": [], "valid_from": "2026-11-27"}),
    ("POST", "/structures/SID/members/UID/role", {"role": "UTILISATEUR"}),
])
def test_a_caller_who_manages_no_structure_gets_403_on_every_manager_route(client, cookies, method, path, payload):
    """Julie is a simple user of Menuiserie Dupont: replaying a manager's call changes nothing and says why."""
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    path = path.replace("SID", menuiserie).replace("UID", user_id(CLAIRE))
    if payload and "requests" in payload:
        payload["requests"][0].update(structure_id=menuiserie, user_id=user_id(CLAIRE))
    before = table_items()
    response = send(client, method, path, payload, cookie=cookies["julie"])
    assert response.status_code == 403, response.body
    assert body(response)["code"] == "forbidden" and body(response)["message"]
    assert table_items() == before


def test_a_manager_cannot_decide_for_a_structure_it_does_not_manage(client, cookies):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    before = table_items()
    result = body(decide(client, cookies["claire"], "VALIDER", [{"structure_id": menuiserie,
                                                                 "user_id": user_id(CLAIRE)}]))["results"][0]
    assert result["status"] is None and result["error"]
    assert table_items() == before


def test_a_principal_manager_demoting_itself_is_told_to_name_a_successor_first(client, cookies):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    before = table_items()
    response = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(PAUL)}/role",
                    {"role": "UTILISATEUR"}, cookie=cookies["paul"])
    assert response.status_code == 409, response.body
    assert body(response)["code"] == "principal_needs_successor"
    assert "nouveau gestionnaire principal" in body(response)["message"]
    english = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(PAUL)}/role",
                   {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"}, cookie=cookies["paul"],
                   headers={"Accept-Language": "en"})
    assert "new principal manager" in body(english)["message"]
    assert table_items() == before


def test_pending_requests_of_every_managed_structure_cost_one_query(client, cookies, dynamodb_calls):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    renovation = structure_id(client, cookies["paul"], "*habitat*")
    ask(client, cookies["claire"], menuiserie, services=[])
    ask(client, cookies["claire"], renovation, services=[])
    ask(client, cookies["julie"], renovation, services=[])
    dynamodb_calls.clear()
    pending = pending_of(client, cookies["paul"])
    assert dynamodb_calls == ["GetItem", "Query"]  # session; own rattachements and the requests waiting for it
    assert sorted(pending) == sorted([(menuiserie, user_id(CLAIRE)), (renovation, user_id(CLAIRE)),
                                      (renovation, user_id(JULIE))])
    # Marc, secondary manager of Menuiserie Dupont acting as a manager, gets its requests only.
    assert pending_of(client, cookies["marc"]) == [(menuiserie, user_id(CLAIRE))]


def test_a_manager_whose_role_is_taken_away_is_refused_at_once(client, cookies):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    assert pending_of(client, cookies["marc"]) == [(menuiserie, user_id(CLAIRE))]
    demoted = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(MARC)}/role",
                   {"role": "UTILISATEUR"}, cookie=cookies["paul"])
    assert demoted.status_code == 200, demoted.body
    assert send(client, "GET", "/manager/requests", cookie=cookies["marc"]).status_code == 403
    assert send(client, "GET", f"/structures/{menuiserie}/members", cookie=cookies["marc"]).status_code == 403
    refused = decide(client, cookies["marc"], "VALIDER", [{"structure_id": menuiserie, "user_id": user_id(CLAIRE)}])
    assert refused.status_code == 403
    assert membership_status(client, cookies["claire"], menuiserie) == "EN_COURS_DE_VALIDATION"


def test_a_new_manager_finds_the_waiting_requests_and_a_decision_clears_every_copy(client, cookies):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    promoted = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(JULIE)}/role",
                    {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"}, cookie=cookies["paul"])
    assert promoted.status_code == 200, promoted.body
    assert pending_of(client, cookies["julie"]) == [(menuiserie, user_id(CLAIRE))]
    decided = body(decide(client, cookies["julie"], "REFUSER", [{"structure_id": menuiserie,
                                                                 "user_id": user_id(CLAIRE)}]))
    assert decided["results"][0]["status"] == "REFUSEE"
    for manager in ("paul", "marc", "julie"):
        assert pending_of(client, cookies[manager]) == []
    assert not [i for i in table_items() if i["sk"]["S"].startswith("MANAGE#")]


def test_withdrawing_ones_request_removes_it_from_the_managers_lists(client, cookies):
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    withdrawn = leave(client, cookies["claire"], menuiserie)
    assert withdrawn.status_code == 200, withdrawn.body
    assert body(withdrawn)["status"] == "SUPPRIMEE"
    assert pending_of(client, cookies["paul"]) == [] and pending_of(client, cookies["marc"]) == []
    assert ask(client, cookies["claire"], menuiserie, services=[]).status_code == 201


def test_a_manager_reactivating_its_account_finds_the_requests_made_meanwhile(client, cookies):
    from tests.api.test_lifecycle import NEW, last_link, secrets_payload

    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    assert send(client, "POST", "/account/deactivation", {}, cookie=cookies["marc"]).status_code == 204
    ask(client, cookies["claire"], menuiserie, services=[])
    send(client, "POST", "/auth/reactivation/request", {"login": MARC})
    assert send(client, "POST", "/auth/reactivation", secrets_payload(last_link(MARC))).status_code == 200
    assert pending_of(client, login(client, MARC, NEW)) == [(menuiserie, user_id(CLAIRE))]


def test_the_copies_of_a_request_follow_the_name_its_author_saves(client, cookies, stream):
    from chalicelib.jobs import profile_copies

    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    account = body(send(client, "GET", "/account", cookie=cookies["claire"]))
    saved = send(client, "PUT", "/account", update_payload(account, last_name="MARTIN-DURAND"),
                 cookie=cookies["claire"])
    assert saved.status_code == 200
    # Her two rattachements (Ébénisterie Martin, and the request to Menuiserie Dupont), Paul's and Marc's copies.
    assert profile_copies.handle(stream.read()) == 4
    requests = body(send(client, "GET", "/manager/requests", cookie=cookies["paul"]))["requests"]
    assert [(r["first_name"], r["last_name"]) for r in requests] == [("Claire", "MARTIN-DURAND")]


def test_local_data_saved_before_the_copies_gets_them_at_restart(client, cookies):
    """A pending request of a snapshot taken before managers kept copies is found by them after a restart."""
    from devstack.snapshot import copy_pending_requests

    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], menuiserie, services=[])
    dynamodb, table = boto3.client("dynamodb"), os.environ["TABLE_NAME"]
    for item in [i for i in table_items() if i["sk"]["S"].startswith("MANAGE#")]:
        dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
    assert pending_of(client, cookies["paul"]) == []
    assert copy_pending_requests(table_items()) == 2  # Paul and Marc
    assert pending_of(client, cookies["paul"]) == [(menuiserie, user_id(CLAIRE))]
    assert copy_pending_requests(table_items()) == 0  # once is enough
