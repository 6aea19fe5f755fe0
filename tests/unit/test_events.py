"""Events' pure rules: kinds and what their sentences need, who reads them, requests' histories, room left in a
transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.api.event_messages import SENTENCES, sentence
from chalicelib.domain import events

AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _request_event(kind, at=AT, ref="M#s1", **params):
    values = {"person": "Julie Martin", "structure": "Menuiserie Dupont", "actor": "Paul Dupont", "space": "x"}
    return events.make(kind, at, actor_id="paul", subject_id="julie", structure_id="s1", params={**values, **params},
                       request=ref)


def test_every_kind_has_a_sentence_in_both_languages_using_only_its_parameters():
    for language in ("fr", "en"):
        assert set(SENTENCES[language]) == set(events.KINDS)
        for name, kind in events.KINDS.items():
            placeholders = {part.split("}")[0] for part in SENTENCES[language][name].split("{")[1:]}
            assert placeholders <= set(kind.params), (language, name, placeholders - set(kind.params))


def test_an_event_missing_a_parameter_of_its_sentence_is_refused():
    with pytest.raises(ValueError, match="structure"):
        events.make(events.MEMBERSHIP_REQUESTED, AT, subject_id="julie", params={"person": "Julie"}, request="M#s1")
    with pytest.raises(ValueError, match="unknown"):
        events.make("SOMETHING", AT)
    with pytest.raises(ValueError, match="request"):
        events.make(events.MEMBERSHIP_REQUESTED, AT, params={"person": "J", "structure": "S"})


def test_a_request_goes_to_its_requester_first_then_each_manager_once():
    event = events.make(events.MEMBERSHIP_REQUESTED, AT, actor_id="julie", subject_id="julie", structure_id="s1",
                        params={"person": "Julie", "structure": "S"}, managers=["paul", "marc", "paul", "julie"],
                        request="M#s1")
    assert event.readers == ("julie", "paul", "marc")
    assert event.link == "mes-demandes.html"
    assert event.message == "event.MEMBERSHIP_REQUESTED"


def test_a_decision_goes_to_its_requester_only_and_a_removal_to_the_member_and_its_author():
    decided = _request_event(events.MEMBERSHIP_VALIDATED)
    assert decided.readers == ("julie",)
    deleted = events.make(events.MEMBERSHIP_DELETED, AT, actor_id="paul", subject_id="julie", structure_id="s1",
                          params={"person": "J", "structure": "S", "actor": "P"}, managers=["marc"])
    assert deleted.readers == ("julie", "paul")
    assert deleted.request is None  # not a step of a request: « Mes demandes » does not list it


def test_account_events_have_no_structure_and_expire_after_thirteen_months():
    event = events.make(events.PASSWORD_CHANGED, AT, actor_id="julie", subject_id="julie")
    assert event.structure_id is None and event.readers == ("julie",)
    assert event.expires_at - AT == timedelta(days=396)
    assert sentence(event, "fr") == "Votre mot de passe a été modifié."
    assert sentence(event, "en") == "Your password was changed."


def test_a_structure_link_names_the_structure():
    event = events.make(events.PRINCIPAL_TRANSFERRED, AT, actor_id="paul", subject_id="marc", structure_id="s9",
                        params={"person": "Marc", "structure": "S", "actor": "Paul"})
    assert event.link == "structure.html?id=s9"


def test_sentences_translate_roles():
    event = events.make(events.ROLE_CHANGED, AT, actor_id="paul", subject_id="julie", structure_id="s1",
                        params={"person": "Julie Martin", "structure": "Menuiserie Dupont", "actor": "Paul Dupont",
                                "role": "GESTIONNAIRE_SECONDAIRE"})
    assert sentence(event, "fr") == ("Paul Dupont a donné à Julie Martin le rôle « Gestionnaire secondaire » sur "
                                     "Menuiserie Dupont.")
    assert "Secondary manager" in sentence(event, "en")


def test_new_means_since_the_previous_login():
    assert events.is_new(AT, None)
    assert events.is_new(AT, AT - timedelta(seconds=1))
    assert not events.is_new(AT, AT)


def test_requests_group_steps_and_a_new_asking_starts_a_new_request():
    steps = [
        _request_event(events.MEMBERSHIP_REQUESTED, AT),
        _request_event(events.MEMBERSHIP_REFUSED, AT + timedelta(hours=1)),
        _request_event(events.MEMBERSHIP_REQUESTED, AT + timedelta(days=1)),
        _request_event(events.SUBSCRIPTION_REQUESTED, AT + timedelta(hours=2), ref="S#s1#Factures émises"),
    ]
    steps.sort(key=lambda e: (e.request, e.at))
    found = events.requests(steps)
    assert [(r.ref, [s.kind for s in r.steps], r.pending) for r in found] == [
        ("M#s1", [events.MEMBERSHIP_REQUESTED], True),
        ("S#s1#Factures émises", [events.SUBSCRIPTION_REQUESTED], True),
        ("M#s1", [events.MEMBERSHIP_REQUESTED, events.MEMBERSHIP_REFUSED], False),
    ]


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=40))
def test_requests_keep_every_step_once_in_time_order(choices):
    kinds = [events.MEMBERSHIP_REQUESTED, events.MEMBERSHIP_VALIDATED, events.MEMBERSHIP_REFUSED,
             events.MEMBERSHIP_WITHDRAWN, events.SUBSCRIPTION_REQUESTED, events.SUBSCRIPTION_REFUSED]
    steps = [_request_event(kinds[c], AT + timedelta(minutes=i), ref="S#s1#x" if c >= 4 else "M#s1")
             for i, c in enumerate(choices)]
    steps.sort(key=lambda e: (e.request, e.at))
    found = events.requests(steps)
    assert sorted(s.event_id for r in found for s in r.steps) == sorted(s.event_id for s in steps)
    for request in found:
        assert [s.at for s in request.steps] == sorted(s.at for s in request.steps)
        assert all(s.request == request.ref for s in request.steps)
        assert all(s.kind not in events.ASKED for s in request.steps[1:])


@given(st.lists(st.integers(), max_size=200), st.integers(min_value=-5, max_value=150))
def test_chunks_never_exceed_the_room_and_lose_nothing(items, room):
    fitting, rest = events.chunks(items, room)
    assert len(fitting) <= max(room, 0)
    assert fitting + rest == items
