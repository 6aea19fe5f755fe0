"""Templated mails to a user, in its language: queued in the outbox by the request, sent through SES v2 by the mailer
(``jobs.mailer``) a moment later.

Templates live in ``templates/<name>.<fr|en>.{subject.txt,txt,html}``: Jinja2 with autoescape for HTML, so that a
structure or person name can never inject markup into a mail. The message is sent as raw MIME (text and HTML
alternatives), which SES and the local outbox both keep whole.
"""

import dataclasses
import json
import logging
import time
import uuid
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formataddr
from functools import lru_cache
from pathlib import Path

from chalicelib import settings
from chalicelib.observability import metric

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environments():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    loader = FileSystemLoader(str(TEMPLATES))
    html = Environment(loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined)  # noqa: S701 - plain text parts
    for environment in (html, text):
        environment.filters["day"] = _day
    return html, text


def _day(value) -> str:
    """An ISO date as people write it: 27/11/2026."""
    from datetime import date

    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def render(name: str, language: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of a template in ``language`` (``fr`` or ``en``)."""
    html_env, text_env = _environments()
    context = {**context, "portal_url": settings.portal_url()}
    subject = text_env.get_template(f"{name}.{language}.subject.txt").render(context).strip()
    text = text_env.get_template(f"{name}.{language}.txt").render(context)
    html = html_env.get_template(f"{name}.{language}.html").render(context)
    return subject, text, html


def _json_default(value):
    """The context as the templates read it later: entities as mappings (Jinja reads ``a.b`` from either), dates and
    instants tagged so that ``load_context`` gives them back as they were (a template may call ``strftime``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not storable in a mail's context: {type(value).__name__}")


def _restore(mapping: dict):
    if set(mapping) == {"$datetime"}:
        return datetime.fromisoformat(mapping["$datetime"])
    if set(mapping) == {"$date"}:
        return date.fromisoformat(mapping["$date"])
    return mapping


def dump_context(context: dict) -> str:
    return json.dumps(context, default=_json_default, ensure_ascii=False)


def load_context(text: str) -> dict:
    """The context as the request gave it (entities as mappings)."""
    return json.loads(text, object_hook=_restore)


def outbox_item(name: str, recipient, context: dict, to_login: bool = False, link: str | None = None,
                address: str | None = None, mail_id: str | None = None):
    """The outbox item of a mail to ``recipient`` (a profile or a user id). ``link`` names the purpose of a one-time
    link (``ACTIVATION``, ``RESET``, ``UNLOCK``, ``REACTIVATION``) that the mailer issues when it sends: the item never
    holds a raw token, and a link given in ``context`` is refused for that reason (``link_ref`` in the context names
    what the link acts on). ``address``: an address that is not the profile's (a new one to confirm). ``mail_id``: a
    fixed id (the digests': one mail per user and day, put only if absent), instead of one in queuing order."""
    from chalicelib.domain import clock
    from chalicelib.domain.mails import LINK_PURPOSES
    from chalicelib.store import outbox

    if link is not None and link not in LINK_PURPOSES:
        raise ValueError(f"unknown link purpose {link}")
    text = dump_context(context)
    if "link" in context or "jeton=" in text:
        raise ValueError("a one-time link is issued by the mailer: pass its purpose as link=")
    user_id = recipient if isinstance(recipient, str) else recipient.user_id
    # Ids sort as the mails were queued (the real clock, not the domain's, which tests freeze): what reads the outbox
    # in bulk (the tests, the local stack's restart) sends them in that order.
    mail_id = mail_id or f"{time.time_ns():016x}{uuid.uuid4().hex[:16]}"
    return outbox.new_item(mail_id, name, user_id, to_login, text, link, clock.now(), address)


def queue(transaction, name: str, recipient, context: dict, to_login: bool = False, link: str | None = None) -> None:
    """Put the mail in the outbox within ``transaction`` (a PynamoDB TransactWrite): it goes out only if the change it
    tells about is saved, and costs the request no extra call."""
    transaction.save(outbox_item(name, recipient, context, to_login, link))


def with_next_commit(name: str, recipient, context: dict, to_login: bool = False, link: str | None = None):
    """``with sender.with_next_commit(...): store_call()``: the mail joins the transaction of the first
    ``store.common.commit`` inside the block (for store functions that own their transaction)."""
    from chalicelib.store.common import also_in_next_commit

    return also_in_next_commit(lambda transaction: queue(transaction, name, recipient, context, to_login, link))


def send(name: str, recipient, context: dict, to_login: bool = False, link: str | None = None) -> bool:
    """Mail ``recipient`` (a profile) in its language, at its contact address, or at its login address for what
    concerns access to the account (activation, reset, unlock, reactivation), through the outbox: one PutItem here,
    SES later (``jobs.mailer``). A failure to queue is logged, never raised: the change the mail tells about is
    already saved."""
    try:
        from chalicelib.store import outbox

        outbox.save(outbox_item(name, recipient, context, to_login, link))
    except ValueError:
        raise
    except Exception:
        log.exception("mail %s to user %s not queued", name, getattr(recipient, "user_id", "?"))
        metric("MailsFailed", Template=name)
        return False
    return True


def deliver(name: str, recipient, context: dict, to_login: bool, mail_id: str, address: str | None = None) -> str:
    """Render and hand the mail to SES now (the mailer's step); returns the address. Raises if SES refuses it. Tagged
    with its user and which address it went to, so that a bounce finds the profile without any index."""
    language = "en" if getattr(recipient, "language", "FR") == "EN" else "fr"
    kind = "login" if to_login else "contact"
    if address:
        kind = "other"  # not the profile's: a bounce there marks nothing
    else:
        address = recipient.login if to_login else recipient.contact_email
    subject, text, html = render(name, language, {**context, "recipient": recipient})
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr(("Chorus Pro", settings.mail_from()))
    message["To"] = address
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    import boto3
    from botocore.config import Config

    arguments = {
        "FromEmailAddress": settings.mail_from(),
        "Destination": {"ToAddresses": [address]},
        "Content": {"Raw": {"Data": message.as_bytes()}},
        "EmailTags": [{"Name": "user", "Value": recipient.user_id},
                      {"Name": "address", "Value": kind},
                      {"Name": "mail", "Value": mail_id}],
    }
    if settings.mail_configuration_set():
        arguments["ConfigurationSetName"] = settings.mail_configuration_set()
    # botocore's standard mode, 3 attempts (SES's throttling is retried there): the mailer retries the rest itself,
    # the batch being handed again, so a refused mail never holds a Lambda for long.
    boto3.client("sesv2", config=Config(retries={"mode": "standard", "total_max_attempts": 3})).send_email(**arguments)
    log.info("mail %s sent to user %s", name, recipient.user_id)
    metric("MailsSent", Template=name)
    return address
