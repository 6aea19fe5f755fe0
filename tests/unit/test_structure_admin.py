"""Rules of a structure's administration: the edit form, the end of a rattachement by a manager, and what the
deactivation of a service does to the rattachements limited to it."""

from dataclasses import dataclass

import pytest

from chalicelib.domain.entities import ServiceRef
from chalicelib.domain.errors import TransitionRefused
from chalicelib.domain.memberships import (
    DEACTIVATED,
    DELETED,
    MEMBERSHIP,
    PENDING,
    PRINCIPAL,
    REFUSED,
    SECONDARY,
    USER,
    VALIDATED,
    service_losses,
)
from chalicelib.domain.structures import check_structure_update, service_code_problem

MOBURB, MENINT = ServiceRef("MOBURB", "Mobilier urbain"), ServiceRef("MENINT", "Menuiseries Intérieures")


@pytest.mark.parametrize("start", [VALIDATED, DEACTIVATED])
def test_a_manager_ends_a_validated_or_suspended_link(start):
    assert MEMBERSHIP.transition("end").check(start) == DELETED


@pytest.mark.parametrize("start", [PENDING, REFUSED, DELETED, None])
def test_a_request_or_a_link_already_over_is_not_ended(start):
    with pytest.raises(TransitionRefused):
        MEMBERSHIP.transition("end").check(start)


@dataclass
class Link:
    user_id: str
    status: str
    services: list
    role: str = USER


def test_what_the_deactivation_of_a_service_does_to_each_link():
    links = [
        Link("only", VALIDATED, [MOBURB]),
        Link("two", VALIDATED, [MOBURB, MENINT]),
        Link("whole", VALIDATED, []),
        Link("other", VALIDATED, [MENINT]),
        Link("asking", PENDING, [MOBURB]),
        Link("asking-two", PENDING, [MENINT, MOBURB]),
        Link("suspended", DEACTIVATED, [MOBURB]),
        Link("refused", REFUSED, [MOBURB]),
        Link("gone", DELETED, [MOBURB]),
        Link("principal", VALIDATED, [MOBURB], role=PRINCIPAL),
        Link("secondary", VALIDATED, [MOBURB], role=SECONDARY),
    ]
    losses = {loss.membership.user_id: loss for loss in service_losses(links, "MOBURB")}
    assert set(losses) == {"only", "two", "asking", "asking-two", "suspended", "principal", "secondary"}
    endings = {user: loss.ending.name if loss.ending else None for user, loss in losses.items()}
    assert endings == {"only": "leave", "two": None, "asking": "withdraw", "asking-two": None, "suspended": "end",
                       "principal": None, "secondary": "leave"}
    assert losses["two"].remaining == [MENINT] and losses["asking-two"].remaining == [MENINT]
    assert losses["principal"].remaining == []  # widened to the whole structure: it keeps its structure
    for loss in losses.values():
        if loss.ending:
            assert loss.ending.check(loss.membership.status) == DELETED


def edit(**changes):
    data = {"version": 1, "address": {"line1": "10 rue du bois", "line2": None, "postal_code": "96300",
                                      "city": "Villeneuve", "country": "FR"},
            "contact_email": None, "phone": None}
    for key, value in changes.items():
        if key in data["address"]:
            data["address"][key] = value
        else:
            data[key] = value
    return check_structure_update(data)


def test_the_edit_normalises_contact_details_as_a_profile_does():
    changes, problems = edit(contact_email="Accueil@Menuiserie.FR", phone="03 92 35 78 95", line2="")
    assert problems == {}
    assert changes == {"address_line1": "10 rue du bois", "address_line2": None, "postal_code": "96300",
                       "city": "Villeneuve", "country": "FR", "contact_email": "Accueil@menuiserie.fr",
                       "phone": "+33392357895"}


def test_every_problem_of_the_edit_is_reported_at_once():
    _, problems = edit(line1="", postal_code="963", contact_email="nobody", phone="0")
    assert {path: problem.key for path, problem in problems.items()} == {
        "address.line1": "field.required", "address.postal_code": "postal_code.france",
        "contact_email": "email.invalid", "phone": "phone.invalid"}
    _, problems = edit(country="XX", postal_code="")
    assert {path: problem.key for path, problem in problems.items()} == {
        "address.postal_code": "field.required", "address.country": "country.invalid"}


def test_a_service_code_stays_taken_by_a_deactivated_service():
    assert service_code_problem("MOBURB", ["MOBURB", "MENINT"]).key == "service.taken"
    assert service_code_problem("ESCAL", ["MOBURB", "MENINT"]) is None
