"""« Gérer ses pièces jointes » (guide §6) in Chromium, on the real local stack: the browser uploads straight to the
bucket (the dev server's same-origin proxy of moto's bucket), with the progress bar and « Annuler »; the server's check
and the client's refusals in French; « Éditer », « Télécharger » one file and several as one zip, « Supprimer »."""

import io
import os
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LocalStack, axe_violations, log_in, open_account

LIMIT = 3  # attachments a user may keep on this module's stack (100 by default)


@pytest.fixture(scope="module")
def own(tmp_path_factory, built_frontend):
    """This module's own stack (its journeys change Paul's attachments), with a small per-user limit."""
    before = os.environ.get("ATTACHMENTS_PER_USER")
    os.environ["ATTACHMENTS_PER_USER"] = str(LIMIT)
    try:
        local = LocalStack(tmp_path_factory.mktemp("attachments")).start()
    finally:
        if before is None:
            os.environ.pop("ATTACHMENTS_PER_USER")
        else:
            os.environ["ATTACHMENTS_PER_USER"] = before
    yield local
    local.stop()

PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MIB = 1024 * 1024


def pdf(size: int) -> bytes:
    return PDF_HEAD + b"0" * (size - len(PDF_HEAD))


def choose(page, name: str, content: bytes, mime: str = "application/pdf") -> None:
    page.get_by_label("Sélection de la pièce jointe").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content})


