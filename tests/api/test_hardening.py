"""Issue 7's findings: every refusal in the error format, changing nothing."""

import json
import typing
from types import SimpleNamespace

import pytest

from chalicelib.api import schemas
from chalicelib.api.http import client_address
from tests.api.conftest import body, login, send, sent_mails, table_items
from tests.api.test_structures import JULIE, PAUL
from tests.conftest import DEMO_PASSWORD

EN = {"Accept-Language": "en"}


def assert_error(response, status, code, fields=None):
    assert response.status_code == status, response.body
    answer = body(response)
    assert set(answer) == {"code", "message", "fields"}, answer
    assert answer["code"] == code
    assert answer["fields"] == (fields or {})
    assert response.headers["Cache-Control"] == "no-store"
    return answer


# --- 1. malformed bodies ------------------------------------------------------------------------------------------

DEPTH = 1000
MALFORMED = {
    "deep arrays": "[" * DEPTH + "]" * DEPTH,
    "deep objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "deep arrays in a field": '{"login": ' + "[" * DEPTH + "]" * DEPTH + ', "password": "x"}',
    "deep objects in a field": '{"login": "x", "password": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "}",
    "deeper than our bodies": '{"login": ' + "[" * 50 + "]" * 50 + "}",
    "not JSON": "{not json",
    "truncated": '{"login": "a"',
    "invalid UTF-8": b'{"login": "\xff\xfe"}',
    "NaN": '{"login": "a", "password": NaN}',
    "Infinity": '{"version": Infinity}',
    "lone surrogate": '{"login": "\\ud800", "password": "x"}',
    "lone surrogate in a key": '{"\\udfff": 1}',
    "huge number": '{"version": ' + "9" * 5000 + "}",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bodies_get_400_before_login(client, raw):
    before = table_items()
    answer = assert_error(send(client, "POST", "/auth/login", body=raw), 400, "malformed_json")
    assert answer["message"] == "La requête n'est pas un document JSON valide."
    assert table_items() == before


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bodies_get_400_on_an_authenticated_route(client, raw):
    cookie = login(client)
    before = table_items()
    answer = assert_error(send(client, "PUT", "/account", body=raw, cookie=cookie, headers=EN), 400, "malformed_json")
    assert answer["message"] == "The request is not a valid JSON document."
    assert table_items() == before
    assert send(client, "GET", "/account", cookie=cookie).status_code == 200


def test_bodies_as_deep_as_ours_still_pass(client):
    cookie = login(client)
    account = body(send(client, "GET", "/account", cookie=cookie))
    assert account["profile"]["address"]  # PUT /account nests 2 levels; decisions 3: far below the limit
    payload = {"decision": "VALIDER", "reason": None, "requests": [{"structure_id": "s", "user_id": "u"}]}
    assert send(client, "POST", "/manager/requests/decide", payload, cookie=cookie).status_code != 400


# --- 2. CSRF header -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", " ", "XMLHttpRequest", "Fetch", "fetch ", "fetch, fetch"])
def test_state_changes_need_the_exact_header_the_frontend_sends(client, value):
    cookie = login(client)
    before = table_items()
    headers = {"Content-Type": "application/json"}
    if value is not None:
        headers["X-Requested-With"] = value
    credentials = json.dumps({"login": PAUL, "password": DEMO_PASSWORD})
    for path, extra, payload in (("/auth/login", {}, credentials), ("/auth/logout", {"Cookie": cookie}, "{}")):
        response = client.http.post(path, headers={**headers, **extra}, body=payload)
        answer = assert_error(response, 403, "csrf_header_missing")
        assert answer["message"].startswith("Requête refusée : l'en-tête X-Requested-With")
        assert "Set-Cookie" not in response.headers
    assert table_items() == before
    assert send(client, "GET", "/account", cookie=cookie).status_code == 200  # the logout did not happen


# --- 3. control characters ------------------------------------------------------------------------------------------

def test_a_signup_with_control_characters_creates_nothing(client):
    before = table_items()
    payload = {"login": "nouveau@exemple.fr", "last_name": "a\u0000b\u0007", "first_name": "Zoé"}
    answer = assert_error(send(client, "POST", "/auth/signup", payload), 422, "validation_error",
                          {"last_name": "Le champ « Nom » contient des caractères non autorisés (caractères de "
                                        "contrôle ou invisibles)."})
    assert answer["message"] == "Certains champs sont à corriger : rien n'a été enregistré."
    assert table_items() == before
    assert sent_mails() == []


@pytest.mark.parametrize("text", [
    "a\u0000b", "a\u0007", "a\u001bb", "a\tb", "a\nb", "a\rb", "a\u0085b", "a\u2028b", "a\u2029b", "a\u202eb",
    "a\u2066b", "a\u200bb", "a\ufeffb", "a\u200fb", "a\u007fb",
])
def test_single_line_fields_refuse_control_and_invisible_characters(client, text):
    cookie = login(client)
    account = body(send(client, "GET", "/account", cookie=cookie))
    before = table_items()
    payload = {"version": account["version"], "contact_email": account["profile"]["contact_email"],
               "last_name": account["profile"]["last_name"], "first_name": text,
               "address": dict(account["profile"]["address"], line2=text), "phone": None, "fax": None,
               "language": "FR", "notifications": True}
    response = send(client, "PUT", "/account", payload, cookie=cookie, headers=EN)
    assert_error(response, 422, "validation_error", {
        "first_name": "The field “First name” contains characters that are not allowed (control or invisible "
                      "characters).",
        "address.line2": "The field “Address line 2” contains characters that are not allowed (control or "
                         "invisible characters).",
    })
    assert table_items() == before


def ask_to_join(client, cookie, comment):
    items = body(send(client, "GET", "/structures?designation=*ebenist*", cookie=cookie))["items"]
    payload = {"valid_from": "2026-11-27", "valid_until": None, "comment": comment, "services": ["ATELIER"]}
    return send(client, "POST", f"/structures/{items[0]['structure_id']}/memberships", payload, cookie=cookie)


@pytest.mark.parametrize("comment", ["a\u0000b\u0007", "a\rb", "a\u2029b", "\u202egnp.exe"])
def test_a_rattachement_comment_with_control_characters_is_not_stored(client, comment):
    cookie = login(client)
    before = table_items()
    assert_error(ask_to_join(client, cookie, comment), 422, "validation_error",
                 {"comment": "Le champ « Commentaire » contient des caractères non autorisés (caractères de contrôle "
                             "ou invisibles)."})
    assert table_items() == before


def test_comments_may_span_lines(client):
    response = ask_to_join(client, login(client), "Comptable\n\tde l'atelier")
    assert response.status_code == 201, response.body
    assert body(response)["comment"] == "Comptable\n\tde l'atelier"


@pytest.mark.parametrize("path", ["/auth/password-reset/request", "/auth/reactivation/request"])
def test_a_link_request_for_a_login_with_control_characters_is_refused(client, path):
    before = table_items()
    assert_error(send(client, "POST", path, {"login": PAUL + "\u0000"}), 422, "validation_error",
                 {"login": "Le champ « Identifiant de connexion » contient des caractères non autorisés "
                           "(caractères de contrôle ou invisibles)."})
    assert table_items() == before
    assert sent_mails() == []


def test_a_decision_reason_refuses_control_characters(client):
    cookie = login(client)
    payload = {"decision": "REFUSER", "reason": "non\u0000", "requests": [{"structure_id": "s", "user_id": "u"}]}
    assert_error(send(client, "POST", "/manager/requests/decide", payload, cookie=cookie), 422, "validation_error",
                 {"reason": "Le champ « Motif » contient des caractères non autorisés (caractères de contrôle ou "
                            "invisibles)."})


def test_passwords_refuse_nul_and_are_not_stripped(client):
    before = table_items()
    assert_error(send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD + "\u0000"}), 422,
                 "validation_error", {"password": "Le champ « Mot de passe » contient des caractères non autorisés "
                                                  "(caractères de contrôle ou invisibles)."})
    assert table_items() == before
    assert send(client, "POST", "/auth/login", {"login": PAUL, "password": " " + DEMO_PASSWORD}).status_code == 401


