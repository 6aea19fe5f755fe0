"""« Consulter / modifier la structure » (guide §4) through the public routes: the managers edit the structure's address
and contact details, add, rename and deactivate services, and end a member's rattachement (« Activité du
gestionnaire »). Everyone else is refused, and nothing changes when a request is refused."""

import pytest

from tests.api.conftest import body, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, ask, structure_id, user_id


def detail(client, cookie, sid):
    response = send(client, "GET", f"/structures/{sid}", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)


def edit_payload(structure, **changes):
    """What « Valider » of the edit form sends, from what GET /structures/{id} returned."""
    address = {key: structure["address"][key] for key in ("line1", "line2", "postal_code", "city", "country")}
    payload = {"version": structure["version"], "address": address, "contact_email": structure["contact_email"],
               "phone": structure["phone"]}
    for key, value in changes.items():
        if key.startswith("address_"):
            address[key[len("address_"):]] = value
        else:
            payload[key] = value
    return payload


def edit(client, cookie, sid, payload, **headers):
    return send(client, "PUT", f"/structures/{sid}", payload, cookie=cookie, headers=headers or None)


def search_rows(client, cookie, query):
    response = send(client, "GET", "/structures?" + query, cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)["items"]


def account(client, cookie):
    return body(send(client, "GET", "/account", cookie=cookie))


def memberships_of(client, cookie):
    return {m["designation"]: m for m in account(client, cookie)["memberships"]}


def subscriptions_of(client, cookie, designation):
    return sorted((s["service"] or "", s["space"], s["habilitation"]) for s in account(client, cookie)["subscriptions"]
                  if s["designation"] == designation)


# --- the structure's record -----------------------------------------------------------------------------------------

def test_the_principal_edits_the_address_and_contact_details_and_everyone_sees_them(client, cookies, menuiserie):
    read = detail(client, cookies["paul"], menuiserie)
    assert (read["contact_email"], read["phone"], read["version"], read["can_manage"]) == (None, None, 1, True)
    response = edit(client, cookies["paul"], menuiserie, edit_payload(
        read, address_line1="4 allée des Chênes", address_line2="Bâtiment B", address_postal_code="21000",
        address_city="Dijon", contact_email="Accueil@Menuiserie.FR", phone="03 80 12 34 56"))
    assert response.status_code == 200, response.body
    saved = body(response)
    assert saved["address"] == {"line1": "4 allée des Chênes", "line2": "Bâtiment B", "postal_code": "21000",
                                "city": "Dijon", "country": "FR"}
    # The address's domain is lower-cased; the phone is read as a French number and shown in international format.
    assert (saved["contact_email"], saved["phone"], saved["version"]) == ("Accueil@menuiserie.fr",
                                                                          "+33 3 80 12 34 56", 2)
    assert (saved["identifier"], saved["designation"], saved["identifier_type"]) == (
        read["identifier"], read["designation"], read["identifier_type"])
    seen_by_julie = detail(client, cookies["julie"], menuiserie)
    assert seen_by_julie["address"] == saved["address"] and seen_by_julie["phone"] == "+33 3 80 12 34 56"
    assert seen_by_julie["can_manage"] is False


def test_the_search_index_follows_the_new_postal_code_and_city(client, cookies, menuiserie):
    read = detail(client, cookies["paul"], menuiserie)
    assert edit(client, cookies["paul"], menuiserie, edit_payload(
        read, address_postal_code="21000", address_city="Dijon")).status_code == 200
    assert [r["designation"] for r in search_rows(client, cookies["julie"], "postal_code=21000")] == [
        "Menuiserie Dupont"]
    assert [r["designation"] for r in search_rows(client, cookies["julie"], "postal_code=96300")] == [
        "Rénovation Habitat"]
    assert [r["designation"] for r in search_rows(client, cookies["julie"], "city=dijon")] == ["Menuiserie Dupont"]
    assert [r["designation"] for r in search_rows(client, cookies["julie"], "city=*illeneu*")] == [
        "Rénovation Habitat"]
    # A line found by another field carries the new values too: no stale copy is left in the index.
    (row,) = search_rows(client, cookies["julie"], "designation=*menuis*")
    assert (row["postal_code"], row["city"]) == ("21000", "Dijon")
    stale = [item for item in table_items() if item["sk"]["S"].endswith("#" + menuiserie)
             and item["pk"]["S"].startswith(("IX#", "IS#")) and item.get("city", {}).get("S") != "Dijon"]
    assert stale == []


