"""« Mon Compte »: read in one Query, save in one write, validation, conflicts, password and secret question."""

import json

import pytest

from chalicelib.domain.secret_answer import normalise_answer
from chalicelib.services.hashing import verify_secret
from chalicelib.store import accounts, security
from tests.api.conftest import body, login, send, update_payload
from tests.conftest import DEMO_PASSWORD, PAUL

NEW_PASSWORD = "Varlope-Trusquin-Bouvet-9"


@pytest.fixture
def cookie(client):
    return login(client)


def account(client, cookie):
    response = send(client, "GET", "/account", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)


def test_mon_compte_shows_every_block_with_the_demo_data(client, cookie):
    data = account(client, cookie)
    assert data["profile"] == {
        "login": PAUL, "contact_email": "contact@menuiserie.fr", "last_name": "DUPONT", "first_name": "Paul",
        "address": {"line1": "10 rue du bois", "line2": None, "line3": None, "postal_code": "96300",
                    "city": "Villeneuve", "country": "FR"},
        "phone": "+33 3 92 35 78 95", "fax": "+33 3 92 35 78 96", "contact_bounce": None,
    }
    assert data["settings"]["status"] == "ACTIF"
    assert data["settings"]["language"] == "FR"
    assert data["settings"]["notifications"] is True
    assert data["settings"]["created_at"] == "2017-04-05T13:33:28Z"
    assert data["password"]["expires_in_days"] == 163
    assert data["secret_question"]["question"].startswith("Quel est le nom")
    assert [(m["designation"], m["role"], m["status"]) for m in data["memberships"]] == [
        ("Menuiserie Dupont", "GESTIONNAIRE_PRINCIPAL", "VALIDEE"),
        ("Rénovation Habitat", "GESTIONNAIRE_PRINCIPAL", "VALIDEE"),
    ]
    rows = {(s["designation"], s["service"], s["space"], s["habilitation"]) for s in data["subscriptions"]}
    assert rows == {
        ("Menuiserie Dupont", "Mobilier urbain", "Factures émises", "MODIFICATION"),
        ("Menuiserie Dupont", "Mobilier urbain", "Sollicitations émises", "MODIFICATION"),
        ("Menuiserie Dupont", "Meubles", "Factures émises", "CONSULTATION_UNIQUEMENT"),
        ("Menuiserie Dupont", "Meubles", "Sollicitations émises", "CONSULTATION_UNIQUEMENT"),
        ("Menuiserie Dupont", None, "Activité du gestionnaire", "MODIFICATION"),
        ("Rénovation Habitat", None, "Activité du gestionnaire", "MODIFICATION"),
        ("Rénovation Habitat", None, "Sollicitations émises", "MODIFICATION"),
    }
    assert [(a["type"], a["designation"], a["file_name"], a["extension"]) for a in data["attachments"]] == [
        ("Divers", "Brochure présentation", "brochure1.jpg", "jpg")
    ]


def test_nothing_secret_leaves_the_server(client, cookie):
    text = send(client, "GET", "/account", cookie=cookie).body.decode()
    for secret_word in ("argon2", "hash", "failed_attempts", "object_key", "Toto"):
        assert secret_word not in text


def test_mon_compte_costs_the_session_read_and_one_query(client, cookie, dynamodb_calls):
    dynamodb_calls.clear()
    account(client, cookie)
    assert dynamodb_calls == ["GetItem", "Query"]


def test_the_banner_costs_two_reads_and_names_the_spaces_held(client, cookie, dynamodb_calls):
    dynamodb_calls.clear()
    response = send(client, "GET", "/me", cookie=cookie)
    assert response.status_code == 200
    assert dynamodb_calls == ["GetItem", "Query"]
    assert body(response)["spaces"] == ["Activité du gestionnaire", "Factures émises", "Sollicitations émises"]


def test_saving_personal_information_costs_one_write(client, cookie, dynamodb_calls):
    payload = update_payload(account(client, cookie), address_line1="12 rue du Chêne")
    dynamodb_calls.clear()
    response = send(client, "PUT", "/account", payload, cookie=cookie)
    assert response.status_code == 200, response.body
    assert dynamodb_calls == ["GetItem", "UpdateItem"]


