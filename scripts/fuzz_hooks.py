"""Schemathesis hooks of scripts/fuzz.py (loaded through ``SCHEMATHESIS_HOOKS``): they give the stateful phase valid
starting calls, so that its scenarios reach the declared links instead of stopping at a 422.

- The operations that start a chain (create a structure, ask to join one, ask for spaces, start an upload, record it)
  get a valid body half the time, the other half stays generated. Values that depend on the run (today, the demo
  structures' ids) come from ``FUZZ_SEEDS``, a JSON object written by ``fuzz.prepare``.
- After an upload ticket, the file goes to the bucket as a browser would send it: without it, recording the
  attachment can only answer 404, and the links from a record (change, download, delete) are never followed.
- ``POST /structures`` and ``GET /structures`` are starting points. Schemathesis 4.32 reads their ``last_name`` and
  ``first_name`` fields (a « particulier »'s names) as keys of resources « Last » and « First » that nothing returns,
  and so never starts a scenario from them; this module tells it otherwise (requirements-dev.txt pins the version).
"""

import json
import os

import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.specs.openapi import stateful

SEEDS = json.loads(os.environ.get("FUZZ_SEEDS") or "{}")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UPLOAD = {"file_name": "devis-fuzz.pdf", "attachment_type": "Devis", "designation": "Devis du fuzz"}
STARTING_POINTS = {"POST /structures", "GET /structures"}

_likely_root = stateful.is_likely_root_transition


def _is_root(operation, node, produced_anywhere) -> bool:
    return operation.label in STARTING_POINTS or _likely_root(operation, node, produced_anywhere)


stateful.is_likely_root_transition = _is_root


def _valid_bodies() -> dict:
    """A strategy of valid bodies per operation label."""
    today = SEEDS.get("today")
    services = SEEDS.get("service_codes") or ["MOBURB"]
    row = st.fixed_dictionaries({"service_code": st.sampled_from(services),
                                 "habilitation": st.sampled_from(["MODIFICATION", "CONSULTATION_UNIQUEMENT"])})
    return {
        "POST /structures": st.sampled_from(SEEDS.get("sirets") or ["00000000000000"]).map(lambda siret: {
            "identifier_type": "SIRET", "identifier": siret, "designation": f"Atelier {siret[-5:]}",
            "structure_type": "PRIVEE",
            "address": {"line1": "2 rue du Fuzz", "postal_code": "75011", "city": "Paris", "country": "FR"},
            "services": [{"code": "FUZ1", "name": "Service du fuzz"}],
        }),
        "POST /structures/{structure_id}/memberships": st.just({"valid_from": today, "comment": "Fuzz",
                                                                "services": []}),
        "POST /structures/{structure_id}/subscriptions": st.fixed_dictionaries({
            "space": st.sampled_from(["Factures émises", "Factures reçues", "Sollicitations émises",
                                      "Sollicitations reçues"]),
            "rows": st.lists(row, min_size=1, max_size=1), "valid_from": st.just(today)}),
        "POST /attachments/uploads": st.just({**UPLOAD, "size": len(PDF)}),
        # The upload id comes from the link (Record), which overrides this one.
        "POST /attachments": st.just({**UPLOAD, "upload_id": "0" * 32}),
    }


VALID_BODIES = _valid_bodies() if SEEDS else {}


@schemathesis.hook
def flatmap_body(context, body):
    valid = VALID_BODIES.get(context.operation.label) if context.operation else None
    return st.one_of(st.just(body), valid) if valid is not None else st.just(body)


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.label != "POST /attachments/uploads" or response.status_code != 201:
        return
    if not isinstance(case.body, dict) or case.body.get("file_name") != UPLOAD["file_name"]:
        return
    ticket = response.json()
    # The local stack answers a path of its own origin (its S3 proxy); a deployed one, the bucket's URL.
    url = ticket["url"] if "://" in ticket["url"] else SEEDS["origin"] + ticket["url"]
    requests.post(url, data=ticket["fields"], files={"file": (UPLOAD["file_name"], PDF)}, timeout=30)
