"""Send a templated mail to a user, in its language, through SES v2.

Templates live in ``templates/<name>.<fr|en>.{subject.txt,txt,html}``: Jinja2 with autoescape for HTML, so that a
structure or person name can never inject markup into a mail. The message is sent as raw MIME (text and HTML
alternatives), which SES and the local outbox both keep whole.
"""

import logging
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


def send(name: str, recipient, context: dict, to_login: bool = False) -> bool:
    """Mail ``recipient`` (a profile) in its language, at its contact address, or at its login address for what
    concerns access to the account (activation, reset, unlock, reactivation). A failure is logged, never raised: the
    change the mail tells about is already saved."""
    language = "en" if getattr(recipient, "language", "FR") == "EN" else "fr"
    address = recipient.login if to_login else recipient.contact_email
    subject, text, html = render(name, language, {**context, "recipient": recipient})
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr(("Chorus Pro", settings.mail_from()))
    message["To"] = address
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    try:
        import boto3

        arguments = {
            "FromEmailAddress": settings.mail_from(),
            "Destination": {"ToAddresses": [address]},
            "Content": {"Raw": {"Data": message.as_bytes()}},
        }
        if settings.mail_configuration_set():
            arguments["ConfigurationSetName"] = settings.mail_configuration_set()
        boto3.client("sesv2").send_email(**arguments)
    except Exception:
        log.exception("mail %s to user %s not sent", name, getattr(recipient, "user_id", "?"))
        metric("MailsFailed", Template=name)
        return False
    log.info("mail %s sent to user %s", name, getattr(recipient, "user_id", "?"))
    metric("MailsSent", Template=name)
    return True
