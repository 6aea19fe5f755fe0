"""Pure rules of the verified address change and of the data export (issue 13)."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import data_export, email_change
from chalicelib.domain.errors import TransitionRefused
from chalicelib.domain.states import ABSENT

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("target, address, current, expected, problem", [
    ("contact_email", "Compta@Menuiserie.FR", "contact@menuiserie.fr", "Compta@menuiserie.fr", None),
    ("contact_email", "", "contact@menuiserie.fr", None, ("address", "field.required")),
    ("contact_email", "compta@", "contact@menuiserie.fr", None, ("address", "email.invalid")),
    ("contact_email", "contact@MENUISERIE.fr", "contact@menuiserie.fr", None, ("address", "email_change.same")),
    # A contact address keeps its case: another case of the local part is another address...
    ("contact_email", "Contact@menuiserie.fr", "contact@menuiserie.fr", "Contact@menuiserie.fr", None),
    # ... but a login is unique without regard to case.
    ("login", "Paul.Dupont@menuiserie.fr", "paul.dupont@menuiserie.fr", None, ("address", "email_change.same")),
    ("password", "a@b.fr", "x@y.fr", None, ("target", "field.choice")),
])
def test_check_request(target, address, current, expected, problem):
    normalised, problems = email_change.check_request(target, address, current)
    assert normalised == expected
    assert {k: p.key for k, p in problems.items()} == (dict([problem]) if problem else {})


def test_an_address_change_is_confirmed_once_and_a_new_request_replaces_any_earlier():
    machine = email_change.EMAIL_CHANGE
    assert machine.transition("confirm").check(email_change.PENDING) == email_change.CONFIRMED
    with pytest.raises(TransitionRefused):
        machine.transition("confirm").check(email_change.CONFIRMED)
    for state in (ABSENT, email_change.PENDING, email_change.CONFIRMED):
        assert machine.transition("request").check(state) == email_change.PENDING


def test_pending_is_shown_for_24_hours_and_cancellable_for_7_days():
    class Change:
        status = email_change.PENDING
        confirm_until = NOW + email_change.CONFIRM_LIFETIME
        cancel_until = NOW + email_change.CANCEL_LIFETIME

    change = Change()
    assert email_change.pending_shown(change, NOW + timedelta(hours=23, minutes=59))
    assert not email_change.pending_shown(change, NOW + timedelta(hours=24))
    assert not email_change.pending_shown(None, NOW)
    assert email_change.cancellable(change, NOW + timedelta(days=6, hours=23))
    assert not email_change.cancellable(change, NOW + timedelta(days=7))
    change.status = email_change.CONFIRMED
    assert not email_change.pending_shown(change, NOW)


def test_one_export_at_a_time_unless_the_one_being_built_stalled():
    requested = NOW - timedelta(minutes=59)
    assert data_export.may_request(ABSENT, None, NOW)
    assert data_export.may_request(data_export.READY, requested, NOW)
    assert data_export.may_request(data_export.FAILED, requested, NOW)
    assert not data_export.may_request(data_export.REQUESTED, requested, NOW)
    assert data_export.may_request(data_export.REQUESTED, NOW - data_export.STALLED_AFTER, NOW)
    with pytest.raises(TransitionRefused):
        data_export.EXPORT.transition("complete").check(data_export.READY)


def test_clean_leaves_out_secrets_keys_and_other_people_at_any_depth():
    item = {
        "pk": "USER#1", "sk": "MEMBERSHIP#2", "gsi1pk": "x", "kind": "MEMBERSHIP", "version": 3,
        "designation": "Menuiserie Dupont", "decided_by": "other-user-id", "password_hash": "$argon2id$...",
        "waiting_for": [{"first_name": "Claire", "last_name": "MARTIN", "role": "PRINCIPAL"}],
        "services": [{"code": "MOBURB", "name": "Mobilier urbain", "decided_by": "someone"}],
        "object_key": "users/1/abc",
    }
    assert data_export.clean(item) == {"designation": "Menuiserie Dupont",
                                       "services": [{"code": "MOBURB", "name": "Mobilier urbain"}]}


def test_two_attachments_of_the_same_name_get_two_places_in_the_archive():
    assert data_export.archive_name("devis.pdf", "a1") != data_export.archive_name("devis.pdf", "b2")
    assert data_export.archive_name("devis.pdf", "a1") == "pieces-jointes/a1-devis.pdf"


def test_an_event_keeps_the_users_own_part_only():
    validated = {"kind": "EVENT", "event_kind": "MEMBERSHIP_VALIDATED", "subject_id": "julie", "actor_id": "paul",
                 "structure_id": "s1", "params": {"person": "Julie LEROY", "actor": "Paul DUPONT",
                                                  "structure": "Menuiserie Dupont"}, "pk": "FEED#julie"}
    assert data_export.own_event(validated, "julie") == {
        "event_kind": "MEMBERSHIP_VALIDATED", "subject_id": "julie", "structure_id": "s1",
        "params": {"person": "Julie LEROY", "structure": "Menuiserie Dupont"}}
    as_actor = data_export.own_event(validated, "paul")
    assert as_actor["actor_id"] == "paul" and "subject_id" not in as_actor
    assert as_actor["params"] == {"actor": "Paul DUPONT", "structure": "Menuiserie Dupont"}
    # A request of someone else in a manager's feed: not the manager's data.
    assert data_export.own_event(validated, "marc") is None


def test_the_document_files_each_kind_under_its_heading_and_keeps_secrets_out():
    from chalicelib.services.data_export import document

    items = [
        {"kind": "USER", "pk": "USER#u", "sk": "PROFILE", "login": "a@b.fr", "language": "FR", "notifications": True},
        {"kind": "CREDENTIALS", "password_hash": "$argon2id$x", "secret_answer_hash": "$argon2id$y",
         "last_login_at": "2026-11-27"},
        {"kind": "SECURITY", "totp_secret": "JBSWY3DP", "recovery_hashes": ["h1"], "pending_login": "{}",
         "known_browsers": ["Firefox|Linux"], "totp_enabled_at": "2026-11-27", "future_secret": "s"},
        {"kind": "ATTACHMENT", "attachment_id": "a1", "file_name": "devis.pdf", "object_key": "users/u/a1"},
        {"kind": "ATTACHMENT_COUNT", "count": 1},
        {"kind": "SOMETHING_NEW", "value": 1, "password_hash": "x"},
    ]
    doc, files = document("u", items, NOW)
    assert doc["profile"] == {"login": "a@b.fr"} and doc["settings"]["language"] == "FR"
    assert doc["login"] == {"last_login_at": "2026-11-27"}
    assert doc["security"] == {"known_browsers": ["Firefox|Linux"], "totp_enabled_at": "2026-11-27"}
    assert doc["attachments"] == [{"attachment_id": "a1", "file_name": "devis.pdf",
                                   "file": "pieces-jointes/a1-devis.pdf"}]
    assert files == [("pieces-jointes/a1-devis.pdf", "users/u/a1")]
    assert doc["other"] == {"something_new": [{"value": 1}]}