def test_an_edit_costs_three_requests_and_a_batch_when_the_index_must_follow(client, cookies, menuiserie,
                                                                             dynamodb_calls):
    read = detail(client, cookies["paul"], menuiserie)
    dynamodb_calls.clear()
    assert edit(client, cookies["paul"], menuiserie, edit_payload(read, address_line1="5 rue du bois",
                                                                  phone="+33392357895")).status_code == 200
    # Session and own rattachement; the structure and its services; the conditioned write. Nothing indexed changed.
    assert dynamodb_calls == ["BatchGetItem", "Query", "TransactWriteItems"]
    read = detail(client, cookies["paul"], menuiserie)
    dynamodb_calls.clear()
    assert edit(client, cookies["paul"], menuiserie, edit_payload(read, address_city="Dijon",
                                                                  address_postal_code="21000")).status_code == 200
    # Every index item of the structure carries its postal code and city: its 26 to 50 items (words of its
    # designation, identifier, postal code and city, and their inner suffixes) are written again, 25 a batch.
    assert dynamodb_calls == ["BatchGetItem", "Query", "TransactWriteItems", "BatchWriteItem", "BatchWriteItem"]


def test_a_stale_edit_answers_409_and_overwrites_nothing(client, cookies, menuiserie):
    paul_read = detail(client, cookies["paul"], menuiserie)
    marc_read = detail(client, cookies["marc"], menuiserie)
    assert edit(client, cookies["marc"], menuiserie, edit_payload(marc_read, address_city="Dijon",
                                                                  address_postal_code="21000")).status_code == 200
    before = table_items()
    late = edit(client, cookies["paul"], menuiserie, edit_payload(paul_read, address_line1="1 place Stanislas"),
                **{"Accept-Language": "fr"})
    assert late.status_code == 409, late.body
    assert body(late)["code"] == "structure_version_conflict"
    assert "modifiée entre-temps" in body(late)["message"] and "rien n'a été écrasé" in body(late)["message"]
    assert table_items() == before
    assert detail(client, cookies["paul"], menuiserie)["address"]["city"] == "Dijon"


@pytest.mark.parametrize("changes, field, fragment", [
    ({"designation": "Autre nom"}, "designation", "n'est pas accepté"),
    ({"identifier": "73282932000074"}, "identifier", "n'est pas accepté"),
    ({"status": "INACTIF"}, "status", "n'est pas accepté"),
    ({"version": "1"}, "version", "format"),
    ({"phone": 33392357895}, "phone", "format"),
    ({"address_city": "V" * 101}, "address.city", "100 caractères"),
    ({"contact_email": "x" * 250 + "@a.fr"}, "contact_email", "254 caractères"),
    ({"address_country": "ZZ"}, "address.country", "pays de la liste"),
    ({"address_postal_code": "2100"}, "address.postal_code", "5 chiffres"),
    ({"address_line1": ""}, "address.line1", "obligatoire"),
    ({"address_city": "   "}, "address.city", "obligatoire"),
    ({"contact_email": "accueil@"}, "contact_email", "adresse électronique valide"),
    ({"phone": "12"}, "phone", "numéro valide"),
    ({"address_city": "Dijon\u202e"}, "address.city", "non autorisés"),
])
def test_bad_edits_are_refused_naming_the_field_and_nothing_is_stored(client, cookies, menuiserie, changes, field,
                                                                      fragment):
    payload = edit_payload(detail(client, cookies["paul"], menuiserie), **changes)
    before = table_items()
    response = edit(client, cookies["paul"], menuiserie, payload)
    assert response.status_code == 422, response.body
    assert field in body(response)["fields"], body(response)
    assert fragment in body(response)["fields"][field]
    assert table_items() == before


def test_a_structure_abroad_keeps_a_foreign_phone_and_postal_code(client, cookies, menuiserie):
    payload = edit_payload(detail(client, cookies["paul"], menuiserie), address_country="BE",
                           address_postal_code="1000", address_city="Bruxelles", phone="02 511 11 11")
    saved = body(edit(client, cookies["paul"], menuiserie, payload))
    assert (saved["address"]["country"], saved["phone"]) == ("BE", "+32 2 511 11 11")


# --- services -------------------------------------------------------------------------------------------------------

def add_service(client, cookie, sid, code, name):
    return send(client, "POST", f"/structures/{sid}/services", {"code": code, "name": name}, cookie=cookie)


def service_names(client, cookie, sid):
    return {s["code"]: s["name"] for s in detail(client, cookie, sid)["services"]}


