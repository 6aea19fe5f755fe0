"""The offline rehearsal of ``make deploy`` (scripts/deploy.py, route b): moto in server mode on 127.0.0.1, fake
credentials, never real AWS.

What it rehearses: the resources stack created by moto's CloudFormation, restricted to the types moto emulates
(``--rehearsal``: devstack.resources.LOCAL_TYPES, the table and the buckets; moto has no CloudFront, WAF or SES identity
resources, so the distribution, its headers policy, the gateway response and the mail identity are not created here),
its outputs written into the stage's configuration and policy file, then ``chalice deploy`` itself: the IAM roles with
that policy, the five Lambda functions with the stack's names, the EventBridge schedule rules and the table stream's
event source mapping, read back through boto3 from the moto server; then the later phases one by one: the stream's
filter and retries from infra/resources.json on that mapping, and the frontend upload with its headers.

Known limit: moto's ``ImportRestApi`` accepts only OpenAPI 3 (and wants ``info.description``) while Chalice sends
Swagger 2.0, so ``chalice deploy`` fails at its REST API step here and the test expects exactly that failure. The API
is covered by the package route instead: tests/infra/test_package.py runs ``chalice package --merge-template`` and
cfn-lint on the result (the REST API, its stage, the gateway response and CloudFront's ``/api/*`` origin), and
test_deploy.py checks the two routes wire the same functions, schedules and event sources, and lints the resources
stack with and without ``RestApiId``.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import boto3
import pytest

from devstack.aws import FAKE_CREDENTIALS, start_moto_server
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
STAGE = "prod"
APP = "mon-compte"
FUNCTIONS = {f"{APP}-{STAGE}", f"{APP}-{STAGE}-housekeeping", f"{APP}-{STAGE}-password_reminders",
             f"{APP}-{STAGE}-stale_requests", f"{APP}-{STAGE}-table_changes", f"{APP}-{STAGE}-mail_feedback",
             f"{APP}-{STAGE}-exports", f"{APP}-{STAGE}-invoice_statuses", f"{APP}-{STAGE}-membership_ends",
             f"{APP}-{STAGE}-daily_digest", f"{APP}-{STAGE}-weekly_recap", f"{APP}-{STAGE}-digest_shard"}


@pytest.fixture(scope="module")
def moto_server():
    saved = os.environ.get("AWS_ENDPOINT_URL")
    server = start_moto_server()
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    try:
        yield endpoint
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved


def _project_copy(target: Path) -> Path:
    """chalice deploy writes .chalice/deployed/ and deploy.py the stage's config: never in the repository."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("chalicelib", "infra"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    (target / ".chalice").mkdir()
    shutil.copy2(ROOT / ".chalice" / "config.json", target / ".chalice" / "config.json")
    # chalice's package cache (keyed by the requirements' hash), when complete: test_package.py may be writing it on the
    # other worker, and a zip gets its central directory last. Without it chalice deploy runs pip (about a minute).
    (target / ".chalice" / "deployments").mkdir()
    for package in (ROOT / ".chalice" / "deployments").glob("*.zip"):
        try:
            with zipfile.ZipFile(package):
                pass
        except zipfile.BadZipFile:
            continue
        shutil.copy2(package, target / ".chalice" / "deployments" / package.name)
    return target


def _frontend(target: Path) -> Path:
    dist = target / "dist"
    for name, text in {"index.html": "<!doctype html>", "js/accueil.js": "import './chunk-AB12CD34.js';",
                       "js/chunk-AB12CD34.js": "export {};", "css/app.css": "body{}",
                       "dsfr/favicon/favicon.svg": "<svg/>"}.items():
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_text(text)
    return dist


