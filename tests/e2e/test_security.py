"""« Sécurité et confidentialité » in Chromium: « Mes sessions » with two browsers, the second factor turned on with a
code computed from the secret shown, then a login with a code; axe-core on each new screen."""

import time

import pyotp
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD, PAUL
from tests.e2e.conftest import axe_violations, log_in, person, ready


def test_sessions_second_factor_and_login_with_a_code(own, new_context):
    first = person(new_context, own.url, PAUL)
    other = person(new_context, own.url, PAUL)

    # A principal manager is encouraged to turn the second factor on.
    first.goto(own.url + "/activite-gestionnaire.html")
    ready(first)
    expect(first.locator("#second-factor-notice")).to_be_visible()
    assert axe_violations(first) == []

    # « Mon Compte » → « Sécurité et confidentialité »: both sessions, the current one marked.
    first.goto(own.url + "/mon-compte.html")
    ready(first)
    first.get_by_role("link", name="Mes sessions, historique de connexion et double authentification").click()
    first.wait_for_url("**/securite.html")
    ready(first)
    expect(first.get_by_role("heading", level=1)).to_have_text("Sécurité et confidentialité")
    rows = first.locator("#sessions-body tr")
    expect(rows).to_have_count(2)
    expect(first.locator('#sessions-body tr[data-current="true"]')).to_contain_text("Session actuelle")
    expect(rows.first).to_contain_text("Chrome")
    assert axe_violations(first) == []

    # « Fermer » ends the other browser's session at once.
    first.get_by_role("button", name="Fermer la session").click()
    expect(first.locator("#session-closed")).to_contain_text("La session est fermée.")
    expect(rows).to_have_count(1)
    other.goto(own.url + "/mon-compte.html")
    other.wait_for_url(own.url + "/")

    # Turn the second factor on with the first code of the secret shown.
    first.get_by_role("button", name="Activer la double authentification").click()
    expect(first.locator("#totp-qr")).to_be_visible()
    secret = first.locator("#totp-secret").inner_text().replace(" ", "")
    assert axe_violations(first) == []
    totp = pyotp.TOTP(secret)
    first.get_by_role("textbox", name="Code de vérification").fill(totp.now())
    first.get_by_role("button", name="Valider").click()
    expect(first.locator("#totp-codes-list li")).to_have_count(10)
    expect(first.get_by_role("heading", name="Vos codes de secours")).to_be_focused()
    assert axe_violations(first) == []
    first.get_by_role("button", name="J'ai noté mes codes").click()
    expect(first.locator("#totp-status")).to_contain_text("La double authentification est activée")
    expect(first.locator("#history-body")).to_contain_text("Double authentification activée")
    expect(first.locator("#history-body")).to_contain_text("Connexion")

    # Log out, log in again: the code comes after the password.
    first.get_by_role("button", name="Déconnexion").first.click()
    first.wait_for_url(own.url + "/")
    first.get_by_label("Identifiant de connexion").fill(PAUL)
    first.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    first.get_by_role("button", name="Se connecter").click()
    expect(first.get_by_role("heading", name="Vérification en deux étapes")).to_be_focused()
    assert axe_violations(first) == []
    first.get_by_role("textbox", name="Code de vérification").fill("000000")
    first.get_by_role("button", name="Valider le code").click()
    expect(first.locator("#code-error")).to_contain_text("Ce code n'est pas valide")
    # The code of the next step: the one just used to confirm cannot be replayed.
    first.get_by_role("textbox", name="Code de vérification").fill(totp.at(time.time() + 30))
    first.get_by_role("button", name="Valider le code").click()
    first.wait_for_url("**/accueil.html")
    ready(first)

    # The manager's notice is gone.
    first.goto(own.url + "/activite-gestionnaire.html")
    ready(first)
    expect(first.locator("#second-factor-notice")).to_be_hidden()


def test_a_login_without_second_factor_is_unchanged(own, page):
    log_in(page, own.url, "julie.leroy@menuiserie.fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil connecté")
