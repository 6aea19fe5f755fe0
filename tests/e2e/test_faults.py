"""What a person sees when AWS stays busy through the server's retries (503 ``service_unavailable``, issue 14): the
API's message under a title that says the service is unavailable, and the form as it was typed, sent again at will."""

import json

from playwright.sync_api import expect

from chalicelib.api.messages import say
from tests.e2e.conftest import axe_violations, log_in, open_account


def test_a_busy_service_says_so_keeps_what_was_typed_and_the_same_valider_then_saves_it(own, page):
    log_in(page, own.url)
    open_account(page, own.url)
    page.get_by_label("Nom", exact=True).fill("DURAND")
    answer = {"code": "service_unavailable", "message": say("service_unavailable", "fr", seconds=2), "fields": {}}

    def busy(route):
        if route.request.method == "PUT":
            route.fulfill(status=503, headers={"Retry-After": "2", "Content-Type": "application/json"},
                          body=json.dumps(answer))
        else:
            route.continue_()

    page.route("**/api/account", busy)
    page.get_by_role("button", name="Valider").click()
    alert = page.locator("#error-alert")
    expect(alert).to_contain_text("Service momentanément indisponible")
    expect(alert).to_contain_text("rien n'a été enregistré. Réessayez dans 2 secondes, vos saisies sont conservées.")
    expect(page.get_by_label("Nom", exact=True)).to_have_value("DURAND")
    expect(page.get_by_role("button", name="Valider")).to_be_enabled()
    assert axe_violations(page) == []
    page.unroute("**/api/account", busy)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#success-alert")).to_contain_text("Vos informations ont été enregistrées.")
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    expect(page.get_by_label("Nom", exact=True)).to_have_value("DURAND")