def test_a_manager_adds_a_service_that_the_request_form_then_offers(client, cookies, menuiserie):
    response = add_service(client, cookies["marc"], menuiserie, "escal", "Escaliers")
    assert response.status_code == 201, response.body
    assert body(response) == {"code": "ESCAL", "name": "Escaliers"}
    assert service_names(client, cookies["claire"], menuiserie)["ESCAL"] == "Escaliers"
    assert ask(client, cookies["claire"], menuiserie, services=["ESCAL"]).status_code == 201


@pytest.mark.parametrize("payload, field, fragment", [
    ({"code": "moburb", "name": "Autre mobilier"}, "code", "déjà utilisé"),
    ({"code": "MO BURB", "name": "Mobilier"}, "code", "format"),
    ({"code": "X" * 21, "name": "Mobilier"}, "code", "format"),
    ({"code": "ESCAL", "name": ""}, "name", "obligatoire"),
    ({"code": "ESCAL", "name": "E" * 101}, "name", "100 caractères"),
    ({"code": "ESCAL", "name": "Escaliers", "active": False}, "active", "n'est pas accepté"),
    ({"code": 12, "name": "Escaliers"}, "code", "format"),
])
def test_bad_services_are_refused_naming_the_field(client, cookies, menuiserie, payload, field, fragment):
    before = table_items()
    response = send(client, "POST", f"/structures/{menuiserie}/services", payload, cookie=cookies["paul"])
    assert response.status_code == 422, response.body
    assert fragment in body(response)["fields"][field], body(response)
    assert table_items() == before


def test_a_renamed_service_shows_its_new_name_everywhere(client, cookies, menuiserie):
    response = send(client, "PUT", f"/structures/{menuiserie}/services/MOBURB", {"name": "Mobilier de ville"},
                    cookie=cookies["paul"])
    assert response.status_code == 200, response.body
    assert body(response) == {"code": "MOBURB", "name": "Mobilier de ville"}
    assert service_names(client, cookies["julie"], menuiserie)["MOBURB"] == "Mobilier de ville"
    # The copies « Mon Compte » reads: Julie's rattachement and her subscriptions, Paul's subscriptions.
    julie = account(client, cookies["julie"])
    assert [(s["code"], s["name"]) for s in julie["memberships"][0]["services"]] == [("MOBURB", "Mobilier de ville")]
    assert {s["service"] for s in julie["subscriptions"]} == {"Mobilier de ville"}
    assert "Mobilier urbain" not in {s["service"] for s in account(client, cookies["paul"])["subscriptions"]}
    unknown = send(client, "PUT", f"/structures/{menuiserie}/services/NOPE", {"name": "X"}, cookie=cookies["paul"])
    assert unknown.status_code == 404


def impact(client, cookie, sid, code):
    return send(client, "GET", f"/structures/{sid}/services/{code}/deactivation", cookie=cookie)


def deactivate(client, cookie, sid, code):
    return send(client, "POST", f"/structures/{sid}/services/{code}/deactivation", {}, cookie=cookie)


def test_the_confirmation_counts_the_users_concerned_in_two_requests(client, cookies, menuiserie, dynamodb_calls):
    dynamodb_calls.clear()
    response = impact(client, cookies["paul"], menuiserie, "MOBURB")
    assert dynamodb_calls == ["BatchGetItem", "Query"]  # session and own rattachement; the structure's subscriptions
    # Julie (rattachement limited to « Mobilier urbain », 4 default spaces) and Paul (2 spaces of the guide's table).
    assert body(response) == {"code": "MOBURB", "users": 2, "subscriptions": 6}
    assert body(impact(client, cookies["paul"], menuiserie, "menint")) == {"code": "MENINT", "users": 0,
                                                                          "subscriptions": 0}


