"""Every structure has exactly one principal manager at every moment, whatever people do (stateful property test)."""

import os
import uuid

import boto3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from stdnum import luhn

from chalicelib.domain.entities import UserProfile
from chalicelib.domain.errors import DomainError
from chalicelib.services import memberships as membership_service
from chalicelib.services import structures as service
from chalicelib.services.auth import CurrentSession
from chalicelib.store import accounts, memberships, structures
from devstack import faults
from tests.api.conftest import NOW, table_items

PEOPLE = 3
SEEN = {"transfers": 0, "validations": 0}


def siret(n: int) -> str:
    siren = f"{40000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def empty_table():
    dynamodb = boto3.client("dynamodb")
    for item in table_items():
        dynamodb.delete_item(TableName=os.environ["TABLE_NAME"], Key={"pk": item["pk"], "sk": item["sk"]})


class Portal(RuleBasedStateMachine):
    @initialize()
    @faults.ACTIVE.paused()  # the people are the fixture; the rules run with faults when FAULTS is set
    def people(self):
        empty_table()
        self.users, self.structures, self.count = [], [], 0
        for index in range(PEOPLE):
            user_id = uuid.uuid4().hex
            accounts.create_user(UserProfile(
                user_id=user_id, login=f"person{index}@example.fr", contact_email=f"person{index}@example.fr",
                last_name=f"NOM{index}", first_name=f"Prénom{index}", address_line1="1 rue", address_line2=None,
                address_line3=None, city="Paris", country="FR", postal_code="75001", phone=None, fax=None,
                language="FR", notifications=True, status="ACTIF", created_at=NOW, reactivated_at=None,
                deactivated_at=None, updated_at=None, password_changed_at=NOW, secret_question="?",
            ), "not-a-real-hash", "not-a-real-hash")
            self.users.append(CurrentSession(user_id, "token", None))

    @rule(who=st.integers(0, PEOPLE - 1))
    def create_structure(self, who):
        self.count += 1
        created = service.create(self.users[who], {
            "identifier_type": "SIRET", "identifier": siret(self.count), "designation": f"Structure {self.count}",
            "label": None, "structure_type": "PRIVEE", "last_name": None, "first_name": None,
            "address": {"line1": "1 rue", "line2": None, "postal_code": "75001", "city": "Paris", "country": "FR"},
            "services": [],
        })
        self.structures.append(created.structure_id)

    @precondition(lambda self: self.structures)
    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, 50))
    def ask_to_join(self, who, which):
        from datetime import date

        sid = self.structures[which % len(self.structures)]
        try:
            membership_service.request(self.users[who], sid, {"valid_from": date(2026, 1, 1), "valid_until": None,
                                                   "comment": None, "services": []})
        except DomainError:
            pass

    def _principal(self, sid):
        principal_id = structures.get_structure(sid).principal_user_id
        return next(u for u in self.users if u.user_id == principal_id)

    @precondition(lambda self: self.structures)
    @rule(manager=st.none() | st.integers(0, PEOPLE - 1), requester=st.integers(0, PEOPLE - 1),
          which=st.integers(0, 50), validated=st.booleans())
    def decide(self, manager, requester, which, validated):
        """``manager`` None: the structure's own principal decides; otherwise anyone tries."""
        sid = self.structures[which % len(self.structures)]
        deciding = self._principal(sid) if manager is None else self.users[manager]
        try:
            results = membership_service.decide(deciding, validated, None,
                                                [{"structure_id": sid, "user_id": self.users[requester].user_id}])
        except DomainError:
            return  # a caller who manages no structure is refused as a whole
        SEEN["validations"] += results[0].status == "VALIDEE"

    @precondition(lambda self: self.structures)
    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, 50))
    def join_and_get_validated(self, who, which):
        """The common path in one step: someone asks, the principal validates."""
        self.ask_to_join(who, which)
        self.decide(None, who, which, True)

    @precondition(lambda self: self.structures)
    @rule(which=st.integers(0, 50), pick=st.integers(0, PEOPLE - 1))
    def principal_hands_over(self, which, pick):
        """The principal leaves, naming one of the structure's members (when it has one)."""
        self.leave(None, which, "member", pick)

    @precondition(lambda self: self.structures)
    @rule(who=st.none() | st.integers(0, PEOPLE - 1), which=st.integers(0, 50),
          successor=st.sampled_from(["none", "anyone", "member"]), pick=st.integers(0, PEOPLE - 1))
    def leave(self, who, which, successor, pick):
        """``who`` None: the structure's principal tries to leave; otherwise anyone. The successor named is nobody,
        anyone, or one of the structure's validated members."""
        sid = self.structures[which % len(self.structures)]
        if successor == "member":
            # Prefer a structure where someone could take over, so that transfers really happen.
            crowded = [s for s in self.structures if len(memberships.members(s, "VALIDEE")) > 1]
            sid = crowded[which % len(crowded)] if crowded else sid
        leaving = self._principal(sid) if who is None else self.users[who]
        members = [m.user_id for m in memberships.members(sid, "VALIDEE") if m.user_id != leaving.user_id]
        successor_id = {"none": None, "anyone": self.users[pick].user_id,
                        "member": members[pick % len(members)] if members else None}[successor]
        try:
            after = membership_service.leave(leaving, sid, successor_id)
        except DomainError:
            return
        SEEN["transfers"] += after.status == "VALIDEE"  # a principal who left stays, as a user

    @invariant()
    def exactly_one_principal(self):
        with faults.ACTIVE.paused():  # the test's own look at the table: the rules run with faults (FAULTS), not this
            for sid in getattr(self, "structures", []):
                principals = [m for m in memberships.members(sid) if m.role == "GESTIONNAIRE_PRINCIPAL"]
                assert len(principals) == 1, (sid, [(m.user_id, m.status) for m in principals])
                assert principals[0].status == "VALIDEE"
                assert structures.get_structure(sid).principal_user_id == principals[0].user_id


def test_exactly_one_principal_manager_at_every_step(aws, frozen_clock):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(Portal, settings=settings(
        max_examples=15, stateful_step_count=12, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    ))
    # The runs reached the paths that could break the invariant.
    assert SEEN["validations"] > 0 and SEEN["transfers"] > 0, SEEN
