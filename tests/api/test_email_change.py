"""Verified change of the contact or login address (issue 13, point 3).

The new address confirms with a single-use link valid 24 hours, the old one may cancel for 7 days; the login stays
unique through a conditional write; a taken address gets the same answer as a free one. Time moves with the
injectable clock.
"""

import hashlib
import re
from datetime import timedelta

import pytest

from chalicelib.store import accounts
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_structures import JULIE, PAUL
from tests.conftest import DEMO_PASSWORD

PAUL_CONTACT = "contact@menuiserie.fr"
NEW_CONTACT = "compta@menuiserie.fr"
NEW_LOGIN = "paul@dupont-bois.fr"


def mails_to(address: str) -> list:
    return [m for m in sent_mails() if m["To"] == address]


def token_in(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"jeton=([A-Za-z0-9_-]+)", text).group(1)


def ask(client, cookie, target, address):
    return send(client, "POST", "/account/email-change", {"target": target, "address": address}, cookie=cookie)


def confirm(client, cookie, token):
    return send(client, "POST", "/account/email-change/confirm", {"token": token}, cookie=cookie)


def cancel(client, token):
    return send(client, "POST", "/auth/email-change/cancel", {"token": token})


def profile(client, cookie) -> dict:
    return body(send(client, "GET", "/account", cookie=cookie))


# --- request -------------------------------------------------------------------------------------------------------

def test_a_new_contact_address_waits_for_its_confirmation_and_both_addresses_are_mailed(client, paul):
    response = ask(client, paul, "contact_email", "compta@Menuiserie.FR")
    assert response.status_code == 202, response.body
    answer = body(response)
    assert (answer["target"], answer["new_address"]) == ("contact_email", NEW_CONTACT)
    assert answer["confirm_until"] == "2026-11-28T09:00:00Z"
    account = profile(client, paul)
    assert account["profile"]["contact_email"] == PAUL_CONTACT  # nothing changed yet
    assert account["email_change"]["new_address"] == NEW_CONTACT
    (confirmation,) = mails_to(NEW_CONTACT)
    (notice,) = mails_to(PAUL_CONTACT)
    assert "confirmation-courriel.html#jeton=" in confirmation.get_body(preferencelist=("plain",)).get_content()
    notice_text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "annulation-courriel.html#jeton=" in notice_text and "7 jours" in notice_text
    assert NEW_CONTACT in notice_text
    # ≥ 128 random bits in each link, and only their hashes stored.
    for mail in (confirmation, notice):
        token = token_in(mail)
        assert len(token) >= 43  # 32 bytes of urlsafe base64
        dump = str(table_items())
        assert token not in dump and hashlib.sha256(token.encode()).hexdigest() in dump


def test_the_account_is_still_read_in_one_query_with_a_pending_change(client, paul, dynamodb_calls):
    ask(client, paul, "contact_email", NEW_CONTACT)
    dynamodb_calls.clear()
    assert profile(client, paul)["email_change"]["target"] == "contact_email"
    assert dynamodb_calls == ["GetItem", "Query"]


@pytest.mark.parametrize("target, address, field, message", [
    ("contact_email", "", "address", "obligatoire"),
    ("contact_email", "compta@", "address", "adresse électronique valide"),
    ("contact_email", PAUL_CONTACT, "address", "différent de l'adresse actuelle"),
    ("login", PAUL.upper(), "address", "différent de l'adresse actuelle"),
    ("password", NEW_CONTACT, "target", "valeurs proposées"),
])
def test_a_wrong_request_names_its_field_and_stores_nothing(client, paul, target, address, field, message):
    before = table_items()
    response = ask(client, paul, target, address)
    assert response.status_code == 422, response.body
    assert message in body(response)["fields"][field]
    assert table_items() == before and sent_mails() == []


def test_valider_with_a_new_contact_address_saves_the_rest_at_once_and_asks_for_the_confirmation(client, paul):
    from tests.api.conftest import update_payload

    before = profile(client, paul)
    payload = update_payload(before, contact_email=NEW_CONTACT, address_city="Dijon")
    saved = body(send(client, "PUT", "/account", payload, cookie=paul))
    assert saved["profile"]["address"]["city"] == "Dijon"
    assert saved["profile"]["contact_email"] == PAUL_CONTACT
    assert saved["email_change"]["new_address"] == NEW_CONTACT
    assert len(mails_to(NEW_CONTACT)) == 1


# --- confirmation ----------------------------------------------------------------------------------------------------

