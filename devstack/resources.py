"""Create the stack's resources from ``infra/resources.json``, the file ``chalice package --merge-template`` merges.

moto's CloudFormation builds what it can emulate (tables, buckets, queues); the rest of the file (CloudFront, IAM, the
merged function settings) is cloud-only and left out, along with any property that points at a left-out resource.
The tests and the local stack both call this, so neither can drift from what is deployed.
"""

import json
import re
from pathlib import Path

import boto3

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "resources.json"
LOCAL_TYPES = {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue"}
STACK_NAME = "mon-compte-local"
# Which environment variable of the app names which logical resource: the same pairs the template merges into
# the API function.
ENVIRONMENT = {"TABLE_NAME": "AccountTable", "ATTACHMENTS_BUCKET": "AttachmentsBucket"}


def _references(value) -> set[str]:
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found.update(name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text))
            found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


def local_template() -> dict:
    template = json.loads(TEMPLATE.read_text())
    kept = {name: res for name, res in template["Resources"].items() if res["Type"] in LOCAL_TYPES}
    for resource in kept.values():
        properties = resource.get("Properties", {})
        for key in list(properties):
            missing = {r for r in _references(properties[key]) if not r.startswith("AWS::")} - set(kept)
            if missing:
                del properties[key]
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
