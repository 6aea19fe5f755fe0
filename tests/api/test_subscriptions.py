"""Abonnements aux espaces (guide §5) through the public routes: requests, decisions, removals, the spaces of a
structure, who may do what, and what each screen costs."""

import pytest

from chalicelib.jobs import table_changes
from tests.api.conftest import NOW, body, send, sent_mails, table_items
from tests.api.test_structures import JULIE, MARC, leave, structure_id, user_id

TODAY = NOW.date().isoformat()
CONSULTATION, MODIFICATION = "CONSULTATION_UNIQUEMENT", "MODIFICATION"


def ask(client, cookie, sid, space="Factures reçues", rows=(("MOBURB", CONSULTATION),), **changes):
    payload = {"space": space, "rows": [{"service_code": code, "habilitation": h} for code, h in rows],
               "valid_from": TODAY, **changes}
    return send(client, "POST", f"/structures/{sid}/subscriptions", payload, cookie=cookie)


def my_rows(client, cookie, sid=None, space=None):
    account = body(send(client, "GET", "/account", cookie=cookie))
    return {(s["service_code"], s["space"], s["habilitation"]): s["status"] for s in account["subscriptions"]
            if (sid is None or s["structure_id"] == sid) and (space is None or s["space"] == space)}


def pending(client, cookie, sid):
    response = send(client, "GET", f"/structures/{sid}/subscription-requests", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)["requests"]


def decide(client, cookie, sid, decision, targets, reason=None):
    payload = {"decision": decision, "reason": reason, "requests": targets}
    return send(client, "POST", f"/structures/{sid}/subscription-requests/decide", payload, cookie=cookie)


def target(user, code, space, habilitation):
    return {"user_id": user_id(user), "service_code": code, "space": space, "habilitation": habilitation}


def run_stream(stream):
    """What the event source mapping does in the cloud (and the local stack's poller) with the table's new records."""
    return table_changes.handle(stream.read())


# --- asking -------------------------------------------------------------------------------------------------------

def test_a_user_asks_a_space_and_the_managers_are_mailed(client, cookies, menuiserie):
    mails = len(sent_mails())
    response = ask(client, cookies["julie"], menuiserie, comment="Pour suivre les factures du service")
    assert response.status_code == 201, response.body
    (row,) = body(response)["subscriptions"]
    assert (row["service"], row["space"], row["habilitation"], row["status"], row["origin"]) == (
        "Mobilier urbain", "Factures reçues", CONSULTATION, "EN_COURS_DE_VALIDATION", "DEMANDE")
    assert my_rows(client, cookies["julie"], menuiserie, "Factures reçues") == {
        ("MOBURB", "Factures reçues", CONSULTATION): "EN_COURS_DE_VALIDATION"}
    # Paul (principal) and Marc (secondary acting as manager) are told; in their language, at their contact address.
    told = sorted(m["To"] for m in sent_mails()[mails:])
    assert told == ["contact@menuiserie.fr", "marc.petit@menuiserie.fr"]
    assert "Factures reçues" in sent_mails()[-1]["Subject"]


def test_two_rows_when_both_habilitations_are_ticked(client, cookies, menuiserie):
    response = ask(client, cookies["julie"], menuiserie, rows=(("MOBURB", MODIFICATION), ("MOBURB", CONSULTATION)))
    assert response.status_code == 201, response.body
    assert len(body(response)["subscriptions"]) == 2


def test_a_managers_own_request_is_validated_at_once(client, cookies, menuiserie):
    mails = len(sent_mails())
    response = ask(client, cookies["paul"], menuiserie, rows=((None, MODIFICATION), ("MENINT", CONSULTATION)))
    assert response.status_code == 201, response.body
    assert {r["status"] for r in body(response)["subscriptions"]} == {"VALIDE"}
    assert len(sent_mails()) == mails
    assert my_rows(client, cookies["paul"], menuiserie, "Factures reçues") == {
        (None, "Factures reçues", MODIFICATION): "VALIDE", ("MENINT", "Factures reçues", CONSULTATION): "VALIDE"}