def test_the_confirmation_link_changes_the_contact_address_once(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    version = profile(client, paul)["version"]
    response = confirm(client, paul, token)
    assert response.status_code == 200, response.body
    assert "confirmée" in body(response)["message"]
    account = profile(client, paul)
    assert account["profile"]["contact_email"] == NEW_CONTACT
    assert account["email_change"] is None
    assert account["version"] == version + 1  # an open form with the old address gets a 409, not a new change
    again = confirm(client, paul, token)
    assert (again.status_code, body(again)["code"]) == (400, "invalid_link")


def test_a_confirmation_link_past_24_hours_is_refused(client, paul, frozen_clock):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    frozen_clock.set_now(NOW + timedelta(hours=24))
    paul = login(client, PAUL)
    assert body(confirm(client, paul, token))["code"] == "invalid_link"
    assert profile(client, paul)["profile"]["contact_email"] == PAUL_CONTACT
    assert profile(client, paul)["email_change"] is None  # no longer shown as waiting


def test_a_confirmation_link_just_before_24_hours_works(client, paul, frozen_clock):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    frozen_clock.set_now(NOW + timedelta(hours=24) - timedelta(seconds=1))
    paul = login(client, PAUL)
    assert confirm(client, paul, token).status_code == 200


def test_another_user_cannot_confirm_the_link_and_the_owner_still_can(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    julie = login(client, JULIE)
    before = table_items()
    response = confirm(client, julie, token)
    assert (response.status_code, body(response)["code"]) == (400, "invalid_link")
    assert table_items() == before
    assert confirm(client, paul, token).status_code == 200


def test_the_confirmation_needs_a_session(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    assert confirm(client, None, token).status_code == 401
    assert ask(client, None, "contact_email", NEW_CONTACT).status_code == 401
    assert send(client, "DELETE", "/account/email-change").status_code == 401


def test_a_newer_request_kills_the_links_of_the_older_one(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    first = token_in(mails_to(NEW_CONTACT)[-1])
    ask(client, paul, "contact_email", "achats@menuiserie.fr")
    assert body(confirm(client, paul, first))["code"] == "invalid_link"
    assert confirm(client, paul, token_in(mails_to("achats@menuiserie.fr")[-1])).status_code == 200
    assert profile(client, paul)["profile"]["contact_email"] == "achats@menuiserie.fr"


def test_annuler_in_mon_compte_drops_the_pending_change(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    token = token_in(mails_to(NEW_CONTACT)[-1])
    assert send(client, "DELETE", "/account/email-change", cookie=paul).status_code == 204
    assert profile(client, paul)["email_change"] is None
    assert body(confirm(client, paul, token))["code"] == "invalid_link"
    assert not [i for i in table_items() if i["sk"]["S"] == "EMAIL_CHANGE"]


# --- the login ---------------------------------------------------------------------------------------------------

def test_a_confirmed_login_change_moves_the_unique_login(client, paul):
    response = ask(client, paul, "login", NEW_LOGIN)
    assert response.status_code == 202
    assert len(mails_to(PAUL)) == 1  # the notice goes to the old login address
    assert confirm(client, paul, token_in(mails_to(NEW_LOGIN)[-1])).status_code == 200
    assert profile(client, paul)["profile"]["login"] == NEW_LOGIN
    assert accounts.find_user_id(PAUL) is None
    assert accounts.find_user_id(NEW_LOGIN) is not None
    assert send(client, "POST", "/auth/login", {"login": PAUL, "password": DEMO_PASSWORD}).status_code == 401
    login(client, NEW_LOGIN)


def test_a_taken_address_gets_the_same_answer_and_its_confirmation_fails_clearly(client, paul):
    free = ask(client, paul, "login", NEW_LOGIN)
    taken = ask(client, paul, "login", JULIE)
    assert (taken.status_code, set(body(taken))) == (free.status_code, set(body(free)))
    assert body(taken)["new_address"] == JULIE
    assert len(mails_to(JULIE)) == 1  # a confirmation link, as for a free address
    before = table_items()
    response = confirm(client, paul, token_in(mails_to(JULIE)[-1]))
    assert (response.status_code, body(response)["code"]) == (409, "email_change_taken")
    assert "déjà l'identifiant de connexion d'un autre compte" in body(response)["message"]
    assert table_items() == before
    assert profile(client, paul)["profile"]["login"] == PAUL


def test_the_login_taken_between_the_check_and_the_write_is_refused_by_the_conditional_write(client, paul,
                                                                                               monkeypatch):
    from chalicelib.services import email_change

    ask(client, paul, "login", NEW_LOGIN)
    token = token_in(mails_to(NEW_LOGIN)[-1])
    # Someone signs up with that login meanwhile...
    assert send(client, "POST", "/auth/signup", {"login": NEW_LOGIN, "last_name": "AUTRE", "first_name": "Anne",
                                                  "contact_email": None, "phone": None}).status_code == 202
    other = accounts.find_user_id(NEW_LOGIN)
    # ... after the service's own check has seen the login free: only the transaction's condition stands.
    answers = iter([None])
    real = accounts.find_user_id
    monkeypatch.setattr(email_change.accounts, "find_user_id", lambda login: next(answers, real(login)))
    response = confirm(client, paul, token)
    assert (response.status_code, body(response)["code"]) == (409, "email_change_taken")
    monkeypatch.undo()
    assert accounts.find_user_id(NEW_LOGIN) == other and accounts.find_user_id(PAUL) is not None
    assert profile(client, paul)["profile"]["login"] == PAUL


# --- the old address cancels ---------------------------------------------------------------------------------------

def test_the_old_address_cancels_a_pending_change_without_a_session(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    confirm_token, cancel_token = token_in(mails_to(NEW_CONTACT)[-1]), token_in(mails_to(PAUL_CONTACT)[-1])
    response = cancel(client, cancel_token)
    assert response.status_code == 200, response.body
    assert "annulée" in body(response)["message"]
    assert body(confirm(client, paul, confirm_token))["code"] == "invalid_link"
    assert profile(client, paul)["profile"]["contact_email"] == PAUL_CONTACT
    assert body(cancel(client, cancel_token))["code"] == "invalid_link"  # single use


def test_the_old_address_undoes_a_confirmed_login_change_within_7_days_and_sessions_end(client, paul, frozen_clock):
    ask(client, paul, "login", NEW_LOGIN)
    cancel_token = token_in(mails_to(PAUL)[-1])
    assert confirm(client, paul, token_in(mails_to(NEW_LOGIN)[-1])).status_code == 200
    frozen_clock.set_now(NOW + timedelta(days=7) - timedelta(minutes=1))
    assert cancel(client, cancel_token).status_code == 200
    assert accounts.find_user_id(NEW_LOGIN) is None
    assert send(client, "GET", "/account", cookie=paul).status_code == 401  # whoever changed it is logged out
    assert profile(client, login(client, PAUL))["profile"]["login"] == PAUL


def test_the_cancel_link_dies_after_7_days(client, paul, frozen_clock):
    ask(client, paul, "contact_email", NEW_CONTACT)
    cancel_token = token_in(mails_to(PAUL_CONTACT)[-1])
    assert confirm(client, paul, token_in(mails_to(NEW_CONTACT)[-1])).status_code == 200
    frozen_clock.set_now(NOW + timedelta(days=7))
    assert body(cancel(client, cancel_token))["code"] == "invalid_link"
    assert profile(client, login(client, PAUL))["profile"]["contact_email"] == NEW_CONTACT


def test_a_confirmation_link_does_not_cancel_and_a_cancel_link_does_not_confirm(client, paul):
    ask(client, paul, "contact_email", NEW_CONTACT)
    confirm_token, cancel_token = token_in(mails_to(NEW_CONTACT)[-1]), token_in(mails_to(PAUL_CONTACT)[-1])
    assert body(cancel(client, confirm_token))["code"] == "invalid_link"
    assert body(confirm(client, paul, cancel_token))["code"] == "invalid_link"
    assert profile(client, paul)["email_change"]["new_address"] == NEW_CONTACT


def test_no_new_change_while_the_old_address_may_still_undo_a_confirmed_one(client, paul, frozen_clock):
    """Replacing a confirmed change would kill the old address's cancel link: whoever took the account could then keep
    it. A new change is possible once that link has expired."""
    ask(client, paul, "contact_email", NEW_CONTACT)
    cancel_token = token_in(mails_to(PAUL_CONTACT)[-1])
    assert confirm(client, paul, token_in(mails_to(NEW_CONTACT)[-1])).status_code == 200
    before, mails = table_items(), len(sent_mails())
    refused = ask(client, paul, "login", NEW_LOGIN)
    assert (refused.status_code, body(refused)["code"]) == (409, "email_change_locked")
    assert "jusqu'au 04/12/2026 10:00" in body(refused)["message"]
    assert table_items() == before and len(sent_mails()) == mails
    assert cancel(client, cancel_token).status_code == 200  # the old address's link still works
    # A week later, a confirmed change no longer holds the next one back.
    ask(client, login(client, PAUL), "contact_email", NEW_CONTACT)
    assert confirm(client, login(client, PAUL), token_in(mails_to(NEW_CONTACT)[-1])).status_code == 200
    frozen_clock.set_now(NOW + timedelta(days=7))
    assert ask(client, login(client, PAUL), "login", NEW_LOGIN).status_code == 202