def test_deactivating_a_service_ends_the_links_limited_to_it_and_revokes_its_subscriptions(client, cookies,
                                                                                          menuiserie):
    # Claire asks for two services, Marc (attached to the whole structure) holds nothing on MOBURB.
    assert ask(client, cookies["claire"], menuiserie, services=["MOBURB", "MENINT"]).status_code == 201
    paul_before = subscriptions_of(client, cookies["paul"], "Menuiserie Dupont")
    response = deactivate(client, cookies["paul"], menuiserie, "MOBURB")
    assert response.status_code == 200, response.body
    assert body(response) == {"code": "MOBURB", "name": "Mobilier urbain", "active": False, "users": 3,
                              "memberships_ended": 1, "memberships_changed": 1, "subscriptions_revoked": 2}
    # Julie's link was limited to MOBURB only: it ended, with its subscriptions (its own 4 went with it).
    assert "Menuiserie Dupont" not in memberships_of(client, cookies["julie"])
    assert subscriptions_of(client, cookies["julie"], "Menuiserie Dupont") == []
    # Claire's pending request keeps MENINT, and so does the copy Paul decides from.
    kept = memberships_of(client, cookies["claire"])["Menuiserie Dupont"]["services"]
    assert [(s["code"], s["name"], s["status"]) for s in kept] == [
        ("MENINT", "Menuiseries Intérieures", "EN_COURS_DE_VALIDATION")]
    (pending,) = body(send(client, "GET", "/manager/requests", cookie=cookies["paul"]))["requests"]
    assert [(s["code"], s["status"]) for s in pending["services"]] == [("MENINT", "EN_COURS_DE_VALIDATION")]
    # Paul keeps the whole structure and his MEUBLES subscriptions, not the MOBURB ones.
    assert subscriptions_of(client, cookies["paul"], "Menuiserie Dupont") == [
        row for row in paul_before if row[0] != "Mobilier urbain"]
    # The service is gone from the structure's page and from what the request form accepts.
    assert "MOBURB" not in service_names(client, cookies["claire"], menuiserie)
    refused = ask(client, cookies["julie"], menuiserie, services=["MOBURB"])
    assert refused.status_code == 422 and "services" in body(refused)["fields"]
    assert body(impact(client, cookies["paul"], menuiserie, "MOBURB"))["users"] == 0
    # Its code stays taken.
    assert add_service(client, cookies["paul"], menuiserie, "MOBURB", "Mobilier urbain").status_code == 422


def test_a_second_confirmation_finishes_the_work_and_changes_nothing_more(client, cookies, menuiserie):
    assert deactivate(client, cookies["paul"], menuiserie, "MOBURB").status_code == 200
    before = table_items()
    again = deactivate(client, cookies["paul"], menuiserie, "MOBURB")
    assert again.status_code == 200
    assert body(again)["users"] == 0 and body(again)["subscriptions_revoked"] == 0
    assert table_items() == before
    assert deactivate(client, cookies["paul"], menuiserie, "NOPE").status_code == 404


def test_a_principal_limited_to_the_service_keeps_the_structure(client, cookies, menuiserie):
    """A principal manager whose link is limited to the deactivated service (it took over from someone) is widened to
    the whole structure: a structure always has its principal manager."""
    renovation = structure_id(client, cookies["paul"], "*habitat*")
    assert add_service(client, cookies["paul"], renovation, "TOIT", "Toitures").status_code == 201
    attached = send(client, "POST", f"/structures/{renovation}/members",
                    {"login": JULIE, "services": ["TOIT"], "valid_from": "2026-11-27"}, cookie=cookies["paul"])
    assert attached.status_code == 201, attached.body
    handed = send(client, "POST", f"/memberships/{renovation}/delete", {"successor_user_id": user_id(JULIE)},
                  cookie=cookies["paul"])
    assert handed.status_code == 200, handed.body
    assert deactivate(client, cookies["julie"], renovation, "TOIT").status_code == 200
    julie = memberships_of(client, cookies["julie"])["Rénovation Habitat"]
    assert (julie["role"], julie["status"], julie["services"]) == ("GESTIONNAIRE_PRINCIPAL", "VALIDEE", [])


# --- members --------------------------------------------------------------------------------------------------------

def end(client, cookie, sid, uid, **headers):
    return send(client, "POST", f"/structures/{sid}/members/{uid}/delete", {}, cookie=cookie, headers=headers or None)


def test_a_manager_ends_a_members_rattachement_and_the_member_is_mailed(client, cookies, menuiserie):
    response = end(client, cookies["marc"], menuiserie, user_id(JULIE))
    assert response.status_code == 200, response.body
    assert (body(response)["status"], body(response)["user_id"]) == ("SUPPRIMEE", user_id(JULIE))
    assert "Menuiserie Dupont" not in memberships_of(client, cookies["julie"])
    assert subscriptions_of(client, cookies["julie"], "Menuiserie Dupont") == []
    members = body(send(client, "GET", f"/structures/{menuiserie}/members", cookie=cookies["paul"]))["members"]
    assert user_id(JULIE) not in {m["user_id"] for m in members}
    (mail,) = sent_mails()
    assert mail["To"] == "julie.leroy@menuiserie.fr"
    assert mail["Subject"] == "Votre rattachement à Menuiserie Dupont a pris fin"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "a supprimé votre rattachement" in text and "12600591700516" in text
    # She may ask again, as after leaving.
    assert ask(client, cookies["julie"], menuiserie, services=["MOBURB"]).status_code == 201
    again = end(client, cookies["paul"], menuiserie, user_id(JULIE))
    assert again.status_code == 409  # a pending request is decided, not ended