@pytest.mark.parametrize("changes, field, words", [
    ({"rows": [{"service_code": "MENINT", "habilitation": CONSULTATION}]}, "rows.0.service_code", "pas rattaché"),
    ({"rows": [{"service_code": None, "habilitation": CONSULTATION}]}, "rows.0.service_code", "pas rattaché"),
    ({"rows": [{"service_code": "MOBURB", "habilitation": CONSULTATION}] * 2}, "rows.1", "deux fois"),
    ({"space": "Activité du gestionnaire"}, "space", "Espace"),
    ({"space": "Mon Compte"}, "space", "Espace"),
    ({"valid_from": "2026-11-26"}, "valid_from", "date passée"),
    ({"valid_from": "27/11/2026"}, "valid_from", "Date"),
    ({"comment": "x" * 256}, "comment", "Commentaire"),
    ({"comment": "a\u202eb"}, "comment", "Commentaire"),
    ({"rows": []}, "rows", "Services"),
    ({"rows": [{"service_code": "MOBURB", "habilitation": "ADMIN"}]}, "rows.0.habilitation", "Habilitation"),
    ({"status": "VALIDE"}, "status", "n'est pas accepté"),
    ({"rows": [{"service_code": "MOBURB", "habilitation": CONSULTATION, "status": "VALIDE"}]}, "rows.0.status",
     "n'est pas accepté"),
])
def test_bad_requests_are_refused_by_field_and_store_nothing(client, cookies, menuiserie, changes, field, words):
    before = table_items()
    payload = {"space": "Factures reçues", "rows": [{"service_code": "MOBURB", "habilitation": CONSULTATION}],
               "valid_from": TODAY, **changes}
    response = send(client, "POST", f"/structures/{menuiserie}/subscriptions", payload, cookie=cookies["julie"])
    assert response.status_code == 422, response.body
    problems = body(response)["fields"]
    assert field in problems, problems
    assert words in problems[field]
    assert table_items() == before


def test_asking_twice_for_the_same_row_is_refused(client, cookies, menuiserie):
    assert ask(client, cookies["julie"], menuiserie).status_code == 201
    before = table_items()
    response = ask(client, cookies["julie"], menuiserie)
    assert response.status_code == 422
    assert "déjà cet abonnement" in next(iter(body(response)["fields"].values()))
    # A row it holds already (a default space) too.
    response = ask(client, cookies["julie"], menuiserie, space="Factures émises",
                   rows=(("MOBURB", MODIFICATION),))
    assert response.status_code == 422
    assert table_items() == before


def test_no_request_without_an_active_rattachement(client, cookies, menuiserie):
    ebenisterie = structure_id(client, cookies["paul"], "*ebenist*")
    for cookie, sid in ((cookies["julie"], ebenisterie), (cookies["claire"], menuiserie)):
        assert ask(client, cookie, sid).status_code == 403
        assert send(client, "GET", f"/structures/{sid}/subscription-options", cookie=cookie).status_code == 403
    assert ask(client, None, menuiserie).status_code == 401


def test_the_options_offer_only_the_services_one_is_attached_to(client, cookies, menuiserie, dynamodb_calls):
    dynamodb_calls.clear()
    response = send(client, "GET", f"/structures/{menuiserie}/subscription-options", cookie=cookies["julie"])
    assert response.status_code == 200, response.body
    assert dynamodb_calls == ["BatchGetItem", "Query", "Query"]
    options = body(response)
    assert options["services"] == [{"code": "MOBURB", "name": "Mobilier urbain"}]
    assert options["spaces"] == ["Factures émises", "Factures reçues", "Sollicitations émises", "Sollicitations reçues"]
    assert options["validated_at_once"] is False
    paul = body(send(client, "GET", f"/structures/{menuiserie}/subscription-options", cookie=cookies["paul"]))
    assert [s["code"] for s in paul["services"]] == [None, "MENINT", "MEUBLES", "MOBURB"]  # whole structure first
    assert paul["validated_at_once"] is True


# --- deciding -----------------------------------------------------------------------------------------------------

def test_the_manager_validates_and_the_user_is_mailed_in_its_language(client, cookies, menuiserie, dynamodb_calls):
    ask(client, cookies["julie"], menuiserie)
    dynamodb_calls.clear()
    (request,) = pending(client, cookies["paul"], menuiserie)
    assert dynamodb_calls == ["BatchGetItem", "Query"]  # the session with the standing, then one Query
    assert (request["first_name"], request["space"], request["service"]) == ("Julie", "Factures reçues",
                                                                            "Mobilier urbain")
    mails = len(sent_mails())
    response = decide(client, cookies["paul"], menuiserie, "VALIDER",
                      [target(JULIE, "MOBURB", "Factures reçues", CONSULTATION)])
    assert response.status_code == 200, response.body
    assert body(response)["results"][0]["status"] == "VALIDE"
    assert my_rows(client, cookies["julie"], menuiserie, "Factures reçues") == {
        ("MOBURB", "Factures reçues", CONSULTATION): "VALIDE"}
    (mail,) = sent_mails()[mails:]
    assert mail["To"] == "julie.leroy@menuiserie.fr" and "validés" in mail["Subject"]
    assert pending(client, cookies["paul"], menuiserie) == []
    # Decided once: a second decision changes nothing.
    again = body(decide(client, cookies["marc"], menuiserie, "REFUSER",
                        [target(JULIE, "MOBURB", "Factures reçues", CONSULTATION)]))["results"][0]
    assert again["status"] is None and "plus en attente" in again["error"]
    assert my_rows(client, cookies["julie"], menuiserie, "Factures reçues")


