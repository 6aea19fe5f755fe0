"""Structures and rattachements (guide §4) through the public routes."""

import csv
import io
import json
from datetime import timedelta

import pytest

from chalicelib.store import accounts
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items

PAUL, JULIE, MARC = "paul.dupont@menuiserie.fr", "julie.leroy@menuiserie.fr", "marc.petit@menuiserie.fr"
CLAIRE = "claire.martin@ebenisterie-martin.fr"
VALID_SIRET = "73282932000074"


def search(client, cookie, query):
    response = send(client, "GET", "/structures?" + query, cookie=cookie)
    return response


def structure_id(client, cookie, designation):
    items = body(search(client, cookie, "designation=" + designation))["items"]
    assert len(items) == 1, items
    return items[0]["structure_id"]


def user_id(login_name):
    return accounts.find_user_id(login_name)


# --- search -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("designation=*menuis*", ["Menuiserie Dupont"]),
    ("designation=menuis*", ["Menuiserie Dupont"]),
    ("designation=*NISTERIE*", ["Ébénisterie Martin"]),
    ("designation=ebenisterie", ["Ébénisterie Martin"]),
    ("designation=Dupont%20menuiserie", ["Menuiserie Dupont"]),
    ("designation=menuis", []),
    ("designation=*habitat", ["Rénovation Habitat"]),
    ("designation=*ovation*", ["Rénovation Habitat"]),
    ("identifier=12600591700516", ["Menuiserie Dupont"]),
    ("identifier=126%2A", ["Menuiserie Dupont"]),
    ("postal_code=96300", ["Menuiserie Dupont", "Rénovation Habitat"]),
    ("city=LYON", ["Ébénisterie Martin"]),
    ("city=ville*", ["Menuiserie Dupont", "Rénovation Habitat"]),
    ("postal_code=96300&designation=*habitat*", ["Rénovation Habitat"]),
    ("postal_code=96300&status=INACTIF", []),
    ("designation=*e*t*&structure_type=PRIVEE", None),
])
def test_search_matches_ignoring_case_and_accents(client, cookies, query, expected):
    response = search(client, cookies["julie"], query)
    if expected is None:
        assert response.status_code == 422
        return
    assert response.status_code == 200, response.body
    assert [row["designation"] for row in body(response)["items"]] == expected


def test_search_results_are_paged_five_by_default(client, cookies):
    for index in range(7):
        payload = structure_payload(f"Menuiserie Numéro {index}", siret=sirets()[index])
        assert send(client, "POST", "/structures", payload, cookie=cookies["claire"]).status_code == 201
    first = body(search(client, cookies["paul"], "designation=menuiserie"))
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (8, 1, 5, 5)
    second = body(search(client, cookies["paul"], "designation=menuiserie&page=2"))
    assert len(second["items"]) == 3
    assert {r["structure_id"] for r in first["items"]}.isdisjoint({r["structure_id"] for r in second["items"]})
    assert len(body(search(client, cookies["paul"], "designation=menuiserie&per_page=20"))["items"]) == 8


def test_search_reads_index_items_only_about_one_per_result(client, cookies, dynamodb_calls):
    dynamodb_calls.clear()
    assert len(body(search(client, cookies["julie"], "designation=*menuis*"))["items"]) == 1
    assert dynamodb_calls == ["GetItem", "Query", "Query"]


def test_reads_of_a_structure_cost_two_requests_with_the_session(client, cookies, dynamodb_calls):
    """The caller's own rattachement comes with the session, read from its item (strongly consistent) to authorize,
    never from an index."""
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    dynamodb_calls.clear()
    assert send(client, "GET", f"/structures/{sid}", cookie=cookies["claire"]).status_code == 200
    assert dynamodb_calls == ["BatchGetItem", "Query"]  # session and own rattachement, structure and services
    dynamodb_calls.clear()
    assert send(client, "GET", f"/structures/{sid}/members", cookie=cookies["claire"]).status_code == 200
    assert dynamodb_calls == ["BatchGetItem", "Query"]  # session and own rattachement, members index


