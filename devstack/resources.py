"""Create the stack's resources from ``infra/resources.json``, the file ``chalice package --merge-template`` merges.

moto's CloudFormation builds what it can emulate (tables, buckets, queues); the rest of the file (CloudFront, IAM, the
merged function settings) is cloud-only and left out, along with any property that points at a left-out resource.
The tests and the local stack both call this, so neither can drift from what is deployed.
"""

import copy
import json
import re
from pathlib import Path

import boto3

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "resources.json"
LOCAL_TYPES = {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue"}
STACK_NAME = "mon-compte-local"
# Which environment variable of the app names which logical resource: the same pairs the template merges into
# the API function.
ENVIRONMENT = {"TABLE_NAME": "AccountTable", "ATTACHMENTS_BUCKET": "AttachmentsBucket",
               "MAIL_DEAD_LETTER_QUEUE_URL": "MailDeadLetterQueue", "EXPORTS_QUEUE_URL": "ExportsQueue",
               "INVOICE_STATUS_QUEUE_URL": "InvoiceStatusQueue",
               "INVOICE_DEAD_LETTER_QUEUE_URL": "InvoiceDeadLetterQueue"}


def references(value) -> set[str]:
    """Every ``Name`` or ``Name.Attribute`` (and pseudo parameter) a value refers to through Ref, GetAtt or Sub."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(".".join(inner) if isinstance(inner, list) else inner)
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found.update(re.findall(r"\$\{([^}!]+)\}", text))
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def names(value) -> set[str]:
    """The resources and parameters a value refers to (attributes left out)."""
    return {token.split(".")[0] for token in references(value)}


def keep_only(resources: dict, types: set[str]) -> dict:
    """The resources of ``types``, without the properties that point at a resource left out (``resources`` is not
    changed)."""
    kept = {name: copy.deepcopy(res) for name, res in resources.items() if res["Type"] in types}
    for resource in kept.values():
        properties = resource.get("Properties", {})
        for key in list(properties):
            if {r for r in names(properties[key]) if not r.startswith("AWS::")} - set(kept):
                del properties[key]
    return kept


def local_template() -> dict:
    template = json.loads(TEMPLATE.read_text())
    kept = keep_only(template["Resources"], LOCAL_TYPES)
    return {"AWSTemplateFormatVersion": template["AWSTemplateFormatVersion"], "Resources": kept}


def create_resources() -> dict[str, str]:
    """Create the stack (once) and return the environment variables that point the app at it."""
    cloudformation = boto3.client("cloudformation")
    summaries = cloudformation.list_stacks()["StackSummaries"]
    existing = {s["StackName"] for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"}
    if STACK_NAME not in existing:
        cloudformation.create_stack(StackName=STACK_NAME, TemplateBody=json.dumps(local_template()))
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cloudformation.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    }
    # moto has no AWS::SES::EmailIdentity: the sender is verified here, as the template's MailIdentity does.
    from chalicelib import settings

    boto3.client("sesv2").create_email_identity(EmailIdentity=settings.mail_from())
    return {variable: physical[logical] for variable, logical in ENVIRONMENT.items()}