def test_valider_saves_all_personal_information_at_once(client, cookie):
    before = account(client, cookie)
    payload = update_payload(
        before, contact_email="Compta@Menuiserie.FR", last_name="DUPONT-MARTIN", first_name="Paul-Henri",
        address_line1="12 rue du Chêne", address_line2="Bâtiment B", address_postal_code="75011",
        address_city="Paris", phone="01 23 45 67 89", fax="+44 20 7946 0958", language="EN", notifications=False,
    )
    saved = body(send(client, "PUT", "/account", payload, cookie=cookie))
    after = account(client, cookie)
    assert after["profile"] == saved["profile"]
    # A new contact address waits for its confirmation (issue 13); everything else is saved at once.
    assert after["profile"]["contact_email"] == before["profile"]["contact_email"]
    assert saved["email_change"]["new_address"] == after["email_change"]["new_address"] == "Compta@menuiserie.fr"
    assert after["profile"]["address"]["line2"] == "Bâtiment B"
    assert after["profile"]["phone"] == "+33 1 23 45 67 89"
    assert after["profile"]["fax"] == "+44 20 7946 0958"
    assert after["settings"]["language"] == "EN"
    assert after["settings"]["notifications"] is False
    assert after["settings"]["updated_at"] == "2026-11-27T09:00:00Z"
    assert after["version"] == before["version"] + 1
    assert after["me"]["first_name"] == "Paul-Henri"
    assert after["memberships"] == before["memberships"]


def test_instants_are_given_to_the_second(client, cookie, frozen_clock):
    from datetime import timedelta

    from tests.api.conftest import NOW

    frozen_clock.set_now(NOW + timedelta(microseconds=654321))
    assert send(client, "PUT", "/account", update_payload(account(client, cookie)), cookie=cookie).status_code == 200
    after = account(client, cookie)
    assert after["settings"]["updated_at"] == "2026-11-27T09:00:00Z"


def test_optional_fields_can_be_emptied(client, cookie):
    payload = update_payload(account(client, cookie), phone=None, fax="", address_line2="  ")
    assert send(client, "PUT", "/account", payload, cookie=cookie).status_code == 200
    profile = account(client, cookie)["profile"]
    assert (profile["phone"], profile["fax"], profile["address"]["line2"]) == (None, None, None)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"last_name": ""}, "last_name", "Le champ « Nom » est obligatoire."),
        ({"first_name": "   "}, "first_name", "Le champ « Prénom » est obligatoire."),
        ({"contact_email": ""}, "contact_email", "Le champ « Adresse électronique de contact » est obligatoire."),
        ({"address_line1": ""}, "address.line1", "Le champ « Adresse » est obligatoire."),
        ({"address_city": ""}, "address.city", "Le champ « Ville » est obligatoire."),
        ({"address_country": ""}, "address.country", "Le champ « Pays » est obligatoire."),
        ({"contact_email": "contact@"}, "contact_email", "adresse électronique valide"),
        ({"phone": "12"}, "phone", "Le champ « Téléphone » doit être un numéro valide"),
        ({"fax": "+33 1"}, "fax", "Le champ « Fax » doit être un numéro valide"),
        ({"address_postal_code": "9630"}, "address.postal_code", "5 chiffres pour une adresse en France"),
        ({"address_postal_code": "7500A"}, "address.postal_code", "5 chiffres"),
        ({"address_country": "XX"}, "address.country", "doit être un pays de la liste"),
        ({"language": "DE"}, "language", "Le champ « Langue » doit valoir l'une des valeurs proposées."),
        ({"last_name": "x" * 101}, "last_name", "Le champ « Nom » dépasse 100 caractères."),
    ],
)
def test_bad_personal_information_is_refused_naming_the_field_and_nothing_is_saved(
    client, cookie, changes, field, message
):
    before = account(client, cookie)
    response = send(client, "PUT", "/account", update_payload(before, **changes), cookie=cookie)
    assert response.status_code == 422
    error = body(response)
    assert error["code"] == "validation_error"
    assert message in error["fields"][field]
    assert account(client, cookie) == before


