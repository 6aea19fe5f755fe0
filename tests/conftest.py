"""Fixtures shared by every kind of test."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Never reach a real AWS account from a test, whatever the machine's settings.
from devstack.aws import use_fake_credentials  # noqa: E402

use_fake_credentials()
os.environ.pop("AWS_ENDPOINT_URL", None)

# Fault mode (FAULTS=0.1, FAULTS_SEED): installed before any botocore session exists (devstack/faults.py); always
# installed, at rate 0 unless FAULTS is set, so that a test can force the one fault it is about.
from devstack import faults  # noqa: E402

FAULTS = faults.install_from_env(always=True)

if FAULTS.rate:
    import pytest

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(item):
        """The test's fixtures (the stack, the demo data) are built without faults: the product is under test."""
        with FAULTS.paused():
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(item):
        """Each test's faults follow from the seed and its own id, whatever ran before it: a failure replays alone."""
        FAULTS.reseed(item.nodeid)
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(item):
        with FAULTS.paused():
            yield

    def pytest_sessionfinish(session):
        """An xdist worker injects the faults; its counts go to the controller, which prints them."""
        if hasattr(session.config, "workeroutput"):
            session.config.workeroutput["fault_counts"] = dict(FAULTS.counts)

    def pytest_testnodedown(node, error):
        for name, count in getattr(node, "workeroutput", {}).get("fault_counts", {}).items():
            FAULTS.counts[name] = FAULTS.counts.get(name, 0) + count

    def pytest_terminal_summary(terminalreporter):
        terminalreporter.write_line(f"faults at {FAULTS.rate:.0%} (seed {FAULTS.seed}): {faults.summary(FAULTS)}")

DEMO_PASSWORD = "Copeaux-Rabot-Etabli-42"
PAUL = "paul.dupont@menuiserie.fr"