def text_fields(annotation):
    """The str leaves of a field's annotation, with their metadata."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return [(base, metadata)] if base is str else text_fields(base)
    return [leaf for arg in typing.get_args(annotation) for leaf in text_fields(arg)]


def test_every_text_field_of_a_request_refuses_control_characters():
    """A new request field cannot be a plain ``str``: it must be ``_text`` (or ``Secret``, or a pattern)."""
    unchecked = []
    for name in dir(schemas):
        model = getattr(schemas, name)
        if not (isinstance(model, type) and issubclass(model, schemas.Request)):
            continue
        for field, info in model.model_fields.items():
            leaves = text_fields(info.annotation)
            if info.annotation is str:
                leaves.append((str, info.metadata))
            for _, metadata in leaves:
                if not any(getattr(m, "pattern", None) or type(m).__name__ == "AfterValidator" for m in metadata):
                    unchecked.append(f"{name}.{field}")
    assert unchecked == []


# --- 4. methods and paths the API does not route --------------------------------------------------------------------

@pytest.mark.parametrize("method", ["PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD", "POST"])
def test_unrouted_methods_answer_405_in_the_error_format(client, method):
    cookie = login(client)
    before = table_items()
    headers = {"Content-Type": "application/json", "X-Requested-With": "fetch", "Cookie": cookie}
    response = client.http.request(method, "/account", headers=headers, body=b"{}")
    assert response.status_code == 405, response.body
    assert response.headers["Allow"] == "GET, PUT"
    if method != "HEAD":
        answer = assert_error(response, 405, "method_not_allowed")
        assert answer["message"] == "Méthode non autorisée."
    assert table_items() == before


def test_405_speaks_english_and_names_the_allowed_method(client):
    response = client.http.request("DELETE", "/auth/login", headers=EN)
    assert response.headers["Allow"] == "POST"
    assert assert_error(response, 405, "method_not_allowed")["message"] == "Method not allowed."
    response = client.http.request("PATCH", "/structures/s1/members", headers=EN)
    assert response.headers["Allow"] == "GET, POST"


def test_the_fallback_routes_stay_out_of_the_openapi_document():
    from scripts.openapi import document

    paths = document()["paths"]
    assert "delete" not in paths["/account"] and "options" not in paths["/auth/login"]


# --- 5. same work for unknown logins --------------------------------------------------------------------------------

def test_unknown_and_known_logins_make_the_same_requests(client, dynamodb_calls):
    send(client, "POST", "/auth/login", {"login": JULIE, "password": "Pas-le-bon-1"})
    known = list(dynamodb_calls)
    dynamodb_calls.clear()
    send(client, "POST", "/auth/login", {"login": "inconnu@exemple.fr", "password": "Pas-le-bon-1"})
    assert dynamodb_calls == known
    assert known == ["BatchGetItem", "GetItem", "BatchGetItem", "UpdateItem", "BatchWriteItem"]


def test_a_successful_login_reads_both_counts_in_one_request(client, dynamodb_calls):
    login(client)
    assert dynamodb_calls[:3] == ["BatchGetItem", "GetItem", "BatchGetItem"]
    assert "UpdateItem" not in dynamodb_calls[:3] and len(dynamodb_calls) == 4  # and the session's transaction


# --- 6. per-source throttling ---------------------------------------------------------------------------------------

def fail_from(client, login_name, headers=None):
    return send(client, "POST", "/auth/login", {"login": login_name, "password": "Pas-le-bon-1"}, headers=headers)


def test_one_source_cannot_try_a_password_on_many_logins(client):
    answers = [fail_from(client, f"victime{n}@exemple.fr").status_code for n in range(30)]
    assert answers == [401] * 30
    before = table_items()
    for attempt in (lambda: fail_from(client, "victime99@exemple.fr"),
                    lambda: send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD})):
        refused = attempt()
        answer = assert_error(refused, 429, "too_many_attempts")
        # The clock is frozen at 09:00, the start of a 15-minute window.
        assert refused.headers["Retry-After"] == "900"
        assert answer["message"] == ("Trop de tentatives de connexion pour cet identifiant. "
                                     "Réessayez dans 15 minute(s).")
    assert table_items() == before


def test_the_source_window_ends(client, frozen_clock):
    from datetime import timedelta

    from tests.api.conftest import NOW

    for n in range(30):
        fail_from(client, f"victime{n}@exemple.fr")
    assert fail_from(client, "autre@exemple.fr").status_code == 429
    frozen_clock.set_now(NOW + timedelta(minutes=15))
    assert fail_from(client, "autre@exemple.fr").status_code == 401
    login(client)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_source(client, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    spoofing = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    for n in range(30):
        spoofing["X-Forwarded-For"] = f"198.51.100.{n}, 203.0.113.7"  # the first address is the client's own text
        assert fail_from(client, f"victime{n}@exemple.fr", headers=spoofing).status_code == 401
    assert fail_from(client, "autre@exemple.fr", headers=spoofing).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.8"}
    assert send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD},
                headers=other).status_code == 200


def request_from(source_ip, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return SimpleNamespace(context={"identity": {"sourceIp": source_ip}}, headers=headers)


def test_client_address(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    assert client_address(request_from("130.176.1.1", "1.2.3.4")) == "130.176.1.1"  # trusts no header by default
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    assert client_address(request_from("130.176.1.1", "1.2.3.4, 203.0.113.7, 130.176.1.1")) == "203.0.113.7"
    assert client_address(request_from("130.176.1.1", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request_from("130.176.1.1")) == "130.176.1.1"
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    assert client_address(request_from("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
