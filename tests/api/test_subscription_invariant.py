"""A subscription only ever exists for a service its user is attached to: random sequences of requests, decisions,
removals, spaces set on and taken off the structure, rattachements ended and asked again, and account deactivations
and reactivations, through the public routes, with the table checked after every step."""

import os

import boto3
import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chalicelib.jobs import table_changes
from devstack import faults
from tests.api.conftest import DEMO_PASSWORD, NOW, body, login, send
from tests.api.test_lifecycle import last_link, secrets_payload
from tests.api.test_structures import JULIE, MARC, PAUL, structure_id, user_id

SPACES = ("Factures émises", "Factures reçues", "Sollicitations reçues")
HABILITATIONS = ("MODIFICATION", "CONSULTATION_UNIQUEMENT")
SERVICES = (None, "MOBURB", "MENINT", "MEUBLES")
PASSWORDS = ("Hirondelle-Vent-Marais-8", "Martinet-Pluie-Roseau-5")


def attached_services(items: list[dict]) -> dict[tuple[str, str], tuple[str, set | None]]:
    """(user, structure) → (status of the rattachement, its service codes; None: the whole structure)."""
    links = {}
    for item in items:
        if item["kind"]["S"] == "MEMBERSHIP":
            services = item.get("services", {}).get("L")
            # A refused service of the rattachement reaches nothing.
            codes = {s["M"]["code"]["S"] for s in services
                     if s["M"].get("status", {}).get("S") != "REFUSEE"} if services else None
            links[(item["user_id"]["S"], item["structure_id"]["S"])] = (item["status"]["S"], codes)
    return links


def partition_items(*pks: str) -> list[dict]:
    """The items of a few partitions, as a scan would give them (cheaper than reading the whole table each step)."""
    dynamodb = boto3.client("dynamodb")
    items = []
    for pk in pks:
        for page in dynamodb.get_paginator("query").paginate(
                TableName=os.environ["TABLE_NAME"], KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}}):
            items.extend(page["Items"])
    return items


def check_every_subscription_is_covered(pks) -> int:
    items = partition_items(*pks)
    links = attached_services(items)
    active_services = {(i["structure_id"]["S"], i["code"]["S"]) for i in items
                       if i["kind"]["S"] == "SERVICE" and i.get("active", {}).get("BOOL", True)}
    count = 0
    for item in items:
        if item["kind"]["S"] != "SUBSCRIPTION":
            continue
        count += 1
        key = (item["user_id"]["S"], item["structure_id"]["S"])
        status, codes = links.get(key, (None, None))
        # Suspended with its account (DESACTIVEE), a rattachement keeps its subscriptions until the reactivation.
        assert status in ("VALIDEE", "DESACTIVEE"), (item["sk"]["S"], status)
        code = item.get("service_code", {}).get("S")
        if code is None:
            assert codes is None, f"{item['sk']['S']}: the whole structure, but attached to {codes} only"
        else:
            assert codes is None or code in codes, f"{item['sk']['S']}: not attached to {code}"
            assert (item["structure_id"]["S"], code) in active_services
    return count


