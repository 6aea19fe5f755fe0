"""scripts/deploy.py's pieces without AWS: the resources stack it derives from infra/resources.json, the stage's
configuration it writes from the stack's outputs, the frontend's headers. The whole run is rehearsed against moto in
test_deploy_rehearsal.py."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import deploy
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
SOURCE = ROOT / "infra" / "resources.json"


def _walk(value):
    yield value
    if isinstance(value, dict):
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def test_the_resources_stack_leaves_chalice_its_own_and_waits_for_the_rest_api(tmp_path):
    template = deploy.resources_template(SOURCE)
    resources = template["Resources"]
    merge = json.loads(SOURCE.read_text())["Resources"]
    # Chalice's functions and the policy on its role are its own in route (b); every other resource is kept.
    assert {n for n, r in merge.items() if r["Type"] == "AWS::Serverless::Function"}.isdisjoint(resources)
    assert "AccountDataPolicy" not in resources
    assert set(resources) == set(merge) - {"APIHandler", "Housekeeping", "PasswordReminders", "StaleRequests",
                                           "TableChanges", "MailFeedback", "Exports", "InvoiceStatuses",
                                           "MembershipEnds", "DailyDigest", "WeeklyRecap", "DigestShard",
                                           "AccountDataPolicy"}
    assert not deploy.references(resources) & {"RestAPI", "DefaultRole"}
    assert template["Parameters"]["RestApiId"]["Default"] == ""
    # The gateway response exists with the REST API; CloudFront gets its api origin and /api/* behaviour then too.
    assert resources["ApiMissingRouteResponse"]["Condition"] == "HasRestApi"
    assert resources["ApiMissingRouteResponse"]["Properties"]["RestApiId"] == {"Ref": "RestApiId"}
    config = resources["FrontendDistribution"]["Properties"]["DistributionConfig"]
    (api_origin,) = [o["Fn::If"][1] for o in config["Origins"] if "Fn::If" in o]
    assert api_origin["Id"] == "api"
    assert api_origin["DomainName"] == {"Fn::Sub": "${RestApiId}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    (behaviour,) = config["CacheBehaviors"]
    assert behaviour["Fn::If"][0] == "HasRestApi" and behaviour["Fn::If"][1]["PathPattern"] == "/api/*"
    assert behaviour["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    # The values of the stage's configuration and policy are outputs.
    for output in ("AccountTableName", "AccountTableStreamArn", "FrontendBucketName", "FrontendDistributionId",
                   "ValueAccountTableArn", "ValueMailConfigurationSet", "ValueMailDomain", "ValuePortalOrigin"):
        assert output in template["Outputs"]
    path = tmp_path / "resources-stack.json"
    path.write_text(json.dumps(template))
    lint = subprocess.run([str(BIN / "cfn-lint"), str(path)], capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_rehearsal_stack_keeps_only_what_moto_emulates():
    template = deploy.resources_template(SOURCE, rehearsal=True)
    assert set(template["Resources"]) == {"AccountTable", "AttachmentsBucket", "FrontendBucket", "MailDeadLetterQueue",
                                          "MailFeedbackQueue", "ExportsQueue", "ExportsDeadLetterQueue",
                                          "InvoiceStatusQueue", "InvoiceDeadLetterQueue", "DigestShardQueue",
                                          "DigestDeadLetterQueue"}
    assert not {"FrontendDistributionId", "ValueMailConfigurationSet"} & set(template["Outputs"])


def test_the_stack_outputs_become_the_stage_configuration(tmp_path):
    table = "arn:aws:dynamodb:eu-west-3:111122223333:table/mon-compte-prod-AccountTable-X"
    outputs = {
        "AccountTableStreamArn": f"{table}/stream/2026", "ValueAccountTable": "mon-compte-prod-AccountTable-X",
        "ValueAccountTableArn": table, "ValueAccountTableStreamArn": f"{table}/stream/2026",
        "ValueAttachmentsBucket": "pj", "ValueAttachmentsBucketArn": "arn:aws:s3:::pj", "ValueMailDomain": "d.fr",
        "ValueMailConfigurationSet": "mails", "ValuePortalOrigin": "https://portail.d.fr", "ValueAWSPartition": "aws",
        "ValueAWSRegion": "eu-west-3", "ValueAWSAccountId": "111122223333",
        "ValueMailDeadLetterQueue": "https://sqs.eu-west-3.amazonaws.com/111122223333/dlq",
        "ValueMailDeadLetterQueueArn": "arn:aws:sqs:eu-west-3:111122223333:dlq",
        "ValueMailFeedbackQueueArn": "arn:aws:sqs:eu-west-3:111122223333:feedback",
        "MailFeedbackQueueArn": "arn:aws:sqs:eu-west-3:111122223333:feedback",
        "ValueExportsQueue": "https://sqs.eu-west-3.amazonaws.com/111122223333/exports",
        "ValueExportsQueueArn": "arn:aws:sqs:eu-west-3:111122223333:exports",
        "ExportsQueueArn": "arn:aws:sqs:eu-west-3:111122223333:exports",
        "InvoiceStatusQueueArn": "arn:aws:sqs:eu-west-3:111122223333:invoices",
        "ValueInvoiceStatusQueue": "https://sqs/invoices", "ValueInvoiceDeadLetterQueue": "https://sqs/invoices-dlq",
        "ValueInvoiceStatusQueueArn": "arn:aws:sqs:eu-west-3:111122223333:invoices",
        "ValueInvoiceDeadLetterQueueArn": "arn:aws:sqs:eu-west-3:111122223333:invoices-dlq",
        "DigestShardQueueArn": "arn:aws:sqs:eu-west-3:111122223333:digests",
        "ValueDigestShardQueue": "https://sqs/digests",
        "ValueDigestShardQueueArn": "arn:aws:sqs:eu-west-3:111122223333:digests",
    }
    variables, policy = deploy.stage_settings(SOURCE, outputs)
    assert variables == {
        "TABLE_NAME": "mon-compte-prod-AccountTable-X", "ATTACHMENTS_BUCKET": "pj", "MAIL_FROM": "ne-pas-repondre@d.fr",
        "MAIL_CONFIGURATION_SET": "mails", "PORTAL_URL": "https://portail.d.fr",
        "TABLE_STREAM_ARN": f"{table}/stream/2026",
        "MAIL_DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/111122223333/dlq",
        "MAIL_FEEDBACK_QUEUE_ARN": "arn:aws:sqs:eu-west-3:111122223333:feedback",
        # « Télécharger mes données »: the API's queue, and the ARN ``@on_sqs_message`` reads at deploy time.
        "EXPORTS_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/111122223333/exports",
        "EXPORTS_QUEUE_ARN": "arn:aws:sqs:eu-west-3:111122223333:exports",
        # The invoicing platform's queue (issue 12).
        "INVOICE_STATUS_QUEUE_URL": "https://sqs/invoices", "INVOICE_DEAD_LETTER_QUEUE_URL": "https://sqs/invoices-dlq",
        "INVOICE_STATUS_QUEUE_ARN": "arn:aws:sqs:eu-west-3:111122223333:invoices",
        # The daily digest's and weekly recap's fan-out per shard (issue 12).
        "DIGEST_QUEUE_URL": "https://sqs/digests", "DIGEST_QUEUE_ARN": "arn:aws:sqs:eu-west-3:111122223333:digests",
    }
    resources = {r for s in policy["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list)
                                                          else [s["Resource"]])}
    assert {table, f"{table}/index/*", f"{table}/stream/2026", "arn:aws:s3:::pj/*",
            "arn:aws:ses:eu-west-3:111122223333:identity/d.fr",
            "arn:aws:ses:eu-west-3:111122223333:configuration-set/mails", "arn:aws:sqs:eu-west-3:111122223333:dlq",
            "arn:aws:sqs:eu-west-3:111122223333:feedback", "arn:aws:sqs:eu-west-3:111122223333:exports"} <= resources
    assert not [v for v in _walk(policy) if isinstance(v, dict) and set(v) & {"Ref", "Fn::Sub", "Fn::GetAtt"}]

    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text((ROOT / ".chalice" / "config.json").read_text())
    deploy.write_stage_config(tmp_path, "prod", variables, policy)
    config = json.loads((tmp_path / ".chalice" / "config.json").read_text())
    stage = config["stages"]["prod"]
    assert stage["environment_variables"] == variables and stage["autogen_policy"] is False
    assert json.loads((tmp_path / ".chalice" / stage["iam_policy_file"]).read_text()) == policy
    assert stage["lambda_memory_size"] == 1024 and config["stages"]["dev"] == json.loads(
        (ROOT / ".chalice" / "config.json").read_text())["stages"]["dev"]


def test_the_stream_settings_are_the_merge_templates():
    assert deploy.stream_settings(SOURCE) == {"TableChanges": {
        "MaximumRetryAttempts": 10, "BisectBatchOnFunctionError": True,
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps(pattern, separators=(",", ":"))} for pattern in (
            {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["USER"]}}}},
            {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["STRUCTURE_SPACE"]}}}},
            {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["MAIL"]}}}},
        )]},
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": {
            "Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]}}},
    }}


def test_the_on_failure_destination_reaches_the_lambda_api_resolved():
    outputs = {"ValueMailDeadLetterQueueArn": "arn:aws:sqs:eu-west-3:111122223333:dlq"}
    settings = deploy.mapping_settings(deploy.stream_settings(SOURCE)["TableChanges"], outputs)
    assert settings["DestinationConfig"] == {"OnFailure": {"Destination": "arn:aws:sqs:eu-west-3:111122223333:dlq"}}
    assert settings["MaximumRetryAttempts"] == 10 and settings["BisectBatchOnFunctionError"] is True


def test_hashed_chunks_are_immutable_and_everything_else_revalidated():
    assert deploy.cache_control("js/chunk-AB12CD34.js") == "public, max-age=31536000, immutable"
    for key in ("index.html", "js/mon-compte.js", "css/app.css", "dsfr/dsfr.min.css", "dsfr/favicon/favicon.ico"):
        assert deploy.cache_control(key) == "no-cache"
    assert deploy.content_type("index.html") == "text/html; charset=utf-8"
    assert deploy.content_type("js/chunk-AB12CD34.js") == "text/javascript; charset=utf-8"
    assert deploy.content_type("dsfr/fonts/Marianne-Bold.woff2") == "font/woff2"
    assert deploy.content_type("dsfr/favicon/apple-touch-icon.png") == "image/png"


def test_the_rehearsal_refuses_anything_but_a_local_endpoint(monkeypatch, capsys):
    for endpoint in (None, "https://cloudformation.eu-west-3.amazonaws.com", "http://127.0.0.1.example.com:5000"):
        if endpoint is None:
            monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
        else:
            monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        with pytest.raises(SystemExit) as stopped:
            deploy.main(["--stage", "prod", "--rehearsal"])
        assert stopped.value.code == 2
        assert "local moto server only" in capsys.readouterr().err


def test_the_edge_stack_comes_first_and_hands_its_web_acl_to_the_resources_stack():
    """CloudFront's web ACL lives in us-east-1: its stack's output is the resources stack's parameter of that name."""
    assert deploy.PHASES[0] == "edge" and deploy.EDGE_REGION == "us-east-1"
    edge = json.loads((ROOT / "infra" / "edge.json").read_text())
    assert deploy.WEB_ACL_PARAMETER in edge["Outputs"]
    stack = deploy.resources_template(ROOT / "infra" / "resources.json", rehearsal=False)
    assert deploy.WEB_ACL_PARAMETER in stack["Parameters"]
    web_acl = stack["Resources"]["FrontendDistribution"]["Properties"]["DistributionConfig"]["WebACLId"]
    assert web_acl == {"Fn::If": ["HasWebAcl", {"Ref": deploy.WEB_ACL_PARAMETER}, {"Ref": "AWS::NoValue"}]}
    assert "HasWebAcl" in stack["Conditions"]
