"""``make bench``: figures, not assertions.

Cold start: the median time to import ``app`` in a fresh interpreter, divided by the median for ``import boto3`` alone
(same run, interleaved, at least 5 of each). Also the time of the first « Mon Compte » request after the import,
which is what the first user of a new Lambda instance waits for on top of the import.

Login failures: the median time of a wrong password for a known login and for an unknown one (interleaved; the clock
is moved an hour between attempts so that throttling never answers instead). They should be equal: an unknown login
does the same reads and the same argon2 verification.
"""

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", 9))


def fresh_import(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(output.stdout.strip())


def cold_start() -> None:
    app_times, boto3_times = [], []
    for _ in range(RUNS):
        app_times.append(fresh_import("import app"))
        boto3_times.append(fresh_import("import boto3"))
    app_median, boto3_median = statistics.median(app_times), statistics.median(boto3_times)
    print(f"cold start: import app {app_median * 1000:.0f} ms, import boto3 {boto3_median * 1000:.0f} ms "
          f"(medians of {RUNS}); ratio {app_median / boto3_median:.2f} (aim: 1.5 or less)")


FIRST_REQUEST = """
import json, os, sys, time
sys.path.insert(0, '.')
from tests.conftest import DEMO_PASSWORD, PAUL
from moto import mock_aws
with mock_aws():
    from devstack.resources import create_resources
    os.environ.update(create_resources())
    from devstack.seed import seed
    seed(DEMO_PASSWORD)
    t0 = time.perf_counter()
    from chalice.test import Client
    import app
    t1 = time.perf_counter()
    with Client(app.app, stage_name='dev', project_dir='.') as client:
        headers = {'Content-Type': 'application/json', 'X-Requested-With': 'fetch'}
        credentials = json.dumps({'login': PAUL, 'password': DEMO_PASSWORD})
        r = client.http.post('/auth/login', headers=headers, body=credentials)
        cookie = r.headers['Set-Cookie'].split(';')[0]
        t2 = time.perf_counter()
        client.http.get('/account', headers={'Cookie': cookie})
        t3 = time.perf_counter()
        times = []
        for _ in range(50):
            s = time.perf_counter()
            client.http.get('/account', headers={'Cookie': cookie})
            times.append(time.perf_counter() - s)
    times.sort()
    print(f"{(t1 - t0) * 1000:.0f} {(t2 - t1) * 1000:.0f} {(t3 - t2) * 1000:.0f} {times[len(times) // 2] * 1000:.1f}")
"""


def first_requests() -> None:
    output = subprocess.run([sys.executable, "-c", FIRST_REQUEST], cwd=ROOT, capture_output=True, text=True, check=True)
    imported, login, first_account, warm_account = output.stdout.split()
    print(f"first requests in a fresh process (moto in-process): import {imported} ms, first login {login} ms "
          f"(argon2id verify included), first GET /account {first_account} ms; "
          f"warm GET /account median {warm_account} ms")


LOGIN_FAILURES = """
import json, os, statistics, sys, time
from datetime import timedelta
sys.path.insert(0, '.')
from tests.conftest import DEMO_PASSWORD, PAUL
from tests.api.conftest import NOW
from moto import mock_aws
with mock_aws():
    from devstack.resources import create_resources
    os.environ.update(create_resources())
    from devstack.seed import seed
    seed(DEMO_PASSWORD)
    from chalice.test import Client
    from chalicelib.domain import clock
    import app
    headers = {'Content-Type': 'application/json', 'X-Requested-With': 'fetch'}
    known, unknown = [], []
    with Client(app.app, stage_name='dev', project_dir='.') as client:
        def attempt(login_name, hour):
            clock.set_now(NOW + timedelta(hours=hour))
            payload = json.dumps({'login': login_name, 'password': 'Pas-le-bon-1'})
            start = time.perf_counter()
            response = client.http.post('/auth/login', headers=headers, body=payload)
            assert response.status_code == 401, response.body
            return time.perf_counter() - start
        attempt(PAUL, 0), attempt('chauffe@exemple.fr', 0)
        for i in range(RUNS):
            known.append(attempt(PAUL, 2 * i + 1))
            unknown.append(attempt(f'inconnu{i}@exemple.fr', 2 * i + 2))
    print(f"{statistics.median(known) * 1000:.1f} {statistics.median(unknown) * 1000:.1f}")
"""


def login_failures(root: Path = ROOT) -> None:
    code = LOGIN_FAILURES.replace("RUNS", str(max(RUNS, 10)))
    output = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    known, unknown = output.stdout.split()
    print(f"login with a wrong password (medians of {max(RUNS, 10)}): known login {known} ms, unknown login "
          f"{unknown} ms (aim: equal)")


if __name__ == "__main__":
    cold_start()
    first_requests()
    login_failures()
