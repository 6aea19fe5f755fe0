"""Schemathesis against the local stack, as a logged-in user: examples, coverage, fuzzing, then the stateful phase that
follows the links of docs/openapi.json (scripts/openapi.py's ``LINKS``).

``python scripts/fuzz.py`` (``make fuzz``): the long pass, at least ``FUZZ_REQUESTS`` requests (10,000 by default).
``--quick``: the bounded pass that ``make test`` runs (tests/e2e/test_fuzz.py), a couple of minutes. ``--url`` to use a
stack already running; otherwise one is started on 127.0.0.1 with its own data folder, and stopped at the end.

Before the run, other demo users leave work for Paul's stateful scenarios: Julie and Marc ask to join « Rénovation
Habitat » (Paul is its principal manager), Julie asks for spaces of « Menuiserie Dupont »: the links from the pending
lists to the decisions then have something to decide. Operations that would end the fuzzer's own session or account
(logout, close a session, deactivate, the expired-password change) are left out.

Checks: no server error (5xx; a 503 would be declared), answers match their documented schema, status and content
type. Prints the requests per phase, the failures, and the declared links the stateful phase followed; exits 1 on a
failure. ``summary()`` returns the same figures to a test.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import DEMO_PASSWORD, PAUL  # noqa: E402

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
LEFT_OUT = ("logout", "deactivate", "close_session", "change_expired_password")
JULIE, MARC = "julie.leroy@menuiserie.fr", "marc.petit@menuiserie.fr"


def call(base: str, method: str, path: str, payload=None, cookie: str | None = None) -> tuple[int, dict, dict]:
    """One API call: ``(status, JSON answer or {}, headers)``; refusals are answers, not exceptions."""
    headers = {"X-Requested-With": "fetch", "Accept-Language": "fr"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + "/api" + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw, status, answer_headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as refused:
        raw, status, answer_headers = refused.read(), refused.code, dict(refused.headers)
    try:
        document = json.loads(raw) if raw else {}
    except ValueError:
        document = {}
    return status, document, answer_headers


def log_in(base: str, login: str) -> str:
    status, answer, headers = call(base, "POST", "/auth/login", {"login": login, "password": DEMO_PASSWORD})
    if status != 200:
        raise RuntimeError(f"login of {login}: {status} {answer}")
    return headers["Set-Cookie"].split(";")[0]


def structure_id(base: str, cookie: str, designation: str) -> str:
    _, page, _ = call(base, "GET", f"/structures?designation={urllib.parse.quote(designation)}", cookie=cookie)
    return page["items"][0]["structure_id"]


CLAIRE = "claire.martin@ebenisterie-martin.fr"
CLAIRES_STRUCTURES = 4


def prepare(base: str) -> tuple[str, dict]:
    """Pending work for Paul to decide, and structures of Claire's for Paul to ask to join; returns Paul's session
    cookie and the seeds of the hooks (scripts/fuzz_hooks.py): the site's origin, today, the structures' ids, SIRETs,
    service codes."""
    from scripts.bench_search import siret

    julie, marc, claire = log_in(base, JULIE), log_in(base, MARC), log_in(base, CLAIRE)
    renovation = structure_id(base, julie, "Rénovation Habitat")
    menuiserie = structure_id(base, julie, "Menuiserie Dupont")
    today = time.strftime("%Y-%m-%d")
    ask = {"valid_from": today, "comment": "Fuzz", "services": []}
    for cookie in (julie, marc):
        call(base, "POST", f"/structures/{renovation}/memberships", ask, cookie)
    call(base, "POST", f"/structures/{menuiserie}/subscriptions",
         {"space": "Factures reçues", "rows": [{"service_code": "MOBURB", "habilitation": "CONSULTATION_UNIQUEMENT"}],
          "valid_from": today}, julie)
    others = [structure_id(base, claire, "Ébénisterie Martin")]
    for number in range(CLAIRES_STRUCTURES):
        status, created, _ = call(base, "POST", "/structures", {
            "identifier_type": "SIRET", "identifier": siret(82_000_000 + number),
            "designation": f"Atelier Martin {number}", "structure_type": "PRIVEE",
            "address": {"line1": "3 rue des Copeaux", "postal_code": "69001", "city": "Lyon", "country": "FR"},
            "services": [{"code": "FUZ1", "name": "Service du fuzz"}]}, claire)
        if status == 201:
            others.append(created["structure_id"])
    seeds = {"origin": base, "today": today, "structure_ids": [menuiserie, renovation, *others],
             "sirets": [siret(number) for number in range(81_000_000, 81_000_200)],
             "service_codes": ["MOBURB", "MENINT", "FUZ1"]}
    return log_in(base, PAUL), seeds


def _dictionaries(seeds: dict) -> str:
    """Values the generator uses half the time: words that find structures (so that the links from a search have
    somewhere to go), valid SIRETs (so that a created structure leads to its members, services, spaces), and the
    ids of structures that exist (Paul's, and Claire's that he may ask to join)."""
    def listed(values) -> str:
        return ", ".join(json.dumps(value) for value in values)

    return ('[dictionaries.designations]\nvalues = ["menuiserie", "renovation", "*ebenist*", "dupont"]\n'
            f"[dictionaries.sirets]\nvalues = [{listed(seeds['sirets'])}]\n"
            f"[dictionaries.structures]\nvalues = [{listed(seeds['structure_ids'])}]\n[parameters]\n"
            '"query.designation" = { dictionary = "designations", probability = 0.5 }\n'
            '"body.identifier" = { dictionary = "sirets", probability = 0.5 }\n'
            '"path.structure_id" = { dictionary = "structures", probability = 0.5 }\n')


def run(base: str, cookie: str, seeds: dict, report_dir: Path, quick: bool, seed: int | None = None) -> dict:
    """Runs schemathesis once; returns ``summary()`` of its reports, with its printed output as ``output``."""
    # Per phase: fuzzing's examples per operation, the stateful phase's scenarios (each a chain of linked calls).
    fuzzing, stateful = (4, 40) if quick else (int(os.environ.get("FUZZ_EXAMPLES", 100)), 400)
    config = report_dir / "schemathesis.toml"
    report_dir.mkdir(parents=True, exist_ok=True)
    # The coverage phase tries every boundary of every field and every other method on every path (2,500 requests):
    # the quick pass keeps its valid boundaries and one foreign method, the negative cases are the fuzzing phase's.
    coverage = '[phases.coverage]\nunexpected-methods = ["trace"]\n[phases.coverage.generation]\nmode = "positive"\n'
    # The stateful phase follows the declared links only (inferred ones would share its budget), and a scenario may
    # go 20 calls deep: a chain such as search → structure → members → role takes a root call and three links.
    config.write_text(_dictionaries(seeds) + (coverage if quick else "") + f"[phases.fuzzing.generation]\n"
                      f"max-examples = {fuzzing}\n[phases.stateful]\nmax-steps = 20\n"
                      f"[phases.stateful.inference]\nalgorithms = []\n"
                      f"[phases.stateful.generation]\nmax-examples = {stateful}\n")
    limits = ["--config-file", str(config)]
    command = [
        str(Path(sys.executable).with_name("schemathesis")), *limits, "run", str(ROOT / "docs" / "openapi.json"),
        "--url", base + "/api", "-H", f"Cookie: {cookie}", "-H", "X-Requested-With: fetch", "--checks", CHECKS,
        *[part for operation in LEFT_OUT for part in ("--exclude-operation-id", operation)],
        "--workers", "1", "--report", "json,ndjson", "--report-dir", str(report_dir), "--no-color",
        "--suppress-health-check", "all", "--request-timeout", "60",
        *(["--seed", str(seed)] if seed is not None else []),
    ]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={
        **os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": "scripts.fuzz_hooks", "FUZZ_SEEDS": json.dumps(seeds)})
    figures = summary(report_dir)
    figures["exit_code"] = finished.returncode
    figures["output"] = finished.stdout + finished.stderr
    return figures


def declared_links() -> list[str]:
    """Every link of docs/openapi.json, named as schemathesis names a transition."""
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    labels = {operation["operationId"]: f"{method.upper()} {path}"
              for path, methods in document["paths"].items() for method, operation in methods.items()}
    return [f"{method.upper()} {path} -> [{status}] {name} -> {labels[link['operationId']]}"
            for path, methods in document["paths"].items() for method, operation in methods.items()
            for status, answer in operation["responses"].items() for name, link in answer.get("links", {}).items()]


def summary(report_dir: Path) -> dict:
    """Requests per phase, failures, and the transitions the stateful phase took, declared links apart."""
    report = json.loads(next(report_dir.glob("json-*.json")).read_text())
    requests: Counter = Counter()
    declared: Counter = Counter()
    inferred: Counter = Counter()
    statuses: Counter = Counter()
    for line in next(report_dir.glob("ndjson-*.ndjson")).read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        for interactions in recorder.get("interactions", {}).values():
            requests[event["phase"]] += 1
            response = interactions.get("response") or {}
            statuses[response.get("status_code")] += 1
        for case in recorder.get("cases", {}).values():
            transition = case.get("transition")
            if transition and case.get("is_transition_applied", True):
                (inferred if transition.get("is_inferred") else declared)[transition["id"]] += 1
    return {
        "requests": sum(requests.values()), "per_phase": dict(requests), "statuses": dict(statuses),
        "test_cases": report["test_cases"], "failures": report["failures"], "errors": report["errors"],
        "phases": {name: phase["status"] for name, phase in report["phases"].items()},
        "declared_links": dict(declared), "inferred_links": sum(inferred.values()),
        "server_errors": sum(count for status, count in statuses.items() if status and status >= 500),
    }


def printed(figures: dict) -> str:
    lines = [f"requests: {figures['requests']}  "
             + "  ".join(f"{phase}: {count}" for phase, count in figures["per_phase"].items()),
             "statuses: " + "  ".join(f"{status}: {count}" for status, count in sorted(
                 figures["statuses"].items(), key=lambda item: str(item[0]))),
             f"test cases: {figures['test_cases']}",
             "phases: " + "  ".join(f"{name}: {status}" for name, status in figures["phases"].items()),
             f"failures: {sum(failure['count'] for failure in figures['failures'])}  "
             f"errors: {len(figures['errors'])}  server errors: {figures['server_errors']}"]
    for failure in figures["failures"]:
        lines.append(f"  {failure['code']} {failure['title']}: {failure['count']} ({', '.join(failure['operations'])})")
    declared = declared_links()
    lines.append(f"declared links followed: {len(figures['declared_links'])} of {len(declared)}, in "
                 f"{sum(figures['declared_links'].values())} transitions; inferred: {figures['inferred_links']}")
    for link, count in sorted(figures["declared_links"].items()):
        lines.append(f"  {count:5d}  {link}")
    lines.extend(f"  never  {link}" for link in declared if link not in figures["declared_links"])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the bounded pass of `make test`")
    parser.add_argument("--url", help="a local stack already running (http://127.0.0.1:8000)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--reports", help="keep schemathesis's reports in this folder")
    options = parser.parse_args()
    minimum = 0 if options.quick else int(os.environ.get("FUZZ_REQUESTS", 10_000))
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        stack = None
        base = options.url
        if not base:
            from tests.e2e.conftest import LocalStack

            stack = LocalStack(Path(folder) / "stack").start()
            base = stack.url
        try:
            cookie, seeds = prepare(base)
            started = time.monotonic()
            total: dict | None = None
            rounds = 0
            # The long pass goes on, round after round, until it has sent its share of requests.
            while total is None or total["requests"] < minimum:
                rounds += 1
                reports = Path(options.reports or folder) / f"report-{rounds}"
                figures = run(base, cookie, seeds, reports, options.quick, options.seed)
                total = figures if total is None else merged(total, figures)
                print(printed(figures) if rounds == 1 and options.quick else f"round {rounds}: "
                      f"{figures['requests']} requests, exit {figures['exit_code']}", flush=True)
                if figures["exit_code"] != 0 or options.quick:
                    print(figures["output"][-6000:])
                    break
            print(f"\n== {rounds} round(s), {time.monotonic() - started:.0f} s ==\n{printed(total)}")
            still_in = call(base, "GET", "/me", cookie=cookie)[0] == 200
            print("session still valid at the end:", still_in)
            return 0 if total["exit_code"] == 0 and total["server_errors"] == 0 and still_in else 1
        finally:
            if stack:
                stack.stop()


def merged(total: dict, more: dict) -> dict:
    def add(one: dict, other: dict) -> dict:
        return {key: one.get(key, 0) + other.get(key, 0) for key in {*one, *other}}

    return {
        "requests": total["requests"] + more["requests"], "per_phase": add(total["per_phase"], more["per_phase"]),
        "statuses": add(total["statuses"], more["statuses"]),
        "test_cases": add(total["test_cases"], more["test_cases"]),
        "failures": total["failures"] + more["failures"], "errors": total["errors"] + more["errors"],
        "phases": {name: status if total["phases"].get(name) in (None, "success", "skipped") else total["phases"][name]
                   for name, status in more["phases"].items()},
        "declared_links": add(total["declared_links"], more["declared_links"]),
        "inferred_links": total["inferred_links"] + more["inferred_links"],
        "server_errors": total["server_errors"] + more["server_errors"], "exit_code": more["exit_code"] or
        total["exit_code"], "output": more["output"],
    }


if __name__ == "__main__":
    sys.exit(main())
