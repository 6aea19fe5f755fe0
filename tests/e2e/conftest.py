"""The real local stack (``python -m devstack``) started by the test session; Debian's Chromium driven by Playwright.

A missing browser is a failure, never a skip: these tests are part of what "done" means.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD, PAUL, ROOT

# An assertion waits up to 10 s for the page to get there (Playwright's default is 5 s): a loaded CI machine answers
# slower, and a passing test does not wait longer for it.
expect.set_options(timeout=10_000)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
DIST = ROOT / "frontend" / "dist"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalStack:
    """One ``python -m devstack`` process on a free port with its own data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.process = None
        self.output = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LocalStack":
        env = {**os.environ, "PORT": str(self.port), "DATA_DIR": str(self.data_dir), "DEMO_PASSWORD": DEMO_PASSWORD,
               "PYTHONUNBUFFERED": "1"}
        env.pop("AWS_ENDPOINT_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.output.append(line)
            if "Ctrl-C" in line:
                return self
        self.stop()
        raise RuntimeError("the local stack did not start:\n" + "".join(self.output))

    def stop(self) -> str:
        """Stop it as Ctrl-C does and return what it printed while stopping."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                rest, _ = self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate()
            self.output.append(rest or "")
        return "".join(self.output)


@pytest.fixture(scope="session")
def built_frontend():
    if not (DIST / "index.html").exists() or not AXE.exists():
        pytest.fail("frontend/dist or axe-core is missing: run `make test` (it builds the frontend) or `make frontend`")


@pytest.fixture(scope="session")
def stack(tmp_path_factory, built_frontend):
    local = LocalStack(tmp_path_factory.mktemp("stack")).start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def own(tmp_path_factory, built_frontend, request):
    """A local stack for the calling module only: its journeys change the demo data, which the other modules must
    find fresh."""
    local = LocalStack(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])).start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests and is missing at {CHROMIUM} "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def open_context(browser):
    """A fresh browser profile, as a French user in France sees the portal."""
    ctx = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True)
    ctx.set_default_timeout(15_000)
    return ctx


@pytest.fixture
def context(browser):
    ctx = open_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def new_context(browser):
    """Open more browser contexts (one per person) in a test; all closed at the end."""
    opened = []

    def make():
        opened.append(open_context(browser))
        return opened[-1]

    yield make
    for ctx in opened:
        ctx.close()


def ready(page) -> None:
    """Wait until the page has rendered its data."""
    page.wait_for_selector('main[data-ready="true"]')


@pytest.fixture
def page(context):
    return context.new_page()


SETTLE = """async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    await frame();
    await frame();
    const finite = document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime));
    await Promise.all(finite.map((a) => a.finished.catch(() => null)));
}"""


def axe_violations(page) -> list:
    """Run axe-core in the page; returns the violations as (id, impact, first target) for readable failures.

    Injected with evaluate, which the page's CSP does not govern (a script tag would be blocked, as it should).
    """
    # Colour contrast is computed from the rendered opacity: a DSFR modal fading in (0.3 s) would be measured
    # half-transparent. Let the page settle first: two frames for transitions started by script, then every
    # finite animation or transition (spinners loop forever and are left alone).
    page.evaluate(SETTLE)
    page.evaluate(AXE.read_text())
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], v["impact"], v["nodes"][0]["target"] if v["nodes"] else None) for v in violations]


def log_in(page, base_url: str, login: str = PAUL, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Identifiant de connexion").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/accueil.html")
    ready(page)


def person(new_context, base_url: str, login: str):
    """A page of its own browser context, logged in as ``login``."""
    page = new_context().new_page()
    log_in(page, base_url, login)
    return page


def open_account(page, base_url: str) -> None:
    page.goto(base_url + "/mon-compte.html")
    ready(page)