def _deploy(project: Path, endpoint: str, *arguments: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(FAKE_CREDENTIALS, AWS_ENDPOINT_URL=endpoint)
    return subprocess.run(
        [str(BIN / "python"), str(ROOT / "scripts" / "deploy.py"), "--stage", STAGE, "--project-dir", str(project),
         "--rehearsal", *arguments],
        cwd=project, env=env, capture_output=True, text=True, timeout=170,
    )


def test_make_deploy_rehearsed_against_moto(moto_server, tmp_path):
    started = time.monotonic()
    project = _project_copy(tmp_path)
    result = _deploy(project, moto_server)
    log = result.stdout + result.stderr

    # The REST API step is the one moto cannot do (it reads Swagger 2.0's ``info.description``, then wants OpenAPI 3):
    # chalice deploy stops there, after everything else, and deploy.py says so.
    assert result.returncode == 2, log
    assert "when calling the ImportRestApi operation" in log, log
    assert "chalice deploy failed" in log

    cloudformation = boto3.client("cloudformation")
    (stack,) = cloudformation.describe_stacks(StackName=f"{APP}-{STAGE}")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    stream_arn = outputs["AccountTableStreamArn"]
    assert boto3.client("dynamodb").describe_table(TableName=outputs["AccountTableName"])["Table"][
        "LatestStreamArn"] == stream_arn

    # The stack's outputs became the stage's configuration (in the copy only).
    config = json.loads((project / ".chalice" / "config.json").read_text())["stages"][STAGE]
    variables = config["environment_variables"]
    assert variables["TABLE_NAME"] == outputs["AccountTableName"]
    assert variables["ATTACHMENTS_BUCKET"] == outputs["AttachmentsBucketName"]
    assert variables["TABLE_STREAM_ARN"] == stream_arn
    assert variables["MAIL_FROM"] == "ne-pas-repondre@chorus-pro.gouv.fr"
    assert variables["PORTAL_URL"] == "https://portail.chorus-pro.gouv.fr"
    assert config["autogen_policy"] is False
    policy = json.loads((project / ".chalice" / config["iam_policy_file"]).read_text())
    table_arn = boto3.client("dynamodb").describe_table(TableName=outputs["AccountTableName"])["Table"]["TableArn"]
    resources = [r for s in policy["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list)
                                                          else [s["Resource"]])]
    assert table_arn in resources and f"{table_arn}/index/*" in resources and stream_arn in resources
    assert json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][STAGE].get(
        "environment_variables") is None, "the repository's config is untouched"

    # What chalice deploy created before the REST API step: with the stage's own policy file (autogen_policy
    # false), Chalice gives each function a role of its own, each with that policy.
    iam, lambda_ = boto3.client("iam"), boto3.client("lambda")
    functions = {f["FunctionName"]: f for f in lambda_.list_functions()["Functions"]}
    assert set(functions) == FUNCTIONS
    for name, function in functions.items():
        role_name = name if name != f"{APP}-{STAGE}" else f"{APP}-{STAGE}-api_handler"
        role = iam.get_role(RoleName=role_name)["Role"]
        assert function["Role"] == role["Arn"]
        (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        assert (json.loads(document) if isinstance(document, str) else document) == policy
        assert function["Environment"]["Variables"]["TABLE_NAME"] == outputs["AccountTableName"]
        assert function["Environment"]["Variables"]["TABLE_STREAM_ARN"] == stream_arn
        assert function["Runtime"] == "python3.11"
    assert functions[f"{APP}-{STAGE}"]["MemorySize"] == 1024

    events = boto3.client("events")
    rules = {r["Name"]: r for r in events.list_rules(NamePrefix=f"{APP}-{STAGE}")["Rules"]}
    schedules = {name: rule["ScheduleExpression"] for name, rule in rules.items()}
    assert schedules == {f"{APP}-{STAGE}-housekeeping-event": "rate(1 hour)",
                         f"{APP}-{STAGE}-password_reminders-event": "cron(0 6 * * ? *)",
                         f"{APP}-{STAGE}-stale_requests-event": "cron(30 5 * * ? *)",
                         f"{APP}-{STAGE}-membership_ends-event": "cron(15 5 * * ? *)",
                         f"{APP}-{STAGE}-daily_digest-event": "cron(0 5 * * ? *)",
                         f"{APP}-{STAGE}-weekly_recap-event": "cron(30 5 ? * MON *)"}
    for name in rules:
        (target,) = events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"] == functions[name.removesuffix("-event")]["FunctionArn"]

    (mapping,) = lambda_.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"]
    assert mapping["FunctionArn"] == functions[f"{APP}-{STAGE}-table_changes"]["FunctionArn"]
    (feedback,) = lambda_.list_event_source_mappings(EventSourceArn=outputs["MailFeedbackQueueArn"])[
        "EventSourceMappings"]
    assert feedback["FunctionArn"] == functions[f"{APP}-{STAGE}-mail_feedback"]["FunctionArn"]
    assert mapping["EventSourceArn"] == stream_arn
    assert mapping["BatchSize"] == 100
    (invoices,) = lambda_.list_event_source_mappings(EventSourceArn=outputs["InvoiceStatusQueueArn"])[
        "EventSourceMappings"]  # the invoicing platform's queue (issue 12), from the stack's output
    assert invoices["FunctionArn"] == functions[f"{APP}-{STAGE}-invoice_statuses"]["FunctionArn"]
    # « Télécharger mes données »: the exports queue the resources stack created triggers its function.
    (queue_mapping,) = lambda_.list_event_source_mappings(EventSourceArn=outputs["ExportsQueueArn"])[
        "EventSourceMappings"]
    assert outputs["ExportsQueueArn"] == variables["EXPORTS_QUEUE_ARN"]
    assert queue_mapping["FunctionArn"] == functions[f"{APP}-{STAGE}-exports"]["FunctionArn"]
    assert functions[f"{APP}-{STAGE}-exports"]["Timeout"] == 300
    # The digests' fan-out: one message per shard on the queue the resources stack created (issue 12).
    (shards,) = lambda_.list_event_source_mappings(EventSourceArn=outputs["DigestShardQueueArn"])[
        "EventSourceMappings"]
    assert outputs["DigestShardQueueArn"] == variables["DIGEST_QUEUE_ARN"]
    assert shards["FunctionArn"] == functions[f"{APP}-{STAGE}-digest_shard"]["FunctionArn"]
    assert functions[f"{APP}-{STAGE}-digest_shard"]["Timeout"] == 900

    # The phases after chalice deploy's, one by one. The stream's filter and retries come from infra/resources.json,
    # as in the package route.
    streams = _deploy(project, moto_server, "--phase", "streams")
    assert streams.returncode == 0, streams.stdout + streams.stderr
    (mapping,) = lambda_.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"]
    (event,) = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]["TableChanges"][
        "Properties"]["Events"].values()
    assert mapping["FilterCriteria"] == event["Properties"]["FilterCriteria"]
    assert mapping["MaximumRetryAttempts"] == 10 and mapping["BisectBatchOnFunctionError"] is True

    # A second run of the stack's and the configuration's phases changes nothing (an update, same names).
    again = _deploy(project, moto_server, "--phase", "resources", "--phase", "config")
    assert again.returncode == 0, again.stdout + again.stderr
    (stack,) = cloudformation.describe_stacks(StackName=f"{APP}-{STAGE}")["Stacks"]
    assert {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]} == outputs
    assert json.loads((project / ".chalice" / "config.json").read_text())["stages"][STAGE] == config

    # The frontend: headers per file (no distribution in the rehearsal's stack, so no invalidation).
    dist = _frontend(tmp_path / "frontend")
    upload = _deploy(project, moto_server, "--phase", "frontend", "--frontend-dir", str(dist))
    assert upload.returncode == 0, upload.stdout + upload.stderr
    s3 = boto3.client("s3")
    heads = {key: s3.head_object(Bucket=outputs["FrontendBucketName"], Key=key) for key in
             ("index.html", "js/accueil.js", "js/chunk-AB12CD34.js", "css/app.css", "dsfr/favicon/favicon.svg")}
    assert heads["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert heads["js/chunk-AB12CD34.js"]["ContentType"] == "text/javascript; charset=utf-8"
    assert heads["dsfr/favicon/favicon.svg"]["ContentType"] == "image/svg+xml"
    assert heads["js/chunk-AB12CD34.js"]["CacheControl"] == "public, max-age=31536000, immutable"
    for key in ("index.html", "js/accueil.js", "css/app.css"):
        assert heads[key]["CacheControl"] == "no-cache"
    assert time.monotonic() - started < 180