def test_a_refused_request_is_gone_and_its_reason_mailed(client, cookies, menuiserie):
    ask(client, cookies["julie"], menuiserie)
    response = decide(client, cookies["marc"], menuiserie, "REFUSER",
                      [target(JULIE, "MOBURB", "Factures reçues", CONSULTATION)], reason="Pas utile pour ce service")
    assert body(response)["results"][0]["status"] == "SUPPRIME"
    assert my_rows(client, cookies["julie"], menuiserie, "Factures reçues") == {}
    assert "Pas utile pour ce service" in sent_mails()[-1].get_body(("plain",)).get_content()


def test_a_request_of_someone_who_left_cannot_be_validated(client, cookies, menuiserie):
    ask(client, cookies["julie"], menuiserie)
    assert leave(client, cookies["julie"], menuiserie).status_code == 200
    result = body(decide(client, cookies["paul"], menuiserie, "VALIDER",
                         [target(JULIE, "MOBURB", "Factures reçues", CONSULTATION)]))["results"][0]
    assert result["status"] is None
    assert [s for s in table_items() if s["sk"]["S"].startswith("SUBSCRIPTION#")
            and s["pk"]["S"] == f"USER#{user_id(JULIE)}"] == []


# --- giving up ----------------------------------------------------------------------------------------------------

def test_a_user_gives_up_subscriptions_and_pending_requests(client, cookies, menuiserie):
    ask(client, cookies["julie"], menuiserie)
    keys = [{"structure_id": menuiserie, "service_code": "MOBURB", "space": space, "habilitation": habilitation}
            for space, habilitation in (("Factures reçues", CONSULTATION), ("Sollicitations émises", MODIFICATION))]
    response = send(client, "POST", "/account/subscriptions/delete", {"subscriptions": keys}, cookie=cookies["julie"])
    assert response.status_code == 200, response.body
    assert body(response) == {"removed": 2}
    rows = my_rows(client, cookies["julie"], menuiserie)
    assert ("MOBURB", "Factures reçues", CONSULTATION) not in rows
    assert ("MOBURB", "Sollicitations émises", MODIFICATION) not in rows
    assert ("MOBURB", "Factures émises", MODIFICATION) in rows
    assert pending(client, cookies["paul"], menuiserie) == []


@pytest.mark.parametrize("who, code, space, words", [
    ("julie", "MOBURB", "Mon Compte", "donné par le rattachement"),
    ("paul", None, "Activité du gestionnaire", "gestionnaire principal"),
    ("julie", "MENINT", "Factures émises", "n'existe pas"),
])
def test_what_cannot_be_given_up(client, cookies, menuiserie, who, code, space, words):
    before = table_items()
    key = {"structure_id": menuiserie, "service_code": code, "space": space, "habilitation": MODIFICATION}
    response = send(client, "POST", "/account/subscriptions/delete", {"subscriptions": [key]}, cookie=cookies[who])
    assert response.status_code == 422, response.body
    assert words in next(iter(body(response)["fields"].values()))
    assert table_items() == before


def test_a_secondary_manager_who_gives_up_the_managers_space_reaches_no_manager_route(client, cookies, menuiserie):
    assert send(client, "GET", "/manager/requests", cookie=cookies["marc"]).status_code == 200
    key = {"structure_id": menuiserie, "service_code": None, "space": "Activité du gestionnaire",
           "habilitation": MODIFICATION}
    assert send(client, "POST", "/account/subscriptions/delete", {"subscriptions": [key]},
                cookie=cookies["marc"]).status_code == 200
    assert "Activité du gestionnaire" not in body(send(client, "GET", "/me", cookie=cookies["marc"]))["spaces"]
    assert send(client, "GET", "/manager/requests", cookie=cookies["marc"]).status_code == 403
    for path in (f"/structures/{menuiserie}/members", f"/structures/{menuiserie}/subscription-requests",
                 f"/structures/{menuiserie}/spaces"):
        assert send(client, "GET", path, cookie=cookies["marc"]).status_code == 403, path
    assert body(send(client, "GET", f"/structures/{menuiserie}", cookie=cookies["marc"]))["can_manage"] is False
    # Its own requests now wait for the principal manager, like anyone's.
    response = ask(client, cookies["marc"], menuiserie, space="Activité du gestionnaire")
    assert response.status_code == 422  # not a space one asks for: it comes with the role


