"""``make bench``: upload-to-recorded time of a 4 MiB « pièce jointe » on the local stack. Figures, not assertions.

One ``python -m devstack`` (moto in server mode, the dev server's same-origin proxy of the bucket), Paul logged in;
each run does what the browser does: ``POST /api/attachments/uploads`` (the presigned POST), the multipart POST of
4 MiB to the URL it names, ``POST /api/attachments`` (the server reads the object's size and first bytes, copies it
to its final key, one transaction). Medians over BENCH_RUNS runs, per step and in all; each attachment is deleted
afterwards (not timed). Locally the record also saves the stack's snapshot (every object, base64, to .local/): part of
what a person waits for here, not in the cloud.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", 7))
SIZE = 4 * 1024 * 1024
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def main() -> None:
    import requests

    from tests.conftest import DEMO_PASSWORD, PAUL
    from tests.e2e.conftest import LocalStack

    stack = LocalStack(Path(tempfile.mkdtemp(prefix="bench-attachments-"))).start()
    try:
        http = requests.Session()
        headers = {"Content-Type": "application/json", "X-Requested-With": "fetch"}
        answer = http.post(f"{stack.url}/api/auth/login", json={"login": PAUL, "password": DEMO_PASSWORD},
                           headers=headers)
        answer.raise_for_status()
        # The session cookie is __Host- and Secure: sent by hand over the local http.
        headers["Cookie"] = answer.headers["Set-Cookie"].split(";")[0]
        content = PDF_HEAD + b"0" * (SIZE - len(PDF_HEAD))
        declared = {"file_name": "Procès-verbal.pdf", "attachment_type": "Procès-verbal de réception",
                    "designation": "Bench"}
        steps = {"ticket": [], "upload": [], "record": [], "total": []}
        for _ in range(RUNS):
            started = time.perf_counter()
            ticket = http.post(f"{stack.url}/api/attachments/uploads", json={**declared, "size": SIZE},
                               headers=headers)
            ticket.raise_for_status()
            ticket = ticket.json()
            ticketed = time.perf_counter()
            url = ticket["url"] if ticket["url"].startswith("http") else stack.url + ticket["url"]
            sent = http.post(url, data=ticket["fields"], files={"file": ("Procès-verbal.pdf", content,
                                                                         "application/pdf")})
            sent.raise_for_status()
            uploaded = time.perf_counter()
            row = http.post(f"{stack.url}/api/attachments", json={"upload_id": ticket["upload_id"], **declared},
                            headers=headers)
            row.raise_for_status()
            recorded = time.perf_counter()
            steps["ticket"].append(ticketed - started)
            steps["upload"].append(uploaded - ticketed)
            steps["record"].append(recorded - uploaded)
            steps["total"].append(recorded - started)
            http.post(f"{stack.url}/api/attachments/delete", json={"ids": [row.json()["id"]]},
                      headers=headers).raise_for_status()
    finally:
        stack.stop()
    print(f"Pièce jointe de 4 Mio, téléversement jusqu'à l'enregistrement (pile locale, {RUNS} essais, médianes) :")
    labels = (("ticket", "POST /api/attachments/uploads"), ("upload", "POST présigné de 4 Mio (proxy → moto)"),
              ("record", "POST /api/attachments (contrôle, copie, transaction)"), ("total", "total"))
    for step, label in labels:
        times = steps[step]
        print(f"  {label:<55} {statistics.median(times) * 1000:7.0f} ms  "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print("  (les deux appels à l'API comprennent chacun l'enregistrement de l'état de la pile locale dans son dossier "
          "de données, fait après toute écriture réussie : absent dans le cloud)")


if __name__ == "__main__":
    main()