def test_a_subscription_only_exists_for_a_service_its_user_is_attached_to(client, stream, frozen_clock):
    paul = login(client, PAUL)
    menuiserie = structure_id(client, paul, "menuiserie")
    julie_id = user_id(JULIE)
    partitions = [f"USER#{user_id(who)}" for who in (PAUL, JULIE, MARC)] + [f"STRUCTURE#{menuiserie}"]
    steps = {}
    state = {"password": DEMO_PASSWORD, "julie": login(client, JULIE), "active": True, "password_index": 0}

    def apply_stream():
        table_changes.handle(stream.read())

    class Journey(RuleBasedStateMachine):
        @rule(space=st.sampled_from(SPACES), code=st.sampled_from(SERVICES),
              habilitation=st.sampled_from(HABILITATIONS))
        def julie_asks(self, space, code, habilitation):
            steps["julie_asks"] = steps.get("julie_asks", 0) + 1
            if not state["active"]:
                return
            payload = {"space": space, "rows": [{"service_code": code, "habilitation": habilitation}],
                       "valid_from": NOW.date().isoformat()}
            response = send(client, "POST", f"/structures/{menuiserie}/subscriptions", payload, cookie=state["julie"])
            assert response.status_code in (201, 403, 422), response.body

        @rule(validate=st.booleans(), data=st.data())
        def paul_decides(self, validate, data):
            steps["paul_decides"] = steps.get("paul_decides", 0) + 1
            requests = body(send(client, "GET", f"/structures/{menuiserie}/subscription-requests", cookie=paul))
            if not requests["requests"]:
                return
            chosen = data.draw(st.sampled_from(requests["requests"]))
            target = {k: chosen[k] for k in ("user_id", "service_code", "space", "habilitation")}
            response = send(client, "POST", f"/structures/{menuiserie}/subscription-requests/decide",
                            {"decision": "VALIDER" if validate else "REFUSER", "requests": [target]}, cookie=paul)
            assert response.status_code == 200, response.body

        @rule(space=st.sampled_from(SPACES), habilitation=st.sampled_from(HABILITATIONS), take_off=st.booleans())
        def paul_sets_a_space(self, space, habilitation, take_off):
            steps["paul_sets_a_space"] = steps.get("paul_sets_a_space", 0) + 1
            if take_off:
                response = send(client, "POST", f"/structures/{menuiserie}/spaces/remove", {"space": space},
                                cookie=paul)
            else:
                response = send(client, "POST", f"/structures/{menuiserie}/spaces",
                                {"space": space, "habilitation": habilitation}, cookie=paul)
            assert response.status_code == 202, response.body
            apply_stream()

        @rule()
        def julie_leaves(self):
            steps["julie_leaves"] = steps.get("julie_leaves", 0) + 1
            if state["active"]:
                send(client, "POST", f"/memberships/{menuiserie}/delete", {}, cookie=state["julie"])

        @rule(codes=st.lists(st.sampled_from(SERVICES[1:]), unique=True, max_size=2))
        def julie_comes_back(self, codes):
            steps["julie_comes_back"] = steps.get("julie_comes_back", 0) + 1
            if not state["active"]:
                return
            payload = {"valid_from": NOW.date().isoformat(), "services": codes}
            asked = send(client, "POST", f"/structures/{menuiserie}/memberships", payload, cookie=state["julie"])
            if asked.status_code == 201:
                decision = {"decision": "VALIDER", "requests": [{"structure_id": menuiserie, "user_id": julie_id}]}
                assert send(client, "POST", "/manager/requests/decide", decision, cookie=paul).status_code == 200

        @rule(now=st.integers(0, 2))
        def julie_deactivates_or_reactivates(self, now):
            if now:  # a third of the draws: each reactivation costs three password hashes
                return
            steps["julie_deactivates_or_reactivates"] = steps.get("julie_deactivates_or_reactivates", 0) + 1
            if state["active"]:
                assert send(client, "POST", "/account/deactivation", {"successors": {}},
                            cookie=state["julie"]).status_code == 204
                state["active"] = False
                return
            send(client, "POST", "/auth/reactivation/request", {"login": JULIE})
            state["password_index"] ^= 1
            password = PASSWORDS[state["password_index"]]
            assert send(client, "POST", "/auth/reactivation",
                        secrets_payload(last_link(JULIE), password=password)).status_code == 200
            state.update(active=True, password=password, julie=login(client, JULIE, password))

        @invariant()
        def covered(self):
            with faults.ACTIVE.paused():  # the test's own look at the table, without faults
                check_every_subscription_is_covered(partitions)

    run_state_machine_as_test(Journey, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    assert check_every_subscription_is_covered(partitions) > 0
    # The journeys went everywhere (with derandomize, the same ones each run).
    assert set(steps) == {"julie_asks", "paul_decides", "paul_sets_a_space", "julie_leaves", "julie_comes_back",
                          "julie_deactivates_or_reactivates"}, steps
