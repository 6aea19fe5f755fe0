"""Done when: a newcomer logs in as Paul, changes the address and the password, restarts, and finds both saved."""

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import LocalStack, log_in, open_account, open_context

NEW_PASSWORD = "Chene-Massif-Raboteuse-7"


def test_address_and_password_survive_a_restart(tmp_path, built_frontend, browser):
    stack = LocalStack(tmp_path / "data").start()
    try:
        context = open_context(browser)
        page = context.new_page()
        log_in(page, stack.url)
        open_account(page, stack.url)
        page.get_by_label("Adresse", exact=True).fill("25 avenue des Charpentiers")
        page.get_by_label("Code postal").fill("75012")
        page.get_by_label("Ville", exact=True).fill("Paris")
        page.locator("#password-current").fill(__import__("tests.conftest").conftest.DEMO_PASSWORD)
        page.locator("#password-new").fill(NEW_PASSWORD)
        page.locator("#password-confirmation").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Valider").click()
        expect(page.locator("#success-alert")).to_be_visible()
        context.close()
    finally:
        stopped = stack.stop()
    assert "Arrêté" in stopped

    again = LocalStack(tmp_path / "data").start()
    try:
        context = open_context(browser)
        page = context.new_page()
        log_in(page, again.url, PAUL, NEW_PASSWORD)
        open_account(page, again.url)
        expect(page.get_by_label("Adresse", exact=True)).to_have_value("25 avenue des Charpentiers")
        expect(page.get_by_label("Ville", exact=True)).to_have_value("Paris")
        context.close()
    finally:
        again.stop()
