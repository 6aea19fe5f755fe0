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

DEMO_PASSWORD = "Copeaux-Rabot-Etabli-42"
PAUL = "paul.dupont@menuiserie.fr"