# --- the spaces of a structure ------------------------------------------------------------------------------------

def test_a_space_set_on_the_structure_reaches_every_user_off_the_request_path(client, cookies, menuiserie, stream,
                                                                             dynamodb_calls):
    dynamodb_calls.clear()
    response = send(client, "POST", f"/structures/{menuiserie}/spaces",
                    {"space": "Sollicitations reçues", "habilitation": MODIFICATION}, cookie=cookies["paul"])
    assert response.status_code == 202, response.body
    # The answer does not grow with the structure: the session, the structure's partition, one transaction.
    assert dynamodb_calls == ["BatchGetItem", "Query", "TransactWriteItems"]
    assert pending(client, cookies["paul"], menuiserie) == []

    assert run_stream(stream) == {"profile_copies": 0, "structure_spaces": 3, "mails": 0}
    lists = {(r["first_name"], r["service_code"], r["origin"]) for r in pending(client, cookies["paul"], menuiserie)}
    # Julie is attached to one service: her list is for it; Marc's is for the whole structure; Paul's was granted.
    assert lists == {("Julie", "MOBURB", "STRUCTURE"), ("Marc", None, "STRUCTURE")}
    assert my_rows(client, cookies["paul"], menuiserie, "Sollicitations reçues") == {
        (None, "Sollicitations reçues", MODIFICATION): "VALIDE"}
    # A record delivered again writes nothing more.
    assert table_changes.handle([]) == {"profile_copies": 0, "structure_spaces": 0, "mails": 0}
    from chalicelib.services import subscriptions

    assert subscriptions.apply_structure_space(menuiserie, "Sollicitations reçues") == 0

    # The manager validates each user's list in one action.
    for user, code in ((JULIE, "MOBURB"), (MARC, None)):
        result = body(decide(client, cookies["paul"], menuiserie, "VALIDER",
                             [target(user, code, "Sollicitations reçues", MODIFICATION)]))["results"]
        assert [r["status"] for r in result] == ["VALIDE"]
    assert my_rows(client, cookies["julie"], menuiserie, "Sollicitations reçues") == {
        ("MOBURB", "Sollicitations reçues", MODIFICATION): "VALIDE"}

    # Taking it off says how many lose it, then revokes it for all of them.
    holders = send(client, "GET", f"/structures/{menuiserie}/spaces/holders?space=Sollicitations%20re%C3%A7ues",
                   cookie=cookies["paul"])
    assert body(holders) == {"space": "Sollicitations reçues", "users": 3}
    removal = send(client, "POST", f"/structures/{menuiserie}/spaces/remove", {"space": "Sollicitations reçues"},
                   cookie=cookies["paul"])
    assert removal.status_code == 202 and body(removal)["status"] == "RETIRE"
    assert run_stream(stream)["structure_spaces"] == 3
    for who in ("paul", "julie", "marc"):
        assert my_rows(client, cookies[who], menuiserie, "Sollicitations reçues") == {}, who
    # Nobody may ask for it any more.
    response = ask(client, cookies["julie"], menuiserie, space="Sollicitations reçues")
    assert response.status_code == 422 and "retiré de la structure" in next(iter(body(response)["fields"].values()))
    spaces = body(send(client, "GET", f"/structures/{menuiserie}/spaces", cookie=cookies["marc"]))["spaces"]
    assert {s["space"]: s["status"] for s in spaces}["Sollicitations reçues"] == "RETIRE"


def test_setting_a_space_again_is_idempotent_and_a_stale_setting_changes_nothing(client, cookies, menuiserie, stream):
    payload = {"space": "Factures reçues", "habilitation": CONSULTATION}
    for _ in range(2):
        assert send(client, "POST", f"/structures/{menuiserie}/spaces", payload,
                    cookie=cookies["paul"]).status_code == 202
    assert run_stream(stream)["structure_spaces"] == 3
    assert run_stream(stream)["structure_spaces"] == 0


# --- who may do what ----------------------------------------------------------------------------------------------