def test_every_wrong_field_is_reported_at_once(client, cookie):
    payload = update_payload(account(client, cookie), last_name="", contact_email="nope", phone="0")
    fields = body(send(client, "PUT", "/account", payload, cookie=cookie))["fields"]
    assert set(fields) == {"last_name", "contact_email", "phone"}


def test_foreign_addresses_follow_their_own_rules(client, cookie):
    payload = update_payload(
        account(client, cookie), address_country="GB", address_postal_code="SW1A 1AA", phone="020 7946 0958"
    )
    assert send(client, "PUT", "/account", payload, cookie=cookie).status_code == 200
    assert account(client, cookie)["profile"]["phone"] == "+44 20 7946 0958"


def test_messages_come_in_english_when_asked(client, cookie):
    payload = update_payload(account(client, cookie), last_name="")
    response = send(client, "PUT", "/account", payload, cookie=cookie, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert body(response)["fields"]["last_name"] == "The field “Last name” is mandatory."


@pytest.mark.parametrize("smuggled", [{"status": "INACTIF"}, {"login": "pirate@example.com"}, {"version_x": 1},
                                      {"password_hash": "x"}, {"created_at": "2020-01-01T00:00:00Z"}])
def test_fields_a_person_may_not_set_are_refused_not_stored(client, cookie, smuggled):
    before = account(client, cookie)
    response = send(client, "PUT", "/account", {**update_payload(before), **smuggled}, cookie=cookie)
    assert response.status_code == 422
    fields = body(response)["fields"]
    assert list(fields) == list(smuggled)
    assert fields[next(iter(smuggled))].endswith("n'est pas accepté.")
    assert account(client, cookie) == before


def test_a_stale_save_gets_409_and_overwrites_nothing(client):
    first_tab = login(client)
    second_tab = login(client)
    stale = account(client, second_tab)
    send(client, "PUT", "/account", update_payload(account(client, first_tab), address_city="Lyon"), cookie=first_tab)
    response = send(client, "PUT", "/account", update_payload(stale, address_city="Marseille"), cookie=second_tab)
    assert response.status_code == 409
    assert body(response)["code"] == "version_conflict"
    assert "modifié entre-temps" in body(response)["message"]
    assert account(client, first_tab)["profile"]["address"]["city"] == "Lyon"


def change_password(client, cookie, current=DEMO_PASSWORD, new=NEW_PASSWORD, confirmation=None, **changes):
    payload = update_payload(account(client, cookie), **changes)
    confirmation = new if confirmation is None else confirmation
    payload["password"] = {"current": current, "new": new, "confirmation": confirmation}
    return send(client, "PUT", "/account", payload, cookie=cookie)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(client, cookie):
    other = login(client)
    response = change_password(client, cookie, address_city="Lille")
    assert response.status_code == 200, response.body
    assert body(response)["password"]["expires_in_days"] == 180
    assert send(client, "GET", "/me", cookie=cookie).status_code == 200
    assert send(client, "GET", "/me", cookie=other).status_code == 401
    assert account(client, cookie)["profile"]["address"]["city"] == "Lille"
    assert send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD}).status_code == 401
    login(client, PAUL, NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_counted_and_saves_nothing(client, cookie):
    before = account(client, cookie)
    response = change_password(client, cookie, current="Not-The-Password-1", address_city="Lille")
    assert response.status_code == 400
    assert body(response)["code"] == "wrong_current_password"
    assert body(response)["fields"] == {"password.current": "Le mot de passe actuel est incorrect."}
    assert account(client, cookie) == before
    assert security.get_attempts(PAUL).failures == 1
    login(client)


@pytest.mark.parametrize(
    "new, confirmation, field, fragment",
    [
        ("Court-1a", None, "password.new", "au moins 12 caractères"),
        ("x" * 129 + "A1!", None, "password.new", "au plus 128 caractères"),
        ("toutenminuscule", None, "password.new", "au moins 3 types de caractères"),
        ("Azertyuiop123", None, "password.new", "trop facile à deviner"),
        ("Password2024!", None, "password.new", "trop facile à deviner"),
        ("Marseille2024", None, "password.new", "trop facile à deviner"),
        ("Dupont-Rabot-4242", None, "password.new", "ne doit pas contenir votre nom"),
        ("Paul.Dupont-Rabot-77", None, "password.new", "ne doit pas contenir votre nom"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password.confirmation", "identique au nouveau mot de passe"),
        (DEMO_PASSWORD, None, "password.new", "différent du mot de passe actuel"),
    ],
)
def test_the_password_policy_is_enforced(client, cookie, new, confirmation, field, fragment):
    response = change_password(client, cookie, new=new, confirmation=confirmation)
    assert response.status_code == 422, response.body
    assert fragment in body(response)["fields"][field]
    login(client)


def test_the_current_password_is_required_to_change_it(client, cookie):
    response = change_password(client, cookie, current="")
    assert body(response)["fields"]["password.current"].startswith("Le champ « Mot de passe actuel » est obligatoire")


def test_secret_question_and_answer_change_with_the_answer_stored_hashed_and_normalised(client, cookie):
    payload = update_payload(account(client, cookie))
    payload["secret_question"] = {"question": "Ma ville de naissance ?", "answer": "  Saint-Étienne  du  Rouvray "}
    assert send(client, "PUT", "/account", payload, cookie=cookie).status_code == 200
    assert account(client, cookie)["secret_question"]["question"] == "Ma ville de naissance ?"
    credentials = accounts.get_profile_and_credentials(accounts.find_user_id(PAUL))[1]
    assert "Saint" not in credentials.secret_answer_hash
    assert credentials.secret_answer_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_secret(credentials.secret_answer_hash, normalise_answer("saint-etienne du rouvray"))


def test_a_new_secret_question_needs_its_answer(client, cookie):
    payload = update_payload(account(client, cookie))
    payload["secret_question"] = {"question": "Ma ville de naissance ?", "answer": ""}
    response = send(client, "PUT", "/account", payload, cookie=cookie)
    assert response.status_code == 422
    assert body(response)["fields"]["secret_question.answer"].startswith("Le champ « Réponse » est obligatoire")


def test_bad_requests_never_give_a_5xx_and_change_nothing(client, cookie):
    before = account(client, cookie)
    good = json.dumps(update_payload(before, address_city="Lille"))
    cases = [
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"}, "{not json", 400, "malformed_json"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"}, "", 422, "validation_error"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"}, "[]", 422, "validation_error"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"}, "\xff\xfe", 400, "malformed_json"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"},
         json.dumps({**json.loads(good), "version": "1"}), 422, "validation_error"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"},
         json.dumps({**json.loads(good), "notifications": "yes"}), 422, "validation_error"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"},
         json.dumps({**json.loads(good), "address": "Lille"}), 422, "validation_error"),
        ({"Content-Type": "application/json", "X-Requested-With": "fetch"},
         json.dumps({**json.loads(good), "last_name": "x" * 70000}), 413, "payload_too_large"),
        ({"Content-Type": "text/plain", "X-Requested-With": "fetch"}, good, 415, "unsupported_media_type"),
        ({"Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "fetch"}, "a=b", 415,
         "unsupported_media_type"),
        ({"Content-Type": "application/json"}, good, 403, "csrf_header_missing"),
    ]
    for headers, raw, status, code in cases:
        response = client.http.put("/account", headers={**headers, "Cookie": cookie}, body=raw)
        assert response.status_code == status, (raw[:40], response.body)
        assert body(response)["code"] == code
        assert body(response)["message"]
    assert account(client, cookie) == before


def test_wrong_types_name_their_field(client, cookie):
    payload = {**update_payload(account(client, cookie)), "notifications": "oui", "version": "3"}
    fields = body(send(client, "PUT", "/account", payload, cookie=cookie))["fields"]
    assert fields == {
        "notifications": "Le champ « Recevoir des notifications » n'a pas le bon format.",
        "version": "Le champ « Version » n'a pas le bon format.",
    }


def test_a_missing_key_is_named(client, cookie):
    payload = update_payload(account(client, cookie))
    del payload["address"]["city"]
    del payload["language"]
    fields = body(send(client, "PUT", "/account", payload, cookie=cookie))["fields"]
    assert fields == {
        "address.city": "Le champ « Ville » est obligatoire.",
        "language": "Le champ « Langue » est obligatoire.",
    }