@pytest.mark.parametrize("query, code, field", [
    ("", "search_needs_criterion", None),
    ("status=ACTIF&country=FR", "search_needs_criterion", None),
    ("designation=*me*", "validation_error", "designation"),
    ("identifier=*0516", "validation_error", "identifier"),
    ("per_page=0&designation=menuiserie", "validation_error", "per_page"),
    ("designation=menuiserie&sort=evil", "validation_error", "sort"),
    ("identifier_type=SIREN&designation=x", "validation_error", "identifier_type"),
])
def test_bad_searches_are_refused_with_a_clear_message(client, cookies, query, code, field):
    response = search(client, cookies["julie"], query)
    assert response.status_code == 422
    error = body(response)
    assert error["code"] == code
    assert error["message"]
    if field:
        assert field in error["fields"]


def test_csv_export_opens_in_a_french_spreadsheet(client, cookies):
    response = send(client, "GET", "/structures/export?postal_code=96300", cookie=cookies["julie"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="structures.csv"'
    assert response.body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Identifiant", "Type d'identifiant", "Raison sociale", "Libellé", "Type", "Statut",
                       "Code postal", "Ville", "Pays"]
    assert [r[2] for r in rows[1:]] == ["Menuiserie Dupont", "Rénovation Habitat"]
    assert rows[1][0] == "12600591700516"


def test_search_needs_a_session(client):
    assert search(client, None, "designation=menuiserie").status_code == 401


# --- creation -----------------------------------------------------------------------------------------------------

def sirets():
    from stdnum import luhn

    found = []
    for n in range(10):
        siren = f"5520{n:04d}"
        siren += luhn.calc_check_digit(siren)
        siret = siren + "0001"
        found.append(siret + luhn.calc_check_digit(siret))
    return found


def structure_payload(designation="Scierie du Jura", siret=VALID_SIRET, **changes):
    payload = {
        "identifier_type": "SIRET", "identifier": siret, "designation": designation, "label": None,
        "structure_type": "PRIVEE", "address": {"line1": "1 route des Sapins", "postal_code": "39000",
                                                "city": "Lons-le-Saunier", "country": "FR"},
        "services": [{"code": "sciage", "name": "Sciage"}, {"code": "LIVR", "name": "Livraison"}],
    }
    payload.update(changes)
    return payload


def test_the_creator_becomes_principal_manager_with_the_default_spaces(client, cookies):
    response = send(client, "POST", "/structures", structure_payload(), cookie=cookies["julie"])
    assert response.status_code == 201, response.body
    created = body(response)
    assert created["identifier"] == VALID_SIRET
    assert [s["code"] for s in created["services"]] == ["LIVR", "SCIAGE"]
    assert created["can_manage"] is True
    assert created["my_membership"]["role"] == "GESTIONNAIRE_PRINCIPAL"
    assert created["my_membership"]["status"] == "VALIDEE"
    account = body(send(client, "GET", "/account", cookie=cookies["julie"]))
    spaces = {s["space"] for s in account["subscriptions"] if s["designation"] == "Scierie du Jura"}
    assert spaces == {"Accueil connecté", "Activité du gestionnaire", "Factures émises", "Sollicitations émises",
                      "Mon Compte"}
    assert [r["designation"] for r in body(search(client, cookies["paul"], "designation=*scier*"))["items"]] == [
        "Scierie du Jura"]


def test_one_structure_per_identifier(client, cookies):
    assert send(client, "POST", "/structures", structure_payload(), cookie=cookies["julie"]).status_code == 201
    before = table_items()
    again = send(client, "POST", "/structures", structure_payload("Autre nom"), cookie=cookies["paul"])
    assert again.status_code == 409
    assert body(again)["code"] == "identifier_taken"
    assert "identifier" in body(again)["fields"]
    assert table_items() == before


@pytest.mark.parametrize("changes, field, fragment", [
    ({"identifier": "12600591700517"}, "identifier", "SIRET valide"),
    ({"identifier": "1234"}, "identifier", "SIRET valide"),
    ({"designation": ""}, "designation", "obligatoire"),
    ({"identifier_type": "PARTICULIER", "identifier": "JEAN-MARTIN-1"}, "last_name", "obligatoire"),
    ({"identifier_type": "UE_HORS_FRANCE", "identifier": "DE123"}, "identifier", "TVA"),
    ({"address": {"line1": "x", "postal_code": "390", "city": "Lons", "country": "FR"}}, "address.postal_code",
     "5 chiffres"),
    ({"services": [{"code": "A", "name": "Un"}, {"code": "a", "name": "Deux"}]}, "services.1.code", "déjà"),
    ({"services": [{"code": "A B", "name": "Un"}]}, "services.0.code", "Code du service"),
    ({"role": "GESTIONNAIRE_PRINCIPAL"}, "role", "n'est pas accepté"),
])
def test_bad_structures_are_refused_naming_the_field(client, cookies, changes, field, fragment):
    before = table_items()
    response = send(client, "POST", "/structures", structure_payload(**changes), cookie=cookies["julie"])
    assert response.status_code == 422, response.body
    assert fragment in body(response)["fields"][field]
    assert table_items() == before


def test_every_problem_of_the_creation_form_is_reported_at_once(client, cookies):
    """An empty choice is a missing field like the others: one answer names them all, not one pass per kind."""
    before = table_items()
    payload = structure_payload(structure_type="", identifier="1234", designation=" ",
                                address={"line1": "", "postal_code": "390", "city": "Lons", "country": "FR"})
    response = send(client, "POST", "/structures", payload, cookie=cookies["julie"])
    assert response.status_code == 422, response.body
    fields = body(response)["fields"]
    assert set(fields) == {"structure_type", "identifier", "designation", "address.line1", "address.postal_code"}
    assert fields["structure_type"] == "Le champ « Type » est obligatoire."
    no_type = send(client, "POST", "/structures", structure_payload(identifier_type=""), cookie=cookies["julie"])
    assert body(no_type)["fields"] == {"identifier_type": "Le champ « Type d'identifiant » est obligatoire."}
    assert table_items() == before


def test_other_identifier_types_are_checked_by_their_format(client, cookies):
    ok = structure_payload(identifier_type="UE_HORS_FRANCE", identifier="DE 136 695 976")
    response = send(client, "POST", "/structures", ok, cookie=cookies["julie"])
    assert response.status_code == 201, response.body
    assert body(response)["identifier"] == "DE136695976"


# --- requests and decisions ---------------------------------------------------------------------------------------

def request_payload(**changes):
    payload = {"valid_from": "2026-11-27", "valid_until": None, "comment": "Comptable de l'atelier",
               "services": ["ATELIER"]}
    payload.update(changes)
    return payload


def ask(client, cookie, sid, **changes):
    return send(client, "POST", f"/structures/{sid}/memberships", request_payload(**changes), cookie=cookie)


def test_a_request_waits_for_the_manager_who_is_mailed(client, cookies):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    response = ask(client, cookies["paul"], sid)
    assert response.status_code == 201, response.body
    row = body(response)
    assert (row["status"], row["role"], row["active"]) == ("EN_COURS_DE_VALIDATION", "UTILISATEUR", False)
    assert row["services"] == [{"code": "ATELIER", "name": "Atelier", "status": "EN_COURS_DE_VALIDATION",
                                "valid_from": "2026-11-27", "valid_until": None, "comment": None}]
    (mail,) = sent_mails()
    assert mail["To"] == "contact@ebenisterie-martin.fr"
    assert mail["Subject"] == "Demande de rattachement à Ébénisterie Martin"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Paul DUPONT (contact@menuiserie.fr)" in text and "27/11/2026" in text
    assert "Comptable de l&#39;atelier" in mail.get_body(preferencelist=("html",)).get_content()
    assert ask(client, cookies["paul"], sid).status_code == 409


def test_mails_follow_the_recipients_language(client, cookies):
    claire_account = body(send(client, "GET", "/account", cookie=cookies["claire"]))
    from tests.api.conftest import update_payload

    send(client, "PUT", "/account", update_payload(claire_account, language="EN"), cookie=cookies["claire"])
    ask(client, cookies["paul"], structure_id(client, cookies["paul"], "*ebenist*"))
    (mail,) = sent_mails()
    assert mail["Subject"] == "Request to join Ébénisterie Martin"


@pytest.mark.parametrize("changes, field", [
    ({"valid_from": "27/11/2026"}, "valid_from"),
    ({"valid_from": None}, "valid_from"),
    ({"valid_until": "2026-11-01"}, "valid_until"),
    ({"comment": "x" * 256}, "comment"),
    ({"services": ["NOPE"]}, "services"),
    ({"status": "VALIDEE"}, "status"),
])
def test_bad_requests_are_refused(client, cookies, changes, field):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    before = table_items()
    response = ask(client, cookies["paul"], sid, **changes)
    assert response.status_code == 422, response.body
    assert field in body(response)["fields"]
    assert table_items() == before
    assert sent_mails() == []


def decide(client, cookie, decision, targets, reason=None):
    payload = {"decision": decision, "reason": reason, "requests": targets}
    return send(client, "POST", "/manager/requests/decide", payload, cookie=cookie)


def test_the_manager_validates_and_the_user_gets_the_default_spaces(client, cookies, dynamodb_calls):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    ask(client, cookies["paul"], sid)
    dynamodb_calls.clear()
    pending = body(send(client, "GET", "/manager/requests", cookie=cookies["claire"]))
    assert dynamodb_calls == ["GetItem", "Query"]  # session; own rattachements and the requests waiting for it
    assert [(r["first_name"], r["last_name"], r["designation"]) for r in pending["requests"]] == [
        ("Paul", "DUPONT", "Ébénisterie Martin")]
    result = body(decide(client, cookies["claire"], "VALIDER", [{"structure_id": sid, "user_id": user_id(PAUL)}]))
    assert result["results"] == [{"structure_id": sid, "user_id": user_id(PAUL), "status": "VALIDEE", "error": None}]
    account = body(send(client, "GET", "/account", cookie=cookies["paul"]))
    row = next(m for m in account["memberships"] if m["structure_id"] == sid)
    assert (row["status"], row["active"]) == ("VALIDEE", True)
    spaces = {(s["service"], s["space"]) for s in account["subscriptions"] if s["structure_id"] == sid}
    assert spaces == {("Atelier", s) for s in ("Accueil connecté", "Factures émises", "Sollicitations émises",
                                               "Mon Compte")}
    assert sent_mails()[-1]["Subject"] == "Votre rattachement à Ébénisterie Martin est validé"
    again = body(decide(client, cookies["claire"], "REFUSER", [{"structure_id": sid, "user_id": user_id(PAUL)}]))
    assert again["results"][0]["status"] is None
    assert "plus en attente" in again["results"][0]["error"]


def test_a_refusal_carries_its_reason_and_the_user_may_ask_again(client, cookies):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    ask(client, cookies["paul"], sid)
    decide(client, cookies["claire"], "REFUSER", [{"structure_id": sid, "user_id": user_id(PAUL)}],
           reason="Inconnu <b>ici</b>")
    mail = sent_mails()[-1]
    assert mail["Subject"] == "Votre demande de rattachement à Ébénisterie Martin est refusée"
    assert "Inconnu &lt;b&gt;ici&lt;/b&gt;" in mail.get_body(preferencelist=("html",)).get_content()
    row = next(m for m in body(send(client, "GET", "/account", cookie=cookies["paul"]))["memberships"]
               if m["structure_id"] == sid)
    assert (row["status"], row["decision_reason"]) == ("REFUSEE", "Inconnu <b>ici</b>")
    assert ask(client, cookies["paul"], sid).status_code == 201


def test_several_requests_are_decided_at_once_each_on_its_own(client, cookies, dynamodb_calls):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    ask(client, cookies["paul"], sid)
    ask(client, cookies["julie"], sid, services=[])
    targets = [{"structure_id": sid, "user_id": user_id(PAUL)}, {"structure_id": sid, "user_id": user_id(JULIE)},
               {"structure_id": sid, "user_id": user_id(MARC)}]
    dynamodb_calls.clear()
    results = body(decide(client, cookies["claire"], "VALIDER", targets))["results"]
    assert [r["status"] for r in results] == ["VALIDEE", "VALIDEE", None]
    # The session, each request, each author's account, and the structure once for both of its decisions.
    assert dynamodb_calls.count("GetItem") == 1 + 3 + 2 + 1
    julie = body(send(client, "GET", "/account", cookie=cookies["julie"]))
    assert {s["service"] for s in julie["subscriptions"] if s["structure_id"] == sid} == {None}


def test_a_secondary_manager_acting_as_manager_decides_too(client, cookies):
    sid = structure_id(client, cookies["paul"], "menuiserie")
    ask(client, cookies["claire"], sid, services=["MOBURB"])
    results = body(decide(client, cookies["marc"], "VALIDER", [{"structure_id": sid, "user_id": user_id(CLAIRE)}]))
    assert results["results"][0]["status"] == "VALIDEE"


# --- leaving and the transfer of the principal role ---------------------------------------------------------------

def leave(client, cookie, sid, successor=None):
    payload = {"successor_user_id": successor} if successor else {}
    return send(client, "POST", f"/memberships/{sid}/delete", payload, cookie=cookie)


def test_a_user_leaves_with_its_subscriptions(client, cookies):
    sid = structure_id(client, cookies["paul"], "menuiserie")
    response = leave(client, cookies["julie"], sid)
    assert response.status_code == 200
    assert body(response)["status"] == "SUPPRIMEE"
    account = body(send(client, "GET", "/account", cookie=cookies["julie"]))
    assert account["memberships"] == [] and account["subscriptions"] == []
    assert leave(client, cookies["julie"], sid).status_code == 404


def test_a_principal_must_name_a_successor_and_stays_as_a_user(client, cookies):
    sid = structure_id(client, cookies["paul"], "menuiserie")
    refused = leave(client, cookies["paul"], sid)
    assert (refused.status_code, body(refused)["code"]) == (409, "successor_required")
    candidates = body(send(client, "GET", f"/structures/{sid}/members?q=petit&status=VALIDEE",
                           cookie=cookies["paul"]))["members"]
    assert [(m["first_name"], m["role"]) for m in candidates] == [("Marc", "GESTIONNAIRE_SECONDAIRE")]
    by_address = body(send(client, "GET", f"/structures/{sid}/members?q=rue%20du%20bois&status=VALIDEE",
                           cookie=cookies["paul"]))["members"]
    assert {m["first_name"] for m in by_address} == {"Paul", "Julie", "Marc"}
    outsider = leave(client, cookies["paul"], sid, successor=user_id(CLAIRE))
    assert outsider.status_code == 422
    response = leave(client, cookies["paul"], sid, successor=user_id(JULIE))
    assert response.status_code == 200, response.body
    assert (body(response)["role"], body(response)["status"]) == ("UTILISATEUR", "VALIDEE")
    julie = body(send(client, "GET", f"/structures/{sid}", cookie=cookies["julie"]))
    assert (julie["my_membership"]["role"], julie["can_manage"]) == ("GESTIONNAIRE_PRINCIPAL", True)
    assert body(send(client, "GET", f"/structures/{sid}", cookie=cookies["paul"]))["can_manage"] is False


def test_a_principal_alone_is_told_why_it_cannot_leave(client, cookies):
    sid = structure_id(client, cookies["paul"], "*habitat*")
    response = leave(client, cookies["paul"], sid, successor=user_id(JULIE))
    assert response.status_code == 409
    assert body(response)["code"] == "sole_principal"
    assert "seul utilisateur actif" in body(response)["message"]


def test_two_concurrent_transfers_one_wins_the_other_gets_409(client, cookies):
    from chalicelib.domain.errors import ConcurrentChange
    from chalicelib.store import memberships, structures

    sid = structure_id(client, cookies["paul"], "menuiserie")
    structure = structures.get_structure(sid)
    former = memberships.get_membership(user_id(PAUL), sid)
    to_julie, to_marc = (memberships.get_membership(user_id(JULIE), sid),
                         memberships.get_membership(user_id(MARC), sid))
    memberships.transfer_principal(structure, former, to_julie, ("Activité du gestionnaire",), "MODIFICATION", [])
    with pytest.raises(ConcurrentChange):
        memberships.transfer_principal(structure, former, to_marc, ("Activité du gestionnaire",), "MODIFICATION", [])
    principals = [m for m in memberships.members(sid) if m.role == "GESTIONNAIRE_PRINCIPAL"]
    assert [m.user_id for m in principals] == [user_id(JULIE)]
    assert structures.get_structure(sid).principal_user_id == user_id(JULIE)


def test_the_loser_of_a_concurrent_transfer_gets_409_and_nothing_changes(client, cookies, monkeypatch):
    from chalicelib.store import memberships, structures

    sid = structure_id(client, cookies["paul"], "menuiserie")
    original = memberships.transfer_principal

    def racing(structure, former, successor, spaces, habilitation, pending, **events):
        # Another tab of the same manager transfers to Marc between our reads and our write.
        original(structures.get_structure(sid), memberships.get_membership(former.user_id, sid),
                 memberships.get_membership(user_id(MARC), sid), spaces, habilitation, pending)
        return original(structure, former, successor, spaces, habilitation, pending, **events)

    monkeypatch.setattr(memberships, "transfer_principal", racing)
    response = leave(client, cookies["paul"], sid, successor=user_id(JULIE))
    assert response.status_code == 409
    assert body(response)["code"] == "concurrent_change"
    principals = [m.user_id for m in memberships.members(sid) if m.role == "GESTIONNAIRE_PRINCIPAL"]
    assert principals == [user_id(MARC)]
    assert not [i for i in table_items() if i["pk"]["S"].startswith("HISTORY#")]  # the loser's events went with it


# --- roles, attachments by a manager, validity dates ---------------------------------------------------------------

def test_the_principal_names_a_secondary_manager_and_its_scope(client, cookies):
    sid = structure_id(client, cookies["paul"], "menuiserie")
    path = f"/structures/{sid}/members/{user_id(JULIE)}/role"
    missing_scope = send(client, "POST", path, {"role": "GESTIONNAIRE_SECONDAIRE"}, cookie=cookies["paul"])
    assert missing_scope.status_code == 422
    response = send(client, "POST", path, {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"},
                    cookie=cookies["paul"])
    assert response.status_code == 200, response.body
    assert body(send(client, "GET", f"/structures/{sid}", cookie=cookies["julie"]))["can_manage"] is True
    spaces = {s["space"] for s in body(send(client, "GET", "/account", cookie=cookies["julie"]))["subscriptions"]}
    assert "Activité du gestionnaire" in spaces
    send(client, "POST", path, {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"},
         cookie=cookies["paul"])
    assert body(send(client, "GET", f"/structures/{sid}", cookie=cookies["julie"]))["can_manage"] is False
    by_secondary = send(client, "POST", f"/structures/{sid}/members/{user_id(JULIE)}/role", {"role": "UTILISATEUR"},
                        cookie=cookies["marc"])
    assert by_secondary.status_code == 403


def test_a_manager_attaches_a_user_on_its_own_initiative(client, cookies):
    sid = structure_id(client, cookies["paul"], "*habitat*")
    payload = {"login": JULIE.upper(), "services": [], "valid_from": "2026-11-27", "valid_until": None}
    response = send(client, "POST", f"/structures/{sid}/members", payload, cookie=cookies["paul"])
    assert response.status_code == 201, response.body
    assert body(response)["status"] == "VALIDEE"
    unknown = send(client, "POST", f"/structures/{sid}/members", {**payload, "login": "x@y.fr"},
                   cookie=cookies["paul"])
    assert (unknown.status_code, body(unknown)["code"]) == (404, "user_not_found")
    assert send(client, "POST", f"/structures/{sid}/members", payload, cookie=cookies["paul"]).status_code == 409


def test_validity_dates_give_access_only_between_them(client, cookies, frozen_clock):
    sid = structure_id(client, cookies["paul"], "*habitat*")
    payload = {"login": MARC, "services": [], "valid_from": "2026-12-01", "valid_until": "2026-12-31"}
    send(client, "POST", f"/structures/{sid}/members", payload, cookie=cookies["paul"])
    path = f"/structures/{sid}/members/{user_id(MARC)}/role"
    send(client, "POST", path, {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"},
         cookie=cookies["paul"])
    row = lambda: next(m for m in body(send(client, "GET", "/account", cookie=cookies["marc"]))["memberships"]  # noqa: E731
                       if m["structure_id"] == sid)
    assert row()["active"] is False
    assert send(client, "GET", f"/structures/{sid}/members", cookie=cookies["marc"]).status_code == 403
    frozen_clock.set_now(NOW + timedelta(days=10))
    cookies["marc"] = login(client, MARC)
    assert row()["active"] is True
    assert send(client, "GET", f"/structures/{sid}/members", cookie=cookies["marc"]).status_code == 200
    frozen_clock.set_now(NOW + timedelta(days=40))
    cookies["marc"] = login(client, MARC)
    assert row()["active"] is False
    assert send(client, "GET", f"/structures/{sid}/members", cookie=cookies["marc"]).status_code == 403


def test_structure_details_are_public_to_logged_in_users_and_404_when_unknown(client, cookies):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    detail = body(send(client, "GET", f"/structures/{sid}", cookie=cookies["julie"]))
    assert (detail["designation"], detail["my_membership"], detail["can_manage"]) == ("Ébénisterie Martin", None, False)
    assert [s["name"] for s in detail["services"]] == ["Atelier", "Pose"]
    assert send(client, "GET", "/structures/" + "0" * 32, cookie=cookies["julie"]).status_code == 404
    assert send(client, "GET", f"/structures/{sid}", cookie=None).status_code == 401


def test_request_bodies_are_json_objects(client, cookies):
    sid = structure_id(client, cookies["paul"], "*ebenist*")
    response = client.http.post(f"/structures/{sid}/memberships", body=json.dumps([1]),
                                headers={"Content-Type": "application/json", "X-Requested-With": "fetch",
                                         "Cookie": cookies["paul"]})
    assert response.status_code == 422