MANAGER_ROUTES = [
    ("GET", "/structures/{sid}/subscription-requests", None),
    ("POST", "/structures/{sid}/subscription-requests/decide",
     {"decision": "VALIDER", "requests": [{"user_id": "x", "service_code": None, "space": "Factures reçues",
                                           "habilitation": MODIFICATION}]}),
    ("GET", "/structures/{sid}/spaces", None),
    ("POST", "/structures/{sid}/spaces", {"space": "Factures reçues", "habilitation": MODIFICATION}),
    ("GET", "/structures/{sid}/spaces/holders?space=Factures%20re%C3%A7ues", None),
    ("POST", "/structures/{sid}/spaces/remove", {"space": "Factures reçues"}),
]


@pytest.mark.parametrize("method, path, payload", MANAGER_ROUTES)
def test_manager_routes_by_caller(client, cookies, menuiserie, method, path, payload):
    """User: refused; secondary acting as user: refused; secondary acting as manager and principal: allowed; manager
    of another structure: refused; no session: 401."""
    julie_secondary_as_user = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(JULIE)}/role",
                                   {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"},
                                   cookie=cookies["paul"])
    assert julie_secondary_as_user.status_code == 200
    url = path.format(sid=menuiserie)
    expected = {"julie": 403, "claire": 403, "marc": 200 if method == "GET" else None,
                "paul": 200 if method == "GET" else None}
    for who, status in expected.items():
        response = send(client, method, url, payload, cookie=cookies[who])
        if status is None:
            assert response.status_code in (200, 202), (who, response.body)
        else:
            assert response.status_code == status, (who, response.body)
    assert send(client, method, url, payload).status_code == 401


def test_user_routes_reach_only_ones_own_subscriptions(client, cookies, menuiserie):
    ask(client, cookies["julie"], menuiserie)
    before = table_items()
    key = {"structure_id": menuiserie, "service_code": "MOBURB", "space": "Factures reçues",
           "habilitation": CONSULTATION}
    # Claire cannot remove Julie's request: the key names no user, so it is looked up among Claire's own rows.
    response = send(client, "POST", "/account/subscriptions/delete", {"subscriptions": [key]}, cookie=cookies["claire"])
    assert response.status_code == 422
    assert table_items() == before
    unknown = dict(key, user_id=user_id(JULIE))
    response = send(client, "POST", "/account/subscriptions/delete", {"subscriptions": [unknown]},
                    cookie=cookies["claire"])
    assert response.status_code == 422 and list(body(response)["fields"]) == ["subscriptions.0.user_id"]
    # A manager of another structure cannot decide it.
    response = decide(client, cookies["claire"], menuiserie, "VALIDER",
                      [target(JULIE, "MOBURB", "Factures reçues", CONSULTATION)])
    assert response.status_code == 403
    assert table_items() == before


def test_the_navigation_follows_the_spaces_held(client, cookies):
    assert "Activité du gestionnaire" in body(send(client, "GET", "/me", cookie=cookies["paul"]))["spaces"]
    assert "Activité du gestionnaire" not in body(send(client, "GET", "/me", cookie=cookies["julie"]))["spaces"]
    account = body(send(client, "GET", "/account", cookie=cookies["julie"]))
    assert account["me"]["spaces"] == ["Accueil connecté", "Factures émises", "Sollicitations émises", "Mon Compte"]


# --- what follows a person's account ------------------------------------------------------------------------------

def test_a_pending_request_shows_the_name_its_requester_saves(client, cookies, menuiserie, stream):
    ask(client, cookies["julie"], menuiserie)
    from tests.api.conftest import update_payload

    account = body(send(client, "GET", "/account", cookie=cookies["julie"]))
    assert send(client, "PUT", "/account", update_payload(account, last_name="LEROY-MARTIN"),
                cookie=cookies["julie"]).status_code == 200
    run_stream(stream)
    (request,) = pending(client, cookies["paul"], menuiserie)
    assert request["last_name"] == "LEROY-MARTIN"


def test_deactivating_an_account_withdraws_its_pending_subscription_requests(client, cookies, menuiserie):
    ask(client, cookies["julie"], menuiserie)
    assert send(client, "POST", "/account/deactivation", {"successors": {}},
                cookie=cookies["julie"]).status_code == 204
    assert pending(client, cookies["paul"], menuiserie) == []
    from chalicelib.store import subscriptions

    statuses = {s.space: s.status for s in subscriptions.of_user(user_id(JULIE), menuiserie)}
    assert "Factures reçues" not in statuses and statuses["Factures émises"] == "VALIDE"  # kept for a reactivation
