"""``python -m devstack``: the whole portal on one machine, no AWS account (``make run``)."""

import contextlib
import logging
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    sys.path.insert(0, str(ROOT))
    from devstack import snapshot
    from devstack.aws import start_moto_server
    from devstack.resources import create_resources
    from devstack.server import DevServer

    data_dir = Path(os.environ.get("DATA_DIR", ROOT / ".local"))
    state_file = data_dir / "state.json"
    static_dir = Path(os.environ.get("STATIC_DIR", ROOT / "frontend" / "dist"))
    port = int(os.environ.get("PORT", 8000))

    from devstack import faults

    # FAULTS=0.1: AWS having a bad minute (devstack/faults.py); installed before any botocore session is built.
    injected = faults.install_from_env()
    # The stack, its demo data and its snapshots are the tooling, not the product: built and saved without faults.
    quiet = injected.paused if injected else contextlib.nullcontext
    calm = quiet()
    calm.__enter__()
    moto = start_moto_server()
    os.environ.setdefault("PORTAL_URL", f"http://127.0.0.1:{port}")
    # The browser reaches moto's attachments bucket through the dev server's same-origin proxy (devstack/server.py).
    os.environ.setdefault("ATTACHMENTS_URL", "/s3")
    os.environ.update(create_resources())
    password_note = ""
    if snapshot.restore(state_file):
        password_note = "(inchangé depuis la première exécution ; supprimez .local/ pour repartir de la démo)"
        saved_password = data_dir / "demo-password"
        if saved_password.exists():
            password_note = saved_password.read_text().strip() + "  (généré à la première exécution)"
    else:
        from devstack.seed import seed

        demo_password = os.environ.get("DEMO_PASSWORD")
        if demo_password:
            password_note = "(celui de DEMO_PASSWORD)"
        else:
            demo_password = "Demo-" + secrets.token_urlsafe(12)
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / "demo-password").write_text(demo_password + "\n")
            password_note = demo_password
        seed(demo_password)
        from devstack import invoices as demo_invoices

        demo_invoices.seed()
        snapshot.save(state_file)

    calm.__exit__(None, None, None)
    save_lock = threading.Lock()

    def save_state():
        with save_lock, quiet():
            snapshot.save(state_file)

    from devstack import outbox

    routes = {"/dev/outbox": outbox.as_page, "/dev/outbox.json": outbox.as_json,
              "/dev/run/housekeeping": outbox.run_job("housekeeping"),
              "/dev/run/password_reminders": outbox.run_job("password_reminders"),
              "/dev/run/stale_requests": outbox.run_job("stale_requests"), "/dev/bounce": outbox.bounce,
              "/dev/run/exports": outbox.run_job("exports"),
              "/dev/run/daily_digest": outbox.run_job("daily_digest"),
              "/dev/run/weekly_recap": outbox.run_job("weekly_recap")}
    from devstack import invoices

    routes["/dev/invoices/send"] = invoices.send_route
    routes["/dev/run/membership_ends"] = invoices.run_membership_ends
    server = DevServer(("127.0.0.1", port), static_dir, on_change=save_state, extra_routes=routes)
    from devstack.streams import start_table_changes

    # Registered after the restore and the seed: what they wrote is not a change to fan out.
    stop_copies = start_table_changes(os.environ["TABLE_NAME"], server.api_lock, save_state)
    from devstack.queues import start_exports

    stop_exports = start_exports(server.api_lock, save_state)
    stop_invoices = invoices.start_poller(server.api_lock, save_state)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Chorus Pro « Mon Compte » : {address}", flush=True)
    print("Identifiant de démo : paul.dupont@menuiserie.fr (aussi julie.leroy@menuiserie.fr, "
          "marc.petit@menuiserie.fr, claire.martin@ebenisterie-martin.fr)", flush=True)
    print(f"Mot de passe de démo : {password_note}", flush=True)
    print(f"Courriels envoyés (développement) : {address}/dev/outbox", flush=True)
    if injected:
        print(f"Pannes simulées : {injected.rate:.0%} des appels AWS (graine {injected.seed})", flush=True)
    print("Ctrl-C pour arrêter.", flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    # A shell starts background jobs with SIGINT ignored, and Python keeps an ignored SIGINT ignored: installed
    # explicitly, Ctrl-C (or kill -INT) stops the stack however it was started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop_copies.set()
        stop_exports.set()
        stop_invoices.set()
        server.server_close()
        save_state()
        moto.stop()
        print("Arrêté ; les données sont enregistrées dans", state_file, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
