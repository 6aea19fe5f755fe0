"""A bounded load test: do the DynamoDB requests of each call stay those of a single user when users interleave?

``python scripts/load_test.py`` (about 40 seconds; ``LOAD_THREADS``, ``LOAD_SECONDS``, ``LOAD_ITERATIONS`` to change).
moto in-process with the demo data (scripts/capacity_inputs.py's ``Stack``), no network at all: first one user does
each call of the mix once (the reference), then ``LOAD_THREADS`` simulated users (8 by default: Paul, Julie, Marc and
Claire twice each, every one with its own sessions) run the mix for at most ``LOAD_SECONDS`` seconds or
``LOAD_ITERATIONS`` rounds each, whichever ends first. Requesters ask to join « Ébénisterie Martin » while Claire's
two users refuse what is pending; Julie creates structures; Paul's two users save the same account (409s expected).

The app handles one call at a time, as the local dev server does (devstack/server.py: Chalice's ``current_request``
is shared by threads and moto is not thread-safe), so this checks interleaved users and their races on the same
items, not parallel throughput. Each call's DynamoDB requests are counted per thread. A call that answers 2xx must
make exactly the requests the single user's did; refusals by rule (409 on a stale save or a pending request, a
decision another manager already took) are counted apart. Prints a table and PASS or FAIL; exits 1 on FAIL.
"""

import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.capacity_inputs import LOGINS, Stack, account_payload, structure_payload  # noqa: E402
from tests.conftest import DEMO_PASSWORD  # noqa: E402

THREADS = int(os.environ.get("LOAD_THREADS", 8))
SECONDS = float(os.environ.get("LOAD_SECONDS", 30))
ITERATIONS = int(os.environ.get("LOAD_ITERATIONS", 25))
ASK = {"valid_from": "2026-11-27", "valid_until": None, "comment": "Charge", "services": []}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sequences: dict[str, Counter] = {}
        self.refused: Counter = Counter()
        self.units: dict[str, list] = {}
        self.times: dict[str, list] = {}

    def add(self, name: str, response, record, elapsed: float, refused: bool = False) -> None:
        if response.status_code >= 500:
            raise AssertionError(f"{name}: {response.status_code} {response.body}")
        with self.lock:
            if refused or response.status_code >= 400:
                self.refused[(name, response.status_code)] += 1
                return
            self.sequences.setdefault(name, Counter())[tuple(record.operations)] += 1
            self.units.setdefault(name, []).append((record.rru, record.wru))
            self.times.setdefault(name, []).append(elapsed)


def one_round(stack: Stack, who: str, places: dict, tally: Tally) -> None:
    response, record, elapsed = stack.measured(
        "POST", "/auth/login", {"login": LOGINS[who], "password": DEMO_PASSWORD})
    tally.add("POST /auth/login", response, record, elapsed)
    cookie = response.headers["Set-Cookie"].split(";")[0]
    tally.add("GET /me", *stack.measured("GET", "/me", cookie=cookie))
    response, record, elapsed = stack.measured("GET", "/account", cookie=cookie)
    tally.add("GET /account", response, record, elapsed)
    tally.add("PUT /account", *stack.measured(
        "PUT", "/account", account_payload(json.loads(response.body)), cookie=cookie))
    tally.add("GET /structures (word)", *stack.measured("GET", "/structures?designation=menuiserie", cookie=cookie))
    tally.add("GET /structures (*contains*)", *stack.measured(
        "GET", "/structures?designation=*menuis*", cookie=cookie))
    tally.add("GET /structures/{id}", *stack.measured("GET", f"/structures/{places['ebenisterie']}", cookie=cookie))
    if who == "paul":
        tally.add("GET /structures/{id}/members", *stack.measured(
            "GET", f"/structures/{places['menuiserie']}/members", cookie=cookie))
    if who in ("julie", "marc"):
        tally.add("POST /structures/{id}/memberships", *stack.measured(
            "POST", f"/structures/{places['ebenisterie']}/memberships", ASK, cookie=cookie))
    if who == "julie":
        tally.add("POST /structures (create)", *stack.measured(
            "POST", "/structures", structure_payload("Scierie Charge", stack.new_siret()), cookie=cookie))
    if who in ("paul", "claire"):
        response, record, elapsed = stack.measured("GET", "/manager/requests", cookie=cookie)
        tally.add("GET /manager/requests", response, record, elapsed)
        pending = json.loads(response.body)["requests"] if who == "claire" else []
        if pending:
            target = {"structure_id": pending[0]["structure_id"], "user_id": pending[0]["user_id"]}
            response, record, elapsed = stack.measured("POST", "/manager/requests/decide", {
                "decision": "REFUSER", "reason": None, "requests": [target]}, cookie=cookie)
            taken = response.status_code == 200 and json.loads(response.body)["results"][0]["error"] is not None
            tally.add("POST /manager/requests/decide (REFUSER)", response, record, elapsed, refused=taken)
    tally.add("POST /auth/logout", *stack.measured("POST", "/auth/logout", {}, cookie=cookie))