def throttle_uploads(page, bytes_per_second: int | None) -> None:
    """Chromium's own network emulation: slow uploads let the test see the bar move (and cancel it)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": bytes_per_second if bytes_per_second else -1,
    })


def row_of(page, file_name: str):
    return page.locator("#attachments-body tr").filter(has_text=file_name)


def test_a_person_adds_edits_downloads_zips_and_deletes_attachments(own, page):
    log_in(page, own.url)
    open_account(page, own.url)
    table = page.locator("#attachments-table")
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    assert headers == ["Sélection", "Type", "Désignation", "Extension", "Nom du fichier", "Actions"]
    expect(row_of(page, "brochure1.jpg")).to_contain_text("Brochure présentation")

    # « Gérer pièces jointes »: the window, its list and total; axe finds nothing with it open.
    manage = page.get_by_role("button", name="Gérer pièces jointes")
    manage.click()
    window = page.get_by_role("dialog", name="Gestion des pièces jointes")
    expect(window).to_be_visible()
    expect(window.get_by_role("heading", name="Liste des pièces jointes")).to_be_visible()
    expect(window).to_contain_text("Total de 1 pièce(s) jointe(s).")
    expect(window.get_by_role("heading", name="Ajouter une pièce jointe")).to_be_visible()
    assert axe_violations(page) == []

    # Refused before any upload, naming the field: too big; then refused by the server's check: a « pdf » of text.
    choose(page, "trop-gros.pdf", pdf(4 * MIB + 1))
    expect(window.get_by_label("Désignation")).to_have_value("trop-gros.pdf")  # the file name by default
    window.get_by_label("Type de pièce jointe").select_option("Devis")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    too_big = "Le fichier du champ « Sélection de la pièce jointe » dépasse 4 Mo."
    expect(page.locator("#attachment-file-messages")).to_have_text(too_big)
    expect(page.get_by_label("Sélection de la pièce jointe")).to_be_focused()
    choose(page, "vide.pdf", b"")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#attachment-file-messages")).to_have_text(
        "Le fichier du champ « Sélection de la pièce jointe » est vide.")
    choose(page, "setup.exe", b"MZ\x90\x00", "application/octet-stream")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#attachment-file-messages")).to_contain_text(
        "Le champ « Sélection de la pièce jointe » doit être un fichier d'un type accepté (pdf, jpg, jpeg, png")
    expect(page.locator("#attachment-form-errors")).to_contain_text("Le formulaire contient des erreurs")
    choose(page, "faux.pdf", b"Ceci n'est pas un PDF.\n" * 10)
    window.get_by_label("Désignation").fill("Faux")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#attachment-file-messages")).to_have_text(
        "Le contenu du fichier « faux.pdf » ne correspond pas à son extension (pdf) : il n'a pas été enregistré.")
    expect(window).to_contain_text("Total de 1 pièce(s) jointe(s).")

    # A slow upload shows the bar moving, and « Annuler » stops it: nothing recorded.
    content = pdf(3 * MIB)
    throttle_uploads(page, 1 * MIB)
    choose(page, "Procès-verbal.pdf", content)
    window.get_by_label("Désignation").fill("")
    choose(page, "Procès-verbal.pdf", content)
    expect(window.get_by_label("Désignation")).to_have_value("Procès-verbal.pdf")
    window.get_by_label("Type de pièce jointe").select_option("Procès-verbal de réception")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    bar = page.get_by_label("Envoi du fichier")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuetext", re.compile(r"^([1-9]\d?) %$"))  # moving, not done
    assert 0 < bar.evaluate("node => node.value") < 100
    assert axe_violations(page) == []  # with the bar shown
    window.get_by_role("button", name="Annuler", exact=True).click()
    expect(page.locator("#attachment-cancelled")).to_contain_text(
        "L'envoi de « Procès-verbal.pdf » a été annulé : rien n'a été enregistré.")
    expect(bar).to_be_hidden()

    # Sent again: the bar reaches 100 %, then the server records it.
    window.get_by_role("button", name="Ajouter", exact=True).click()
    expect(bar).to_be_visible()
    expect(page.locator("#attachment-added")).to_contain_text(
        "La pièce jointe « Procès-verbal.pdf » (Procès-verbal.pdf) a été ajoutée.", timeout=30_000)
    throttle_uploads(page, None)
    expect(window).to_contain_text("Total de 2 pièce(s) jointe(s).")
    expect(window.locator("#attachments-modal-body")).to_contain_text("Procès-verbal de réception")
    window.get_by_role("button", name="Fermer", exact=True).last.click()
    expect(window).to_be_hidden()
    expect(manage).to_be_focused()
    row = row_of(page, "Procès-verbal.pdf")
    expect(row).to_contain_text("Procès-verbal de réception")
    expect(row).to_contain_text("pdf")

    # « Éditer »: designation and type; a stale edit (changed in another tab meanwhile) is refused with the reason.
    attachment_id = row.get_attribute("data-id")
    row.get_by_role("button", name=re.compile("^Éditer")).click()
    edit = page.get_by_role("dialog", name="Éditer la pièce jointe")
    expect(edit.get_by_label("Désignation")).to_have_value("Procès-verbal.pdf")
    edit.get_by_label("Désignation").fill("PV de réception du chantier")
    edit.get_by_label("Type de pièce jointe").select_option("Divers")
    assert axe_violations(page) == []
    edit.get_by_role("button", name="Enregistrer").click()
    expect(edit).to_be_hidden()
    expect(row).to_contain_text("PV de réception du chantier")
    expect(row).to_contain_text("Divers")
    expect(page.locator(f"#attachment-edit-{attachment_id}")).to_be_focused()
    status = page.evaluate("""async (id) => (await fetch('/api/attachments/' + id, {method: 'PUT',
        headers: {'Content-Type': 'application/json', 'X-Requested-With': 'fetch'},
        body: JSON.stringify({version: 2, designation: 'Autre onglet', attachment_type: 'Divers'})})).status""",
                           attachment_id)
    assert status == 200
    row.get_by_role("button", name=re.compile("^Éditer")).click()
    edit.get_by_label("Désignation").fill("Trop tard")
    # The list read again after the conflict is held until « Annuler » has closed the window: the redrawn row's
    # « Éditer » must still get the focus (it was lost when the answer came last).
    held = []
    page.route("**/api/account", lambda route: held.append(route))
    edit.get_by_role("button", name="Enregistrer").click()
    expect(edit.locator("#attachment-edit-error")).to_contain_text("modifiée entre-temps")
    edit.get_by_role("button", name="Annuler").click()
    expect(page.locator(f"#attachment-edit-{attachment_id}")).to_be_focused()
    for _ in range(50):  # the route's handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/api/account")
    expect(row).to_contain_text("Autre onglet")
    expect(page.locator(f"#attachment-edit-{attachment_id}")).to_be_focused()
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    row = row_of(page, "Procès-verbal.pdf")
    expect(row).to_contain_text("Autre onglet")

    # « Télécharger »: the file under its own name, accents included, and its bytes.
    with page.expect_download() as one:
        row.get_by_role("button", name=re.compile("^Télécharger")).click()
    download = one.value
    assert download.suggested_filename == "Procès-verbal.pdf"
    assert open(download.path(), "rb").read() == content

    # Two ticked rows: one zip built in the browser, with both files.
    page.get_by_label("Sélectionner la pièce jointe Autre onglet (Procès-verbal.pdf)").check()
    page.get_by_label("Sélectionner la pièce jointe Brochure présentation (brochure1.jpg)").check()
    with page.expect_download() as several:
        page.get_by_role("button", name="Télécharger pièces jointes").click()
    archive = several.value
    assert archive.suggested_filename == "pieces-jointes.zip"
    with zipfile.ZipFile(io.BytesIO(open(archive.path(), "rb").read())) as zipped:
        assert sorted(zipped.namelist()) == ["Procès-verbal.pdf", "brochure1.jpg"]
        assert zipped.read("Procès-verbal.pdf") == content
        assert zipped.read("brochure1.jpg")[:3] == b"\xff\xd8\xff"
    expect(page.locator("#attachments-zipped")).to_contain_text("2 pièces jointes")

    # « Supprimer pièces jointes »: the ticked rows, after confirmation; Annuler first changes nothing.
    page.get_by_label("Sélectionner la pièce jointe Brochure présentation (brochure1.jpg)").uncheck()
    delete = page.get_by_role("button", name="Supprimer pièces jointes")
    delete.click()
    confirm = page.get_by_role("dialog", name="Fenêtre de confirmation").filter(has_text="pièces jointes suivantes")
    expect(confirm).to_contain_text("Autre onglet")
    expect(confirm).not_to_contain_text("brochure1.jpg")
    assert axe_violations(page) == []
    confirm.get_by_role("button", name="Annuler").click()
    expect(delete).to_be_focused()
    expect(row).to_be_visible()
    delete.click()
    confirm.get_by_role("button", name="OK").click()
    expect(page.locator("#attachments-success")).to_contain_text("La pièce jointe a été supprimée.")
    expect(row_of(page, "Procès-verbal.pdf")).to_have_count(0)
    expect(row_of(page, "brochure1.jpg")).to_have_count(1)
    expect(delete).to_be_focused()
    assert axe_violations(page) == []



def test_the_dev_server_lets_only_the_attachments_bucket_through(own):
    """moto serves every emulated service on one port: the proxy under /s3 passes the attachments bucket's upload
    (POST) and object reads (GET, HEAD), nothing else, and S3's answers are never rendered as part of the portal."""
    import requests

    from tests.conftest import DEMO_PASSWORD, PAUL

    headers = {"X-Requested-With": "fetch"}
    answer = requests.post(own.url + "/api/auth/login", json={"login": PAUL, "password": DEMO_PASSWORD},
                           headers=headers)
    headers["Cookie"] = answer.headers["Set-Cookie"].split(";")[0]
    ticket = requests.post(own.url + "/api/attachments/uploads", headers=headers, json={
        "file_name": "a.txt", "size": 1, "attachment_type": "Divers", "designation": "a"}).json()
    bucket = ticket["url"].removeprefix("/s3/")
    assert ticket["url"] == f"/s3/{bucket}" and bucket

    def status(method, path, **kwargs):
        return requests.request(method, own.url + path, allow_redirects=False, **kwargs)

    dynamodb = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}
    assert status("POST", "/s3/", data=b"{}", headers=dynamodb).status_code == 404
    assert status("POST", f"/s3/{bucket}", data=b"{}", headers=dynamodb).status_code == 404  # a form upload only
    assert status("GET", "/s3/some-other-bucket/x").status_code == 404
    assert status("GET", f"/s3/{bucket}").status_code == 404  # no listing of the bucket
    assert status("PUT", f"/s3/{bucket}/tmp/x", data=b"x").status_code == 405
    assert status("DELETE", f"/s3/{bucket}/users/x").status_code == 405
    assert status("POST", f"/s3/{bucket}/users/x", data=b"x").status_code == 404
    # The presigned POST passes (moto answers 204), and what S3 serves is sandboxed, never the portal's page.
    sent = status("POST", ticket["url"], data=ticket["fields"], files={"file": ("a.txt", b"a", "text/plain")})
    assert sent.status_code == 204, sent.text
    missing = status("GET", f"/s3/{bucket}/users/none")
    assert missing.status_code == 404  # moto's own answer for a missing key, through the proxy
    assert missing.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert missing.headers["X-Content-Type-Options"] == "nosniff"


