"""``make bench``: figures, not assertions.

Cold start (issue 8): a fresh process that imports ``app`` and answers its first ``GET /api/account`` (the API Gateway
event Lambda would hand it, against moto in server mode) next to a fresh process that imports ``boto3`` and makes the
same GetItem and Query (the very requests the app made, recorded); interleaved runs, medians, and their ratio (aim: 1.3
or less). Also the import of ``app`` alone against ``import boto3`` alone, and the time of the first « Mon Compte »
request after the import in one process.

Package: the size of ``chalice package --stage prod``'s deployment.zip, zipped and unzipped (aim: 10 MB zipped at most).

Login failures: the median time of a wrong password for a known login and for an unknown one (interleaved; the clock
is moved an hour between attempts so that throttling never answers instead). They should be equal: an unknown login
does the same reads and the same argon2 verification.
"""

import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
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
    print(f"imports alone: import app {app_median * 1000:.0f} ms, import boto3 {boto3_median * 1000:.0f} ms "
          f"(medians of {RUNS}); ratio {app_median / boto3_median:.2f}")


# The child processes of the cold-start figure: each reads its input on stdin and prints the seconds it took.
FIRST_ACCOUNT = """
import json, sys, time
event = json.loads(sys.stdin.read())
start = time.perf_counter()
import app
response = app.app(event, None)
elapsed = time.perf_counter() - start
assert response["statusCode"] == 200, response
print(elapsed)
"""

SAME_REQUESTS = """
import json, sys, time
calls = json.loads(sys.stdin.read())
start = time.perf_counter()
import boto3
client = boto3.client("dynamodb")
for method, params in calls:
    getattr(client, method)(**params)
print(time.perf_counter() - start)
"""


def record_first_account() -> tuple[dict, list]:
    """Seed the stack (moto server, already started), log in, and record GET /account: its Lambda event and the
    DynamoDB requests it made, to replay them in fresh processes."""
    import botocore.client
    from botocore import xform_name
    from chalice import Chalice
    from chalice.test import Client

    from devstack.resources import create_resources
    from devstack.seed import seed
    from tests.conftest import DEMO_PASSWORD, PAUL

    os.environ.update(create_resources())
    seed(DEMO_PASSWORD)
    import app

    headers = {"Content-Type": "application/json", "X-Requested-With": "fetch"}
    event, calls = {}, []
    with Client(app.app, stage_name="dev", project_dir=str(ROOT)) as client:
        credentials = json.dumps({"login": PAUL, "password": DEMO_PASSWORD})
        response = client.http.post("/auth/login", headers=headers, body=credentials)
        cookie = response.headers["Set-Cookie"].split(";")[0]
        handle, make_api_call = Chalice.__call__, botocore.client.BaseClient._make_api_call

        def recording_handle(self, lambda_event, context):
            event.update(lambda_event)
            return handle(self, lambda_event, context)

        def recording_call(self, operation_name, api_params):
            calls.append((xform_name(operation_name), api_params))
            return make_api_call(self, operation_name, api_params)

        Chalice.__call__, botocore.client.BaseClient._make_api_call = recording_handle, recording_call
        try:
            assert client.http.get("/account", headers={"Cookie": cookie}).status_code == 200
        finally:
            Chalice.__call__, botocore.client.BaseClient._make_api_call = handle, make_api_call
    if not event.get("body"):
        event["body"] = None  # what API Gateway hands Lambda for a GET (Chalice's local gateway gives b"")
    return event, calls


def fresh_process(code: str, stdin: str, env: dict) -> float:
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, input=stdin, env=env, capture_output=True,
                            text=True, check=True)
    return float(output.stdout.strip())


def first_account_against_boto3() -> None:
    import tests.conftest  # noqa: F401  (first: it drops AWS_ENDPOINT_URL, which the moto server sets)
    from devstack.aws import start_moto_server

    saved = dict(os.environ)  # the later benches mock AWS in their own processes, which inherit this environment
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server would log every request
    server = start_moto_server()
    try:
        event, calls = record_first_account()
        config = json.loads((ROOT / ".chalice" / "config.json").read_text())
        env = {**os.environ, **config.get("environment_variables", {}),
               **config["stages"]["dev"].get("environment_variables", {})}
        event_json, calls_json = json.dumps(event), json.dumps(calls)
        app_times, boto3_times = [], []
        for _ in range(RUNS):
            app_times.append(fresh_process(FIRST_ACCOUNT, event_json, env))
            boto3_times.append(fresh_process(SAME_REQUESTS, calls_json, env))
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)
    app_median, boto3_median = statistics.median(app_times), statistics.median(boto3_times)
    operations = " + ".join(method for method, _ in calls)
    print(f"cold start (moto server): import app + first GET /api/account {app_median * 1000:.0f} ms, "
          f"import boto3 + the same {operations} {boto3_median * 1000:.0f} ms (medians of {RUNS}, interleaved); "
          f"ratio {app_median / boto3_median:.2f} (aim: 1.3 or less)")


def package_size() -> None:
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")}
        subprocess.run([str(Path(sys.executable).parent / "chalice"), "package", "--stage", "prod", out],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        deployment = Path(out) / "deployment.zip"
        zipped = deployment.stat().st_size
        unzipped = sum(info.file_size for info in zipfile.ZipFile(deployment).infolist())
    mib = 1024 * 1024
    print(f"Lambda package: deployment.zip {zipped / mib:.1f} MB zipped (aim: 10 MB or less), "
          f"{unzipped / mib:.1f} MB unzipped")


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
    sys.path.insert(0, str(ROOT))
    package_size()
    first_account_against_boto3()
    cold_start()
    first_requests()
    login_failures()
