"""A bounded soak of the local stack: simulated users doing every screen's calls for a while, then a consistency check
of the whole table.

``python scripts/soak.py`` (``make soak``): 16 users for 10 minutes. ``--users``, ``--minutes`` (``--minutes 1`` for a
short run), ``--faults RATE`` (5 % by default when the stack has a fault mode, devstack/faults.py; 0 to turn it off),
``--url`` for a stack already running (then no consistency check: the table is read from the stack's saved state).

Each user is one of the demo people (Paul, Julie, Marc, Claire, in turn) with their own sessions, and does, at random
by weight: log in again, open « Mon Compte », save it (a stale version answers 409), search structures, open one and
its members, ask to join « Ébénisterie Martin » and withdraw or leave (Julie, Marc), decide the requests (Claire,
validating one in three), ask for spaces of « Menuiserie Dupont » and give them up (Julie), decide them (Paul), create
a structure (Marc), upload a file, record it and delete it, read the feed when the API has one.

Prints throughput, p50/p95/p99 per call, statuses and errors (a 5xx, or no answer; a 503 with ``Retry-After`` counts
apart when faults are on: it is the declared answer to a busy AWS). Then stops the stack (which saves its table) and
checks: every structure has exactly one principal manager, the one it names; every subscription has its rattachement
(validated for a validated subscription); every user's attachment count is their number of attachments; every
manager's copy of a request matches a pending request; every event has its change, where the table shows it. Exits 1
on an error or an inconsistency.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_search import siret  # noqa: E402
from scripts.capacity_inputs import LOGINS, account_payload  # noqa: E402
from tests.conftest import DEMO_PASSWORD  # noqa: E402

PEOPLE = ("paul", "julie", "marc", "claire")
TODAY = time.strftime("%Y-%m-%d")
SPACE, SERVICE = "Factures reçues", "MOBURB"  # Julie works for the service MOBURB


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: list[str] = []
        self.busy = 0  # declared 503s (faults)

    def add(self, name: str, status: int | None, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds)
            self.statuses[name][status] += 1
            if status == 503 and FAULTS_ON:
                self.busy += 1
            elif status is None or status >= 500:
                self.errors.append(f"{name}: {status} {detail[:300]}")


FAULTS_ON = False


class User:
    def __init__(self, base: str, who: str, places: dict, tally: Tally, rng: random.Random):
        self.base, self.who, self.places, self.tally, self.rng = base, who, places, tally, rng
        self.http = requests.Session()
        self.http.headers.update({"X-Requested-With": "fetch", "Accept-Language": "fr"})

    def call(self, name: str, method: str, path: str, payload=None, **kwargs):
        started = time.perf_counter()
        try:
            answer = self.http.request(method, self.base + "/api" + path, json=payload, timeout=120, **kwargs)
        except requests.RequestException as error:
            self.tally.add(name, None, time.perf_counter() - started, repr(error))
            return None
        self.tally.add(name, answer.status_code, time.perf_counter() - started, answer.text)
        return answer

    def ok(self, answer) -> dict | None:
        return answer.json() if answer is not None and answer.status_code < 300 and answer.content else None

    # --- the screens -----------------------------------------------------------------------------------------------

    def login(self):
        self.http.cookies.clear()
        answer = self.call("POST /auth/login", "POST", "/auth/login",
                           {"login": LOGINS[self.who], "password": DEMO_PASSWORD})
        if answer is not None and answer.status_code == 200:
            # The cookie is ``Secure``: requests would not send it back over http://127.0.0.1.
            self.http.headers["Cookie"] = answer.headers["Set-Cookie"].split(";")[0]

    def mon_compte(self):
        self.call("GET /me", "GET", "/me")
        self.call("GET /account", "GET", "/account")

    def save_account(self):
        account = self.ok(self.call("GET /account", "GET", "/account"))
        if account:
            self.call("PUT /account", "PUT", "/account", account_payload(account))

    def search(self):
        word = self.rng.choice(("menuiserie", "*renov*", "ebenisterie", "scierie", "dupont"))
        page = self.ok(self.call("GET /structures", "GET", "/structures", params={"designation": word}))
        if page and page["items"]:
            structure = self.rng.choice(page["items"])["structure_id"]
            self.call("GET /structures/{id}", "GET", f"/structures/{structure}")

    def structure(self):
        place = self.places["menuiserie" if self.who in ("paul", "julie", "marc") else "ebenisterie"]
        self.call("GET /structures/{id}", "GET", f"/structures/{place}")
        if self.who in ("paul", "claire"):
            self.call("GET /structures/{id}/members", "GET", f"/structures/{place}/members")

    def join(self):
        """Julie and Marc: ask to join « Ébénisterie Martin », withdraw a pending request, leave once validated."""
        if self.who not in ("julie", "marc"):
            return self.manager()
        place = self.places["ebenisterie"]
        detail = self.ok(self.call("GET /structures/{id}", "GET", f"/structures/{place}"))
        mine = detail and detail.get("my_membership")
        if not mine:
            self.call("POST /structures/{id}/memberships", "POST", f"/structures/{place}/memberships",
                      {"valid_from": TODAY, "comment": "Soak", "services": []})
        elif self.rng.random() < 0.5:
            self.call("POST /memberships/{id}/delete", "POST", f"/memberships/{place}/delete", {})

    def manager(self):
        """Paul and Claire: « Activité du gestionnaire »; Claire decides the first pending request."""
        pending = self.ok(self.call("GET /manager/requests", "GET", "/manager/requests"))
        if self.who == "claire" and pending and pending["requests"]:
            first = pending["requests"][0]
            decision = "VALIDER" if self.rng.random() < 1 / 3 else "REFUSER"
            self.call(f"POST /manager/requests/decide ({decision})", "POST", "/manager/requests/decide", {
                "decision": decision, "reason": None if decision == "VALIDER" else "Soak",
                "requests": [{"structure_id": first["structure_id"], "user_id": first["user_id"]}]})

    def subscriptions(self):
        """Julie asks for a space of « Menuiserie Dupont » and gives it up; Paul decides; the others read."""
        place = self.places["menuiserie"]
        if self.who == "julie":
            if self.rng.random() < 0.5:
                self.call("POST /structures/{id}/subscriptions", "POST", f"/structures/{place}/subscriptions", {
                    "space": SPACE, "rows": [{"service_code": SERVICE, "habilitation": "CONSULTATION_UNIQUEMENT"}],
                    "valid_from": TODAY})
            else:
                self.call("POST /account/subscriptions/delete", "POST", "/account/subscriptions/delete", {
                    "subscriptions": [{"structure_id": place, "space": SPACE, "service_code": SERVICE,
                                       "habilitation": "CONSULTATION_UNIQUEMENT"}]})
        elif self.who == "paul":
            pending = self.ok(self.call("GET /structures/{id}/subscription-requests", "GET",
                                        f"/structures/{place}/subscription-requests"))
            if pending and pending["requests"]:
                first = pending["requests"][0]
                decision = self.rng.choice(("VALIDER", "REFUSER"))
                self.call(f"POST /structures/{{id}}/subscription-requests/decide ({decision})", "POST",
                          f"/structures/{place}/subscription-requests/decide", {
                              "decision": decision, "requests": [{key: first[key] for key in (
                                  "user_id", "service_code", "space", "habilitation")}]})
        else:
            self.call("GET /structures/{id}/subscription-options", "GET",
                      f"/structures/{self.places['menuiserie' if self.who == 'marc' else 'ebenisterie']}"
                      "/subscription-options")

    def create_structure(self):
        if self.who != "marc":
            return self.search()
        number = self.places["sirets"]()
        self.call("POST /structures", "POST", "/structures", {
            "identifier_type": "SIRET", "identifier": siret(number), "designation": f"Scierie Soak {number}",
            "label": None, "structure_type": "PRIVEE", "address": {
                "line1": "1 route des Sapins", "postal_code": "39000", "city": "Lons-le-Saunier", "country": "FR"},
            "services": [{"code": "SCIAGE", "name": "Sciage"}]})

    def attachments(self):
        content = f"soak {self.who} {self.rng.random()}\n".encode()
        ticket = self.ok(self.call("POST /attachments/uploads", "POST", "/attachments/uploads", {
            "file_name": "soak.txt", "size": len(content), "attachment_type": "Divers", "designation": "Soak"}))
        if not ticket:
            return
        started = time.perf_counter()
        try:
            sent = requests.post(self.base + ticket["url"], data=ticket["fields"],
                                 files={"file": ("soak.txt", content, "text/plain")}, timeout=120)
            self.tally.add("POST /s3 (upload)", sent.status_code, time.perf_counter() - started, sent.text)
        except requests.RequestException as error:
            self.tally.add("POST /s3 (upload)", None, time.perf_counter() - started, repr(error))
            return
        record = self.ok(self.call("POST /attachments", "POST", "/attachments", {
            "upload_id": ticket["upload_id"], "file_name": "soak.txt", "attachment_type": "Divers",
            "designation": "Soak"}))
        if record and self.rng.random() < 0.8:  # some stay: the count must still match its items
            self.call("POST /attachments/delete", "POST", "/attachments/delete", {"ids": [record["id"]]})

    def feed(self):
        if self.places["feed"]:
            self.call("GET /feed", "GET", "/feed")
        else:
            self.mon_compte()

    SCREENS = (("login", 1), ("mon_compte", 5), ("save_account", 2), ("search", 4), ("structure", 3), ("join", 3),
               ("subscriptions", 3), ("create_structure", 1), ("attachments", 2), ("feed", 2))

    def run(self, deadline: float) -> None:
        self.login()
        names, weights = zip(*self.SCREENS, strict=True)
        while time.monotonic() < deadline:
            getattr(self, self.rng.choices(names, weights)[0])()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(tally: Tally, seconds: float) -> str:
    calls = sum(len(times) for times in tally.times.values())
    lines = [f"{calls} calls in {seconds:.0f} s: {calls / seconds:.1f} calls/s",
             "| call | calls | p50 ms | p95 ms | p99 ms | statuses |", "|---|---:|---:|---:|---:|---|"]
    for name in sorted(tally.times):
        times = tally.times[name]
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(
            tally.statuses[name].items(), key=lambda item: str(item[0])))
        lines.append(f"| {name} | {len(times)} | {percentile(times, .5) * 1000:.0f} | "
                     f"{percentile(times, .95) * 1000:.0f} | {percentile(times, .99) * 1000:.0f} | {statuses} |")
    every = [time_ for times in tally.times.values() for time_ in times]
    lines.append(f"all calls: p50 {percentile(every, .5) * 1000:.0f} ms, p95 {percentile(every, .95) * 1000:.0f} ms, "
                 f"p99 {percentile(every, .99) * 1000:.0f} ms")
    lines.append(f"errors (5xx or no answer): {len(tally.errors)}" + (f"; declared 503 (busy AWS): {tally.busy}"
                                                                      if FAULTS_ON else ""))
    lines += [f"  {error}" for error in tally.errors[:20]]
    return "\n".join(lines)


# --- consistency ----------------------------------------------------------------------------------------------------

def plain(value: dict):
    (kind, content), = value.items()
    if kind == "M":
        return {key: plain(inner) for key, inner in content.items()}
    if kind == "L":
        return [plain(inner) for inner in content]
    if kind == "N":
        return float(content) if "." in content else int(content)
    if kind == "NULL":
        return None
    return content


def consistency(items: list[dict]) -> list[str]:
    """What must hold of the whole table, whatever the users did; returns the problems found."""
    from chalicelib.domain import memberships as rules
    from chalicelib.domain import subscriptions as spaces

    items = [{key: plain(value) for key, value in item.items()} for item in items]
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.get("kind")].append(item)
    problems = []
    memberships = {(m["user_id"], m["structure_id"]): m for m in by_kind["MEMBERSHIP"]}
    principals = Counter(m["structure_id"] for m in memberships.values()
                         if m["role"] == rules.PRINCIPAL and m["status"] == rules.VALIDATED)
    for structure in by_kind["STRUCTURE"]:
        sid = structure["structure_id"]
        if principals[sid] != 1:
            problems.append(f"structure {structure.get('designation')} has {principals[sid]} principal managers")
        named = memberships.get((structure["principal_user_id"], sid))
        if not named or named["role"] != rules.PRINCIPAL:
            problems.append(f"structure {structure.get('designation')}: principal_user_id is not its principal")
    for subscription in by_kind["SUBSCRIPTION"]:
        membership = memberships.get((subscription["user_id"], subscription["structure_id"]))
        wanted = (rules.VALIDATED,) if subscription["status"] == spaces.VALID else (rules.VALIDATED, rules.PENDING)
        if not membership or membership["status"] not in wanted:
            problems.append(f"subscription {subscription['sk']} of {subscription['user_id']}: rattachement "
                            f"{membership and membership['status']}")
    attachments = Counter(item["pk"] for item in by_kind["ATTACHMENT"])
    counted = {item["pk"]: int(item.get("count") or 0) for item in by_kind["ATTACHMENT_COUNT"]}
    for user in set(attachments) | set(counted):
        if attachments[user] != counted.get(user, 0):
            problems.append(f"{user}: attachment count {counted.get(user, 0)}, {attachments[user]} attachments")
    for copy in by_kind["REQUEST_COPY"]:
        request = memberships.get((copy["user_id"], copy["structure_id"]))
        if not request or request["status"] != rules.PENDING:
            problems.append(f"copy {copy['pk']} {copy['sk']}: request {request and request['status']}")
    for membership in memberships.values():
        if membership["status"] == rules.PENDING and not any(
                copy["user_id"] == membership["user_id"] and copy["structure_id"] == membership["structure_id"]
                for copy in by_kind["REQUEST_COPY"]):
            problems.append(f"pending request of {membership['user_id']} to {membership['structure_id']}: no copy")
    problems += event_problems(by_kind, memberships)
    return problems


def event_problems(by_kind: dict, memberships: dict) -> list[str]:
    """Each event is in its structure's history (the record), and the last event of a rattachement says what the
    table holds: requested → pending, validated or added → validated, refused, withdrawn or deleted → no pending
    request. Rattachements with no event (the demo data's, written before any event) are not checked. Nothing to
    check before the events branch lands (no EVENT items)."""
    events = by_kind.get("EVENT", [])
    problems = []
    structures = {structure["structure_id"] for structure in by_kind["STRUCTURE"]}
    history = {event["event_id"] for event in events if event["pk"].startswith("HISTORY#")}
    last: dict[tuple, dict] = {}
    for event in events:
        if event.get("structure_id") and event["event_id"] not in history:
            problems.append(f"event {event['event_kind']} {event['event_id']}: not in its structure's history")
        if event.get("structure_id") and event["structure_id"] not in structures:
            problems.append(f"event {event['event_kind']} {event['event_id']}: no structure {event['structure_id']}")
        if event["pk"].startswith("HISTORY#") and event["event_kind"].startswith("MEMBERSHIP_"):
            key = (event.get("subject_id"), event["structure_id"])
            if key not in last or event["sk"] > last[key]["sk"]:
                last[key] = event
    from chalicelib.domain import memberships as rules

    wanted = {"MEMBERSHIP_REQUESTED": {rules.PENDING}, "MEMBERSHIP_VALIDATED": {rules.VALIDATED},
              "MEMBERSHIP_ADDED": {rules.VALIDATED}}
    for key, event in last.items():
        status = (memberships.get(key) or {}).get("status")
        expected = wanted.get(event["event_kind"])
        if (expected and status not in expected) or (not expected and status == rules.PENDING):
            problems.append(f"rattachement {key}: last event {event['event_kind']}, status {status}")
    return problems


def read_items(data_dir: Path) -> list[dict]:
    state = json.loads((data_dir / "state.json").read_text())
    return state["tables"]["AccountTable"]


# --- the run --------------------------------------------------------------------------------------------------------

def main() -> int:
    global FAULTS_ON
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--faults", type=float, default=None, help="fault rate (default 0.05 when available)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--url")
    options = parser.parse_args()
    has_faults = (ROOT / "devstack" / "faults.py").exists()
    rate = options.faults if options.faults is not None else (0.05 if has_faults else 0.0)
    if rate and not has_faults:
        sys.exit("this stack has no fault mode (devstack/faults.py): run with --faults 0")
    FAULTS_ON = rate > 0
    print(f"soak: {options.users} users, {options.minutes:g} min, faults "
          + (f"at {rate:.0%}" if rate else "off" + ("" if has_faults else " (no fault mode on this branch)")),
          flush=True)
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        stack = None
        base = options.url
        if not base:
            from tests.e2e.conftest import LocalStack

            if rate:
                os.environ.update({"FAULTS": str(rate), "FAULTS_SEED": str(options.seed)})
            stack = LocalStack(Path(folder) / "stack").start()
            base = stack.url
        tally = Tally()
        try:
            places = demo_places(base)
            threads = []
            deadline = time.monotonic() + options.minutes * 60
            started = time.perf_counter()
            for number in range(options.users):
                user = User(base, PEOPLE[number % len(PEOPLE)], places, tally, random.Random(options.seed + number))
                threads.append(threading.Thread(target=user.run, args=(deadline,), name=f"user{number}"))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
        finally:
            if stack:
                print(stack.stop()[-300:].strip().splitlines()[-1])
        print(report(tally, seconds))
        if not stack:
            print("consistency: not checked (a stack given by --url: its table is not at hand)")
            return 1 if tally.errors else 0
        items = read_items(Path(folder) / "stack")
        kinds = Counter(item.get("kind", {}).get("S") for item in items)
        problems = consistency(items)
        print(f"consistency of {len(items)} items ({kinds['STRUCTURE']} structures, {kinds['MEMBERSHIP']} "
              f"rattachements, {kinds['SUBSCRIPTION']} subscriptions, {kinds['ATTACHMENT']} attachments, "
              f"{kinds['REQUEST_COPY']} request copies, {kinds.get('EVENT', 0)} events): "
              + ("OK" if not problems else f"{len(problems)} problems"))
        for problem in problems[:30]:
            print("  " + problem)
        return 1 if tally.errors or problems else 0


def demo_places(base: str) -> dict:
    http = requests.Session()
    http.headers.update({"X-Requested-With": "fetch"})
    login = http.post(base + "/api/auth/login", json={"login": LOGINS["paul"], "password": DEMO_PASSWORD})
    http.headers["Cookie"] = login.headers["Set-Cookie"].split(";")[0]

    def first(designation: str) -> str:
        page = http.get(base + "/api/structures", params={"designation": designation}).json()
        return page["items"][0]["structure_id"]

    feed = http.get(base + "/api/feed").status_code != 404
    numbers = iter(range(70_000_000, 80_000_000))
    lock = threading.Lock()

    def next_number() -> int:
        with lock:
            return next(numbers)

    return {"menuiserie": first("Menuiserie Dupont"), "ebenisterie": first("*ebenist*"), "feed": feed,
            "sirets": next_number}


if __name__ == "__main__":
    sys.exit(main())
