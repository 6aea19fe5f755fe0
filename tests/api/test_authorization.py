"""Who may do what on the structure routes: every refusal is 403 or 404 and changes nothing.

Actors: anonymous, a user of A (Julie), a secondary manager of A acting as manager (Marc) or as a user, the principal
manager of A (Paul) and the principal manager of B (Claire). A is « Menuiserie Dupont », B « Ébénisterie Martin ».
"""

import pytest

from chalicelib.store import accounts
from tests.api.conftest import body, login, send, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL

ACTORS = ("anonymous", "user_a", "secondary_manager_a", "secondary_user_a", "principal_a", "principal_b")
MANAGES = {  # actor → the structures it manages
    "anonymous": set(), "user_a": set(), "secondary_manager_a": {"A"}, "secondary_user_a": set(),
    "principal_a": {"A"}, "principal_b": {"B"},
}
PRINCIPAL_OF = {"principal_a": {"A"}, "principal_b": {"B"}}


@pytest.fixture
def world(client):
    ids = {who: accounts.find_user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)}
    search = lambda cookie, name: body(send(client, "GET", f"/structures?designation={name}", cookie=cookie))  # noqa: E731
    paul = login(client, PAUL)
    structures = {"A": search(paul, "menuiserie")["items"][0]["structure_id"],
                  "B": search(paul, "*ebenist*")["items"][0]["structure_id"]}
    # Julie is a user of both, so that every route has a member to act on in A and in B.
    attached = send(client, "POST", f"/structures/{structures['B']}/members",
                    {"login": JULIE, "services": [], "valid_from": "2026-11-27"}, cookie=login(client, CLAIRE))
    assert attached.status_code == 201
    return ids, structures


def actor_cookie(client, actor, ids, structures):
    if actor == "anonymous":
        return None
    if actor == "secondary_user_a":
        paul = login(client, PAUL)
        send(client, "POST", f"/structures/{structures['A']}/members/{ids[MARC]}/role",
             {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"}, cookie=paul)
        return login(client, MARC)
    return login(client, {"user_a": JULIE, "secondary_manager_a": MARC, "principal_a": PAUL,
                          "principal_b": CLAIRE}[actor])


def routes(ids, sid):
    """(method, path, body, who may) for each route acting on structure ``sid``'s members."""
    return [
        ("GET", f"/structures/{sid}/members", None, "manager"),
        # « Historique » and its exports (issue 11)
        ("GET", f"/structures/{sid}/history", None, "manager"),
        ("GET", f"/structures/{sid}/history/export", None, "manager"),
        ("GET", f"/structures/{sid}/members/export", None, "manager"),
        ("POST", f"/structures/{sid}/members",
         {"login": "nobody-known@example.fr", "services": [], "valid_from": "2026-11-27"}, "manager"),
        ("POST", f"/structures/{sid}/members/{ids[JULIE]}/role",
         {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"}, "principal"),
    ]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", ["A", "B"])
def test_member_routes(client, world, actor, target):
    ids, structures = world
    cookie = actor_cookie(client, actor, ids, structures)
    for method, path, payload, who in routes(ids, structures[target]):
        allowed = target in (MANAGES[actor] if who == "manager" else PRINCIPAL_OF.get(actor, set()))
        before = table_items()
        response = send(client, method, path, payload, cookie=cookie)
        if actor == "anonymous":
            assert response.status_code == 401, (method, path)
        elif allowed:
            # Allowed: the call gets past authorization (the unknown login of the attach call is then a 404 of its own).
            assert response.status_code in (200, 201) or body(response)["code"] == "user_not_found", (
                actor, method, path, response.body)
            continue
        else:
            assert response.status_code in (403, 404), (actor, target, method, path, response.status_code)
        assert table_items() == before, (actor, method, path)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", ["A", "B"])
def test_deciding_requests(client, world, actor, target):
    ids, structures = world
    sid = structures[target]
    requester = login(client, CLAIRE if target == "A" else MARC)
    created = send(client, "POST", f"/structures/{sid}/memberships",
                   {"valid_from": "2026-11-27", "services": []}, cookie=requester)
    assert created.status_code == 201, created.body
    requester_id = ids[CLAIRE if target == "A" else MARC]
    cookie = actor_cookie(client, actor, ids, structures)
    before = table_items()
    response = send(client, "POST", "/manager/requests/decide",
                    {"decision": "VALIDER", "requests": [{"structure_id": sid, "user_id": requester_id}]},
                    cookie=cookie)
    if actor == "anonymous" or not MANAGES[actor]:
        # Who manages no structure is refused as a whole, like on every manager route.
        assert (response.status_code, body(response)["code"]) == ((401, "not_authenticated") if actor == "anonymous"
                                                                  else (403, "forbidden"))
        assert table_items() == before
        return
    (result,) = body(response)["results"]
    if target in MANAGES[actor]:
        assert result["status"] == "VALIDEE"
    else:
        assert (result["status"], bool(result["error"])) == (None, True)
        assert table_items() == before
    listed = body(send(client, "GET", "/manager/requests", cookie=cookie))
    assert {r["structure_id"] for r in listed["requests"]} == ({sid} if target in MANAGES[actor] and
                                                               result["status"] is None else set())


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_nobody_leaves_for_someone_else_or_hands_over_a_structure_it_does_not_lead(client, world, actor):
    ids, structures = world
    cookie = actor_cookie(client, actor, ids, structures)
    before = table_items()
    for target in ("A", "B"):
        if actor in PRINCIPAL_OF and target in PRINCIPAL_OF[actor]:
            continue
        response = send(client, "POST", f"/memberships/{structures[target]}/delete",
                        {"successor_user_id": ids[CLAIRE] if target == "B" else ids[JULIE]}, cookie=cookie)
        if actor in ("user_a", "secondary_manager_a", "secondary_user_a") and target == "A":
            # Their own link to A ends (the successor field means nothing for them): that is theirs to do.
            assert response.status_code == 200
            return
        assert response.status_code in (403, 404, 422), (actor, target, response.body)
    assert table_items() == before
