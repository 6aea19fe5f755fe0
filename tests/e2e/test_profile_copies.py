"""Done when: a member renames itself on « Mon Compte » and its manager's « Activité du gestionnaire » shows the new
name, on the local stack, whose poller hands the table's stream to the same handler the cloud invokes."""

import time

from playwright.sync_api import expect

from tests.e2e.conftest import LocalStack, log_in, open_account, open_context, ready

JULIE = "julie.leroy@menuiserie.fr"


def test_a_manager_sees_the_name_a_member_saves(tmp_path, built_frontend, browser):
    stack = LocalStack(tmp_path / "data").start()
    try:
        julie = open_context(browser).new_page()
        log_in(julie, stack.url, JULIE)
        open_account(julie, stack.url)
        julie.get_by_label("Prénom", exact=True).fill("Juliette")
        julie.get_by_role("button", name="Valider").click()
        expect(julie.locator("#success-alert")).to_be_visible()

        paul = open_context(browser).new_page()
        log_in(paul, stack.url)
        paul.goto(stack.url + "/activite-gestionnaire.html")
        ready(paul)
        menuiserie = paul.locator("#managed-structure option", has_text="Menuiserie Dupont").get_attribute("value")
        # The copies follow within the poller's period (0.5 s); give it a few before looking.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            members = paul.request.get(f"{stack.url}/api/structures/{menuiserie}/members").json()["members"]
            if any(m["first_name"] == "Juliette" for m in members):
                break
            time.sleep(0.25)
        paul.reload()
        ready(paul)
        paul.get_by_label("Structure gérée").select_option(menuiserie)
        expect(paul.locator("#members-body tr", has_text="LEROY")).to_contain_text("Juliette")
    finally:
        stack.stop()
