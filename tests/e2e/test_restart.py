"""Done when: a newcomer logs in as Paul, changes the address and the password, restarts, and finds both saved; the
mails sent before the restart are still in the local outbox, so a link can be followed after it."""

import time

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
        asked = page.request.post(stack.url + "/api/auth/password-reset/request", data={"login": PAUL},
                                  headers={"X-Requested-With": "fetch"})
        assert asked.ok, asked.text()
        deadline = time.monotonic() + 5  # the mailer sends it a moment later, off the request path
        outbox = stack.url + "/dev/outbox.json"
        # (the demo's rejected invoice mails its holder, Marc, when the stack starts: only Paul's mail is counted)
        sent_before = page.request.get(outbox).json()
        while not [m for m in sent_before if m["to"] == PAUL] and time.monotonic() < deadline:
            time.sleep(0.1)
            sent_before = page.request.get(outbox).json()
        assert [mail["to"] for mail in sent_before if mail["to"] == PAUL] == [PAUL]
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
        assert page.request.get(again.url + "/dev/outbox.json").json() == sent_before
        context.close()
    finally:
        again.stop()
