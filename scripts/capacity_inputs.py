"""Inputs of docs/capacity.md, measured: ``python scripts/capacity_inputs.py`` (about 10 to 20 seconds).

moto in-process (``mock_aws``), the resources of infra/ and the demo data, the Chalice test client (as ``make bench``'s
first-request figure does). Each main call runs ``RUNS`` times; for each it prints the DynamoDB requests it made (a
botocore hook, like tests/api/conftest.py's ``dynamodb_calls``), the read and write request units they would consume
on demand, and the median handler time on this machine.

moto does not report consumed capacity, so the units are computed from the items' sizes as DynamoDB bills them
(attribute names + values; reads in 4 KB steps, 1 unit strongly consistent, 0.5 eventually consistent (gsi1 is
always eventually consistent), a Query summed over its items before its filter; writes in 1 KB steps, doubled in a
transaction, plus one write of the same size on gsi1 when the item carries ``gsi1pk``). Sizes of updated items are
read back after the write, outside the count.
"""

import json
import math
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import DEMO_PASSWORD, PAUL  # noqa: E402 - sets fake credentials first

RUNS = int(os.environ.get("CAPACITY_RUNS", 15))
JSON_HEADERS = {"Content-Type": "application/json", "X-Requested-With": "fetch"}
LOGINS = {
    "paul": PAUL, "julie": "julie.leroy@menuiserie.fr", "marc": "marc.petit@menuiserie.fr",
    "claire": "claire.martin@ebenisterie-martin.fr",
}


# --- sizes and units ------------------------------------------------------------------------------------------------

def value_size(value: dict) -> int:
    (kind, content), = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        digits = content.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in content)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in content.items())
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in content)
    return 0


