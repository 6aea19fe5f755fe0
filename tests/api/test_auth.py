"""Login, sessions and logout through the public routes."""

import json
from datetime import timedelta

from chalicelib.store import security
from tests.api.conftest import NOW, body, deliver_mails, login, send
from tests.conftest import DEMO_PASSWORD, PAUL


def test_login_opens_a_first_party_session(client):
    response = send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert body(response) == {"first_name": "Paul", "last_name": "DUPONT", "language": "FR", "last_login_at": None,
                              "spaces": None, "escalated_requests": None, "rejections": None,
                              "password_expired": False}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-mc_session=")
    for flag in ("Path=/", "Secure", "HttpOnly", "SameSite=Strict"):
        assert flag in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_login_is_case_insensitive_on_the_identifier(client):
    login(client, PAUL.upper())


def test_wrong_password_and_unknown_login_get_the_same_answer(client):
    wrong = send(client, "POST", "/auth/login", {"login": PAUL, "password": "Not-The-Password-1"})
    unknown = send(client, "POST", "/auth/login", {"login": "nobody@nowhere.fr", "password": "Not-The-Password-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert body(wrong) == body(unknown)
    assert body(wrong)["message"] == "Identifiant de connexion ou mot de passe incorrect."
    assert "Set-Cookie" not in wrong.headers


def test_a_failed_login_is_counted_and_a_success_resets_the_count(client):
    send(client, "POST", "/auth/login", {"login": PAUL, "password": "Not-The-Password-1"})
    send(client, "POST", "/auth/login", {"login": PAUL, "password": "Not-The-Password-2"})
    assert security.get_attempts(PAUL).failures == 2
    login(client)
    assert security.get_attempts(PAUL).failures == 0


def test_the_banner_shows_the_previous_login(client, frozen_clock):
    login(client)
    frozen_clock.set_now(NOW + timedelta(hours=1))
    cookie = login(client)
    me = body(send(client, "GET", "/me", cookie=cookie))
    assert me["last_login_at"] == "2026-11-27T09:00:00Z"


def test_routes_need_a_session(client):
    for path in ("/me", "/account"):
        response = send(client, "GET", path)
        assert response.status_code == 401
        assert body(response)["code"] == "not_authenticated"


def test_a_forged_or_tampered_cookie_is_refused(client):
    cookie = login(client)
    user_id, token = cookie.split("=", 1)[1].split(".")
    tampered = f"__Host-mc_session={user_id}.{token[:-1]}{'A' if token[-1] != 'A' else 'B'}"
    other_user = f"__Host-mc_session={'0' * 32}.{token}"
    for forged in (tampered, other_user, "__Host-mc_session=garbage", f"mc_session={user_id}.{token}"):
        assert send(client, "GET", "/account", cookie=forged).status_code == 401


def test_a_session_ends_after_30_idle_minutes(client, frozen_clock):
    cookie = login(client)
    frozen_clock.set_now(NOW + timedelta(minutes=29))
    assert send(client, "GET", "/me", cookie=cookie).status_code == 200
    frozen_clock.set_now(NOW + timedelta(minutes=29 + 31))
    assert send(client, "GET", "/me", cookie=cookie).status_code == 401


def test_activity_extends_a_session_up_to_12_hours(client, frozen_clock):
    cookie = login(client)
    moment = NOW
    while moment + timedelta(minutes=20) < NOW + timedelta(hours=12):
        moment += timedelta(minutes=20)
        frozen_clock.set_now(moment)
        assert send(client, "GET", "/me", cookie=cookie).status_code == 200, moment
    frozen_clock.set_now(NOW + timedelta(hours=12))
    assert send(client, "GET", "/me", cookie=cookie).status_code == 401


def test_logout_ends_the_session_on_the_server(client):
    cookie = login(client)
    response = send(client, "POST", "/auth/logout", {}, cookie=cookie)
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    assert send(client, "GET", "/me", cookie=cookie).status_code == 401


def test_logout_needs_the_csrf_header(client):
    cookie = login(client)
    response = client.http.post(
        "/auth/logout", headers={"Cookie": cookie, "Content-Type": "application/json"}, body="{}"
    )
    assert response.status_code == 403
    assert send(client, "GET", "/me", cookie=cookie).status_code == 200


def test_logins_failures_and_mails_are_counted_as_metrics_with_no_secret(client, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        wrong = send(client, "POST", "/auth/login", {"login": PAUL, "password": "Faux-Mot-De-Passe-99"})
        right = send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD})
        send(client, "POST", "/auth/password-reset/request", {"login": PAUL})
        deliver_mails()  # the mailer, a moment later
    assert (wrong.status_code, right.status_code) == (401, 200)
    metrics = [json.loads(r.getMessage()) for r in caplog.records if r.name == "chalicelib.metrics"]
    names = [name for m in metrics for name in m if name in ("Logins", "LoginFailures", "MailsSent")]
    assert names == ["LoginFailures", "Logins", "MailsSent"]
    assert all(m["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "MonCompte" for m in metrics)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Faux-Mot-De-Passe-99" not in text and DEMO_PASSWORD not in text and "jeton=" not in text