def main() -> int:
    started = time.perf_counter()
    stack = Stack()
    try:
        paul = stack.login("paul")
        places = {"menuiserie": stack.structure_id(paul, "menuiserie"),
                  "ebenisterie": stack.structure_id(paul, "*ebenist*")}
        reference = Tally()
        for who in ("paul", "julie", "claire"):  # Julie asks before Claire decides: every call of the mix once
            one_round(stack, who, places, reference)
        assert not reference.refused, reference.refused
        expected = {name: next(iter(seen)) for name, seen in reference.sequences.items()}

        tally, errors = Tally(), []
        deadline = time.monotonic() + SECONDS
        rounds = Counter()

        def user(who: str) -> None:
            try:
                while time.monotonic() < deadline and rounds[threading.current_thread().name] < ITERATIONS:
                    one_round(stack, who, places, tally)
                    rounds[threading.current_thread().name] += 1
            except Exception as error:  # noqa: BLE001 - reported below, fails the run
                errors.append(f"{who}: {error!r}")

        people = ("paul", "julie", "marc", "claire")
        threads = [threading.Thread(target=user, args=(people[i % 4],), name=f"user{i}") for i in range(THREADS)]
        load_started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        load_seconds = time.perf_counter() - load_started
    finally:
        stack.close()

    calls = sum(sum(c.values()) for c in tally.sequences.values()) + sum(tally.refused.values())
    print(f"load test, {time.strftime('%Y-%m-%d %H:%M %Z')}: {THREADS} simulated users, {sum(rounds.values())} rounds, "
          f"{calls} calls in {load_seconds:.1f} s ({calls / load_seconds:.0f} calls/s, one at a time); "
          f"total {time.perf_counter() - started:.1f} s")
    print()
    print("| call | single user | under load (2xx) | calls | RRU median | WRU median | ms median | same |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    failed = bool(errors)
    for name, sequence in expected.items():
        seen = tally.sequences.get(name, Counter())
        same = set(seen) == {sequence}
        failed |= not same
        units = tally.units.get(name, [(0, 0)])
        load_ops = " / ".join(", ".join(s) for s in seen) or "none"
        print(f"| {name} | {len(sequence)}: {', '.join(sequence)} | "
              f"{'same' if same else load_ops} | {sum(seen.values())} | "
              f"{statistics.median(u[0] for u in units):g} | {statistics.median(u[1] for u in units):g} | "
              f"{statistics.median(tally.times.get(name, [0])) * 1000:.1f} | {'yes' if same else 'NO'} |")
    if tally.refused:
        print()
        print("refused by rule (not compared): " + ", ".join(
            f"{name} {status}: {count}" for (name, status), count in sorted(tally.refused.items())))
    for error in errors:
        print(f"error: {error}")
    print()
    print("FAIL: a call's DynamoDB requests changed under load" if failed else
          "PASS: every call made the same DynamoDB requests under load as for a single user")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