def item_size(item: dict | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def read_units(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


class Recorder:
    """DynamoDB requests of the current thread's call: names, units, bytes."""

    local = threading.local()
    installed = False

    @classmethod
    def install(cls):
        import botocore.client

        if cls.installed:
            return
        original = botocore.client.BaseClient._make_api_call

        def recording(client, operation_name, api_params):
            response = original(client, operation_name, api_params)
            record = getattr(cls.local, "record", None)
            if record is not None and client.meta.service_model.service_name == "dynamodb":
                record.add(operation_name, api_params, response, lambda op, p: original(client, op, p))
            return response

        botocore.client.BaseClient._make_api_call = recording
        cls.installed = True

    def __enter__(self):
        self.operations, self.rru, self.wru, self.read_bytes, self.written_bytes = [], 0.0, 0.0, 0, 0
        Recorder.local.record = self
        return self

    def __exit__(self, *exc):
        Recorder.local.record = None

    def _written(self, size: int, has_gsi: bool, transactional: bool) -> None:
        units = write_units(size)
        self.wru += units * (2 if transactional else 1) + (units if has_gsi else 0)
        self.written_bytes += size

    def _item_now(self, call, table: str, key: dict) -> dict:
        return call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item") or {}

    def add(self, name: str, params: dict, response: dict, call) -> None:
        self.operations.append(name)
        if name == "GetItem":
            size = item_size(response.get("Item"))
            self.rru += read_units(size, params.get("ConsistentRead", False))
            self.read_bytes += size
        elif name == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                found = response.get("Responses", {}).get(table, [])
                sizes = [item_size(i) for i in found] + [0] * (len(request["Keys"]) - len(found))
                self.rru += sum(read_units(s, request.get("ConsistentRead", False)) for s in sizes)
                self.read_bytes += sum(sizes)
        elif name == "Query":
            size = sum(item_size(i) for i in response.get("Items", []))
            if "FilterExpression" in params and response.get("Count"):
                size = round(size * response["ScannedCount"] / response["Count"])  # billed before the filter
            consistent = params.get("ConsistentRead", False) and "IndexName" not in params
            self.rru += read_units(size, consistent)
            self.read_bytes += size
        elif name == "PutItem":
            self._written(item_size(params["Item"]), "gsi1pk" in params["Item"], False)
        elif name == "UpdateItem":
            item = self._item_now(call, params["TableName"], params["Key"])
            self._written(item_size(item), "gsi1pk" in item, False)
        elif name == "DeleteItem":
            self._written(item_size(params["Key"]), False, False)
        elif name == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    item = request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"]
                    self._written(item_size(item), "gsi1pk" in item, False)
        elif name == "TransactWriteItems":
            for element in params["TransactItems"]:
                (kind, body), = element.items()
                if kind == "Put":
                    item = body["Item"]
                elif kind == "Update":
                    item = self._item_now(call, body["TableName"], body["Key"])
                else:  # Delete, ConditionCheck: billed as a transactional write of the item
                    item = body["Key"]
                self._written(item_size(item), kind in ("Put", "Update") and "gsi1pk" in item, True)
        elif name == "TransactGetItems":
            for found in response.get("Responses", []):
                size = item_size(found.get("Item"))
                self.rru += 2 * max(1, math.ceil(size / 4096))
                self.read_bytes += size


# --- the stack and the calls ----------------------------------------------------------------------------------------

class Stack:
    """moto in-process with the demo data, and the Chalice test client. One API call at a time (``lock``): Chalice's
    ``current_request`` is shared by threads and moto is not safe under concurrent writes (devstack/server.py too)."""

    def __init__(self):
        from moto import mock_aws

        self.mock = mock_aws()
        self.mock.start()
        from devstack.resources import create_resources

        os.environ.update(create_resources())
        from chalicelib.domain import clock
        from tests.api.conftest import NOW

        clock.set_now(NOW)
        from devstack.seed import seed

        seed(DEMO_PASSWORD)
        from devstack.aws import moto_table

        moto_table(os.environ["TABLE_NAME"]).stream_shard = None  # nobody reads it here (see tests/api/conftest.py)
        from chalice.test import Client

        import app

        self.client = Client(app.app, stage_name="dev", project_dir=str(ROOT)).__enter__()
        self.lock = threading.Lock()
        self.sirets = iter(range(30000000, 40000000))
        Recorder.install()

    def send(self, method: str, path: str, payload=None, cookie=None):
        headers = dict(JSON_HEADERS) if method != "GET" else {}
        if cookie:
            headers["Cookie"] = cookie
        body = json.dumps(payload) if payload is not None else None
        with self.lock:
            return getattr(self.client.http, method.lower())(path, headers=headers, body=body)

    def measured(self, method: str, path: str, payload=None, cookie=None):
        """The call, its recorder and its handler time (the lock's wait excluded)."""
        headers = dict(JSON_HEADERS) if method != "GET" else {}
        if cookie:
            headers["Cookie"] = cookie
        body = json.dumps(payload) if payload is not None else None
        with self.lock, Recorder() as record:
            start = time.perf_counter()
            response = getattr(self.client.http, method.lower())(path, headers=headers, body=body)
            elapsed = time.perf_counter() - start
        return response, record, elapsed

    def login(self, who: str) -> str:
        response = self.send("POST", "/auth/login", {"login": LOGINS[who], "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.body
        return response.headers["Set-Cookie"].split(";")[0]

    def structure_id(self, cookie: str, pattern: str) -> str:
        response = self.send("GET", f"/structures?designation={pattern}", cookie=cookie)
        return json.loads(response.body)["items"][0]["structure_id"]

    def new_siret(self) -> str:
        from scripts.bench_search import siret

        return siret(next(self.sirets))

    def close(self):
        self.client.__exit__(None, None, None)
        self.mock.stop()


def account_payload(account: dict) -> dict:
    profile, settings = account["profile"], account["settings"]
    return {"version": account["version"], "contact_email": profile["contact_email"],
            "last_name": profile["last_name"], "first_name": profile["first_name"],
            "address": dict(profile["address"]), "phone": profile["phone"], "fax": profile["fax"],
            "language": settings["language"], "notifications": settings["notifications"]}


def structure_payload(designation: str, siret: str) -> dict:
    return {"identifier_type": "SIRET", "identifier": siret, "designation": designation, "label": None,
            "structure_type": "PRIVEE", "address": {"line1": "1 route des Sapins", "postal_code": "39000",
                                                    "city": "Lons-le-Saunier", "country": "FR"},
            "services": [{"code": "SCIAGE", "name": "Sciage"}, {"code": "LIVR", "name": "Livraison"}]}


class Results:
    def __init__(self):
        self.rows: dict[str, list] = {}

    def add(self, name: str, response, record: Recorder, elapsed: float, expected=(200, 201, 204)):
        assert response.status_code in expected, (name, response.status_code, response.body)
        self.rows.setdefault(name, []).append((tuple(record.operations), record.rru, record.wru, record.read_bytes,
                                               record.written_bytes, elapsed))

    def summary(self) -> dict:
        out = {}
        for name, rows in self.rows.items():
            sequences = sorted({r[0] for r in rows})
            out[name] = {
                "operations": [list(s) for s in sequences], "runs": len(rows),
                "rru": statistics.median(r[1] for r in rows), "wru": statistics.median(r[2] for r in rows),
                "read_bytes": statistics.median(r[3] for r in rows),
                "written_bytes": statistics.median(r[4] for r in rows),
                "ms": statistics.median(r[5] for r in rows) * 1000,
            }
        return out


def measure(stack: Stack, runs: int = RUNS) -> dict:
    results = Results()
    paul, claire = stack.login("paul"), stack.login("claire")
    menuiserie = stack.structure_id(paul, "menuiserie")
    ebenisterie = stack.structure_id(paul, "*ebenist*")
    requesters = {"julie": stack.login("julie"), "marc": stack.login("marc")}
    for run in range(runs):
        response, record, elapsed = stack.measured(
            "POST", "/auth/login", {"login": LOGINS["paul"], "password": DEMO_PASSWORD})
        results.add("POST /auth/login", response, record, elapsed)
        cookie = response.headers["Set-Cookie"].split(";")[0]
        results.add("GET /me", *stack.measured("GET", "/me", cookie=cookie))
        response, record, elapsed = stack.measured("GET", "/account", cookie=cookie)
        results.add("GET /account (2 structures)", response, record, elapsed)
        results.add("GET /account (user)", *stack.measured("GET", "/account", cookie=requesters["marc"]))
        results.add("PUT /account", *stack.measured(
            "PUT", "/account", account_payload(json.loads(response.body)), cookie=cookie))
        results.add("GET /structures (word)", *stack.measured(
            "GET", "/structures?designation=menuiserie", cookie=cookie))
        results.add("GET /structures (*contains*)", *stack.measured(
            "GET", "/structures?designation=*menuis*", cookie=cookie))
        results.add("GET /structures/{id}", *stack.measured("GET", f"/structures/{ebenisterie}", cookie=cookie))
        results.add("GET /structures/{id}/members", *stack.measured(
            "GET", f"/structures/{menuiserie}/members", cookie=cookie))
        who = ("julie", "marc")[run % 2]
        ask = {"valid_from": "2026-11-27", "valid_until": None, "comment": "Capacité", "services": []}
        results.add("POST /structures/{id}/memberships", *stack.measured(
            "POST", f"/structures/{ebenisterie}/memberships", ask, cookie=requesters[who]))
        results.add("GET /manager/requests", *stack.measured("GET", "/manager/requests", cookie=claire))
        user_id = json.loads(stack.send("GET", "/manager/requests", cookie=claire).body)["requests"][0]["user_id"]
        decision = "VALIDER" if run >= runs - 2 else "REFUSER"  # validated requesters cannot ask again
        response, record, elapsed = stack.measured("POST", "/manager/requests/decide", {
            "decision": decision, "reason": None, "requests": [{"structure_id": ebenisterie, "user_id": user_id}]},
            cookie=claire)
        assert json.loads(response.body)["results"][0]["error"] is None, response.body
        results.add(f"POST /manager/requests/decide ({decision})", response, record, elapsed)
        results.add("POST /structures (create)", *stack.measured(  # by Julie: Paul's partition stays as seeded
            "POST", "/structures", structure_payload(f"Scierie Capacité {run}", stack.new_siret()),
            cookie=requesters["julie"]))
        results.add("POST /auth/logout", *stack.measured("POST", "/auth/logout", {}, cookie=cookie))
    return results.summary()


def item_sizes() -> dict:
    """Items of the table by kind: count, mean and largest size (bytes, as DynamoDB counts them)."""
    import boto3

    kinds: dict[str, list[int]] = {}
    for page in boto3.client("dynamodb").get_paginator("scan").paginate(TableName=os.environ["TABLE_NAME"]):
        for item in page["Items"]:
            kinds.setdefault(item.get("kind", {}).get("S", "?"), []).append(item_size(item))
    return {kind: (len(s), statistics.mean(s), max(s)) for kind, s in sorted(kinds.items())}


def argon2_ms() -> float:
    from chalicelib.services.hashing import hash_secret

    times = []
    for _ in range(7):
        start = time.perf_counter()
        hash_secret("Copeaux-Rabot-Etabli-42")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def machine() -> str:
    return (f"{platform.machine()} {os.cpu_count()} CPU(s), {platform.python_implementation()} "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def main() -> None:
    started = time.perf_counter()
    stack = Stack()
    try:
        summary = measure(stack)
        sizes = item_sizes()
        argon2 = argon2_ms()
    finally:
        stack.close()
    print(f"capacity inputs, {time.strftime('%Y-%m-%d %H:%M %Z')}, {machine()}; medians of {RUNS} runs "
          f"(moto in-process, Chalice test client)")
    print()
    print("| call | DynamoDB requests | RRU | WRU (incl. gsi1) | bytes read | bytes written | handler ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, row in summary.items():
        ops = " / ".join(", ".join(s) for s in row["operations"])
        print(f"| {name} | {ops} | {row['rru']:g} | {row['wru']:g} | {row['read_bytes']:.0f} | "
              f"{row['written_bytes']:.0f} | {row['ms']:.1f} |")
    print()
    print("| item kind | items | mean bytes | largest bytes |")
    print("|---|---:|---:|---:|")
    for kind, (count, mean, largest) in sizes.items():
        print(f"| {kind} | {count} | {mean:.0f} | {largest} |")
    structures = sizes.get("STRUCTURE", (1,))[0]
    search = sizes.get("SEARCH", (0,))[0]
    print()
    print(f"search index items per structure: {search / structures:.1f} ({search} for {structures} structures)")
    print(f"argon2id hash (m=19 MiB, t=2, p=1): median {argon2:.1f} ms")
    print(f"total time {time.perf_counter() - started:.1f} s")
    if "--json" in sys.argv:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
