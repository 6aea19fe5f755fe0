"""Requests never wait forever, in Chromium on the real local stack: Claire's request to Menuiserie Dupont waits for
Paul, its principal manager; 15 days later Paul's account is inactive (data from before a successor was required, set
in the saved data between two runs of the stack), the daily job run on demand hands the request to the structure's
secondary managers, and Julie, who acts there as a user, validates it; Claire sees whom it waited for at each step."""

import json
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import LocalStack, axe_violations, log_in, open_account, open_context, ready
from tests.e2e.test_structures import CLAIRE, JULIE, api_post, membership_row

STAMP = "%Y-%m-%dT%H:%M:%S.%f%z"


def api_get(page, base_url: str, path: str) -> dict:
    session = next(c for c in page.context.cookies() if c["name"] == "__Host-mc_session")
    response = page.request.get(base_url + path, headers={"Cookie": f"__Host-mc_session={session['value']}"})
    assert response.ok, response.text()
    return response.json()


def person(browser, base_url: str, login: str):
    page = open_context(browser).new_page()
    log_in(page, base_url, login)
    return page


def age_request_and_deactivate_paul(state_file, menuiserie: str) -> None:
    """What 15 days and an account left inactive would have left in the saved data."""
    state = json.loads(state_file.read_text())
    items = state["tables"]["AccountTable"]
    paul = next(i for i in items if i["kind"]["S"] == "USER" and i["login"]["S"] == PAUL)
    paul["status"] = {"S": "INACTIF"}
    asked = datetime.now(UTC) - timedelta(days=15)
    for item in items:
        if item["kind"]["S"] in ("MEMBERSHIP", "REQUEST_COPY") and item["sk"]["S"].endswith(menuiserie) \
                and item.get("status", {}).get("S") == "EN_COURS_DE_VALIDATION":
            item["requested_at"] = {"S": asked.strftime(STAMP)}
        if item["kind"]["S"] == "REQUEST_CHECK":
            item["gsi1pk"] = {"S": f"STALE#{datetime.now(UTC).date().isoformat()}"}
    state_file.write_text(json.dumps(state))


def test_a_request_whose_principal_is_gone_reaches_a_secondary_acting_as_user(tmp_path, built_frontend, browser):
    data = tmp_path / "data"
    stack = LocalStack(data).start()
    try:
        paul = person(browser, stack.url, PAUL)
        account = api_get(paul, stack.url, "/api/account")
        menuiserie = next(m["structure_id"] for m in account["memberships"] if m["designation"] == "Menuiserie Dupont")
        members = api_get(paul, stack.url, f"/api/structures/{menuiserie}/members")["members"]
        julie_id = next(m["user_id"] for m in members if m["contact_email"] == JULIE)
        named = api_post(paul, stack.url, f"/api/structures/{menuiserie}/members/{julie_id}/role",
                         {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "UTILISATEUR"})
        assert named.ok, named.text()

        claire = person(browser, stack.url, CLAIRE)
        asked = api_post(claire, stack.url, f"/api/structures/{menuiserie}/memberships",
                         {"valid_from": datetime.now(UTC).date().isoformat(), "services": []})
        assert asked.ok, asked.text()
        open_account(claire, stack.url)
        row = membership_row(claire, "Menuiserie Dupont")
        expect(row).to_contain_text("EN_COURS_DE_VALIDATION")
        expect(row).to_contain_text("En attente de : Paul DUPONT (gestionnaire principal)")
        assert axe_violations(claire) == []
        row.get_by_role("link", name="Consulter la demande").click()
        ready(claire)
        expect(claire.locator("#my-membership-waiting-for")).to_have_text("Paul DUPONT (gestionnaire principal)")
        assert axe_violations(claire) == []
    finally:
        stack.stop()

    age_request_and_deactivate_paul(data / "state.json", menuiserie)
    stack = LocalStack(data).start()
    try:
        claire = person(browser, stack.url, CLAIRE)
        ran = claire.request.get(stack.url + "/dev/run/stale_requests").json()
        assert ran == {"job": "stale_requests", "result": {"escalated": 1, "copies": 1}}

        open_account(claire, stack.url)
        waiting = membership_row(claire, "Menuiserie Dupont").locator("[id^=membership-waiting-]")
        expect(waiting).to_contain_text("Julie LEROY (gestionnaire secondaire)")
        expect(waiting).to_contain_text("Marc PETIT (gestionnaire secondaire)")
        expect(waiting).not_to_contain_text("Paul DUPONT")

        julie = person(browser, stack.url, JULIE)
        julie.get_by_role("link", name="Activité du gestionnaire").click()
        ready(julie)
        request_row = julie.locator("#requests-body tr", has_text="Claire MARTIN")
        expect(request_row).to_contain_text("Menuiserie Dupont")
        expect(request_row).to_contain_text("Gestionnaire principal indisponible")
        expect(julie.locator("#manager-empty")).to_be_hidden()
        expect(julie.locator("#structure-section")).to_be_hidden()  # she manages no structure for all that
        assert axe_violations(julie) == []
        julie.get_by_label("Sélectionner la demande de Claire MARTIN pour Menuiserie Dupont").check()
        julie.get_by_role("button", name="Valider la sélection").click()
        expect(julie.locator("#decision-alert")).to_contain_text("Claire MARTIN – Menuiserie Dupont : VALIDEE")

        open_account(claire, stack.url)
        row = membership_row(claire, "Menuiserie Dupont")
        expect(row).to_contain_text("VALIDEE")
        expect(row).not_to_contain_text("En attente de")
    finally:
        stack.stop()