def test_the_mail_follows_the_members_language(client, cookies, menuiserie):
    from tests.api.conftest import update_payload

    julie = account(client, cookies["julie"])
    assert send(client, "PUT", "/account", update_payload(julie, language="EN"), cookie=cookies["julie"]).status_code \
        == 200
    assert end(client, cookies["paul"], menuiserie, user_id(JULIE)).status_code == 200
    (mail,) = sent_mails()
    assert mail["Subject"] == "Your link to Menuiserie Dupont has ended"


def test_the_principals_own_link_is_handed_over_not_ended(client, cookies, menuiserie):
    before = table_items()
    for cookie in (cookies["paul"], cookies["marc"]):
        response = end(client, cookie, menuiserie, user_id(PAUL))
        assert response.status_code == 409, response.body
        assert body(response)["code"] == "principal_needs_successor"
        assert "nouveau gestionnaire principal" in body(response)["message"]
    assert table_items() == before
    assert sent_mails() == []
    assert end(client, cookies["paul"], menuiserie, user_id(CLAIRE)).status_code == 404  # not a member
    assert end(client, cookies["paul"], menuiserie, "unknown").status_code == 404
    assert table_items() == before


# --- who may ----------------------------------------------------------------------------------------------------------

ACTORS = ("anonymous", "user", "secondary_user", "other_principal", "secondary_manager", "principal")
ALLOWED = {"secondary_manager", "principal"}


def routes(sid):
    """(method, path, body, expected status when allowed) of every route of a structure's managers."""
    return [
        ("GET", f"/structures/{sid}/services/MOBURB/deactivation", None, 200),
        ("PUT", f"/structures/{sid}/services/MENINT", {"name": "Menuiserie intérieure"}, 200),
        ("POST", f"/structures/{sid}/services", {"code": "NEW", "name": "Nouveau"}, 201),
        ("PUT", f"/structures/{sid}", None, 200),  # the body is built from the record as read
        ("POST", f"/structures/{sid}/members/{user_id(JULIE)}/delete", {}, 200),
        ("POST", f"/structures/{sid}/services/MEUBLES/deactivation", {}, 200),
    ]


def actor_cookie(client, actor, sid):
    if actor == "anonymous":
        return None
    if actor == "secondary_user":
        made = send(client, "POST", f"/structures/{sid}/members/{user_id(MARC)}/role",
                    {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"}, cookie=login(client, PAUL))
        assert made.status_code == 200, made.body
        return login(client, MARC)
    return login(client, {"user": JULIE, "other_principal": CLAIRE, "secondary_manager": MARC,
                          "principal": PAUL}[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_structures_managers_reach_its_administration(client, actor, menuiserie):
    cookie = actor_cookie(client, actor, menuiserie)
    paul = login(client, PAUL)
    for method, path, payload, allowed_status in routes(menuiserie):
        if path == f"/structures/{menuiserie}":
            payload = edit_payload(detail(client, paul, menuiserie), address_line1="2 rue du bois")
        before, mails = table_items(), len(sent_mails())
        response = send(client, method, path, payload, cookie=cookie)
        if actor in ALLOWED:
            assert response.status_code == allowed_status, (actor, method, path, response.body)
            continue
        expected = (401, "not_authenticated") if actor == "anonymous" else (403, "forbidden")
        assert (response.status_code, body(response)["code"]) == expected, (actor, method, path, response.body)
        assert table_items() == before, (actor, method, path)
        assert len(sent_mails()) == mails


def test_a_manager_of_another_structure_cannot_act_on_its_members(client, cookies):
    """Claire manages Ébénisterie Martin, where Julie is attached too: that gives her nothing on Menuiserie Dupont."""
    ebenisterie = structure_id(client, cookies["paul"], "*ebenist*")
    menuiserie = structure_id(client, cookies["paul"], "menuiserie")
    attached = send(client, "POST", f"/structures/{ebenisterie}/members",
                    {"login": JULIE, "services": [], "valid_from": "2026-11-27"}, cookie=cookies["claire"])
    assert attached.status_code == 201
    before = table_items()
    assert end(client, cookies["claire"], menuiserie, user_id(JULIE)).status_code == 403
    assert add_service(client, cookies["claire"], menuiserie, "X", "X").status_code == 403
    assert table_items() == before
