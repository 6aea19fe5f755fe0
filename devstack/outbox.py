"""The dev-only outbox: the mails the app sent through SES, as moto (running in this process) kept them.

A person trying the portal locally needs the links that mails carry (activation, reactivation); CI and the browser
tests read them here too. Never part of the deployed app.
"""

import html
import json
import os
import re
from email import message_from_string
from email.policy import default as default_policy

_LINK = re.compile(r"(https?://[^\s<>\"']+)")
# Mails of earlier runs, from the saved state: a link read after a restart is still there. Bounded, newest kept.
KEPT = 200
_earlier: list[dict] = []


def restore(saved: list[dict]) -> None:
    _earlier[:] = saved[:KEPT]


def messages() -> list[dict]:
    """Newest first, this run's then the saved ones: {id, to, subject, text, html}."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    region = os.environ.get("AWS_REGION", "eu-west-3")
    sent = list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages)
    found = []
    for message in reversed(sent):
        raw = getattr(message, "raw_data", None)
        if raw is None:
            continue
        parsed = message_from_string(raw, policy=default_policy)
        text = parsed.get_body(preferencelist=("plain",))
        rich = parsed.get_body(preferencelist=("html",))
        found.append({
            "id": message.id, "to": parsed["To"], "subject": str(parsed["Subject"]),
            "text": text.get_content() if text else "", "html": rich.get_content() if rich else "",
        })
    return (found + _earlier)[:KEPT]


def as_json(_request) -> tuple[int, dict, bytes]:
    body = json.dumps(messages(), ensure_ascii=False).encode()
    return 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body


def as_page(_request) -> tuple[int, dict, bytes]:
    items = []
    for mail in messages():
        text = _LINK.sub(r'<a href="\1">\1</a>', html.escape(mail["text"]))
        items.append(
            f"<article><h2>{html.escape(mail['subject'])}</h2>"
            f"<p>À : {html.escape(mail['to'] or '')}</p><pre>{text}</pre></article>"
        )
    page = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Boîte d\'envoi (développement)</title>'
        '<link rel="stylesheet" href="/dsfr/dsfr.min.css"></head><body><main class="fr-container fr-my-4w">'
        "<h1>Boîte d'envoi (développement)</h1>"
        "<p>Les courriels envoyés par le portail local, du plus récent au plus ancien.</p>"
        + ("".join(items) or "<p>Aucun courriel envoyé.</p>")
        + "</main></body></html>"
    )
    return 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, page.encode()


def run_job(name: str):
    """A dev-only route that runs a scheduled job now (``chalice local`` never runs schedules)."""

    def route(request) -> tuple[int, dict, bytes]:
        from importlib import import_module

        target = {"housekeeping": "chalicelib.jobs.housekeeping",
                  "password_reminders": "chalicelib.jobs.reminders",
                  "stale_requests": "chalicelib.jobs.stale_requests",
                  "exports": "devstack.queues:drain",
                  "daily_digest": "chalicelib.jobs.digests:run_today",
                  "weekly_recap": "chalicelib.jobs.digests:run_weekly"}[name]
        module_name, _, function = target.partition(":")
        with request.server.api_lock:
            result = getattr(import_module(module_name), function or "run")()
            if request.server.on_change:
                request.server.on_change()
        body = json.dumps({"job": name, "result": result}).encode()
        return 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body

    return route


def ses_notification(address: str, user_id: str, kind: str = "Bounce", address_kind: str = "contact") -> str:
    """What SES's configuration set publishes to SNS, and SNS delivers to SQS, for a mail to ``address`` that bounced
    for good (``Bounce``) or was reported as spam (``Complaint``): the body of one SQS message."""
    import uuid
    from datetime import UTC, datetime

    from chalicelib import settings

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    event = {
        "eventType": kind,
        "mail": {
            "timestamp": now, "source": settings.mail_from(), "messageId": uuid.uuid4().hex, "destination": [address],
            "tags": {"user": [user_id], "address": [address_kind],
                     "ses:configuration-set": [settings.mail_configuration_set() or "local"]},
        },
    }
    if kind == "Bounce":
        event["bounce"] = {"bounceType": "Permanent", "bounceSubType": "General", "timestamp": now,
                           "feedbackId": uuid.uuid4().hex, "bouncedRecipients": [
                               {"emailAddress": address, "action": "failed", "status": "5.1.1",
                                "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]}
    else:
        event["complaint"] = {"complainedRecipients": [{"emailAddress": address}], "timestamp": now,
                              "feedbackId": uuid.uuid4().hex, "complaintFeedbackType": "abuse"}
    return json.dumps({"Type": "Notification", "MessageId": uuid.uuid4().hex,
                       "TopicArn": "arn:aws:sns:eu-west-3:000000000000:mon-compte-mail-feedback",
                       "Message": json.dumps(event), "Timestamp": now})


def bounce(request) -> tuple[int, dict, bytes]:
    """``/dev/bounce?login=<login>[&type=Complaint]``: SES says the contact address of that account bounces (as its
    SNS notification would reach the ``mail_feedback`` function through SQS)."""
    from urllib.parse import parse_qs, urlsplit

    from chalicelib.jobs import bounces
    from chalicelib.store import accounts

    query = parse_qs(urlsplit(request.path).query)
    login, kind = (query.get("login") or [""])[0], (query.get("type") or ["Bounce"])[0]
    with request.server.api_lock:
        user_id = accounts.find_user_id(login) if login else None
        profile = accounts.get_profile(user_id) if user_id else None
        if profile is None or kind not in ("Bounce", "Complaint"):
            return 404, {"Content-Type": "application/json; charset=utf-8"}, b'{"marked": 0}'
        marked = bounces.handle([ses_notification(profile.contact_email, user_id, kind)])
        if request.server.on_change:
            request.server.on_change()
    body = json.dumps({"marked": marked, "address": profile.contact_email}).encode()
    return 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, body