def test_the_per_user_limit_is_explained_when_reached(own, page):
    log_in(page, own.url)
    open_account(page, own.url)
    manage = page.get_by_role("button", name="Gérer pièces jointes")
    manage.focus()
    page.keyboard.press("Enter")  # the keyboard opens and closes the window as well
    window = page.get_by_role("dialog", name="Gestion des pièces jointes")
    expect(window).to_be_visible()
    page.keyboard.press("Escape")
    expect(window).to_be_hidden()
    expect(manage).to_be_focused()
    page.keyboard.press("Enter")
    expect(window).to_be_visible()
    total = int(re.search(r"Total de (\d+)", window.locator("#attachments-total").inner_text()).group(1))
    for n in range(total, LIMIT):
        choose(page, f"bon-{n}.txt", b"Bon de livraison\n", "text/plain")
        window.get_by_label("Type de pièce jointe").select_option("Bon de livraison")
        window.get_by_role("button", name="Ajouter", exact=True).click()
        expect(window).to_contain_text(f"Total de {n + 1} pièce(s) jointe(s).")
    choose(page, "un-de-trop.txt", b"Un de trop\n", "text/plain")
    window.get_by_label("Type de pièce jointe").select_option("Divers")
    window.get_by_role("button", name="Ajouter", exact=True).click()
    refused = window.locator("#attachment-refused")
    expect(refused).to_contain_text("Limite de pièces jointes atteinte")
    expect(refused).to_contain_text(
        f"Vous avez atteint la limite de {LIMIT} pièces jointes : supprimez-en une avant d'en ajouter une autre.")
    expect(refused).to_be_focused()
    expect(window).to_contain_text(f"Total de {LIMIT} pièce(s) jointe(s).")
    assert axe_violations(page) == []
