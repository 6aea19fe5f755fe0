"""infra/ merges into Chalice's package and passes cfn-lint; the local stack reads the same file."""

import json
import os
import subprocess
import sys
from pathlib import Path

from devstack.resources import ENVIRONMENT, local_template
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def test_chalice_package_merges_the_template_and_cfn_lint_passes(tmp_path):
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}
    out = tmp_path / "package"
    subprocess.run(
        [str(BIN / "chalice"), "package", "--stage", "prod", "--merge-template", "infra/resources.json", str(out)],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
    )
    template = json.loads((out / "sam.json").read_text())
    resources = template["Resources"]
    for name in ("AccountTable", "AttachmentsBucket", "FrontendDistribution", "AccountDataPolicy", "APIHandler",
                 "Housekeeping", "PasswordReminders", "MailIdentity"):
        assert name in resources
    functions = {name for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert functions == {"APIHandler", "Housekeeping", "PasswordReminders", "ProfileCopies"}
    # The stream reaches ``profile_copies`` through the event source its decorator declares (what ``chalice deploy``
    # creates too); the merged template gives it the table's stream and keeps only profile changes.
    assert not [r for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    (event,) = resources["ProfileCopies"]["Properties"]["Events"].values()
    mapping = event["Properties"]
    assert event["Type"] == "DynamoDB" and mapping["StartingPosition"] == "LATEST"
    assert mapping["Stream"] == {"Fn::GetAtt": ["AccountTable", "StreamArn"]}
    pattern = json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"])
    assert pattern == {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["USER"]}}}}
    assert resources["AccountTable"]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    # Users' data survives a mistaken stack operation.
    table, bucket = resources["AccountTable"], resources["AttachmentsBucket"]
    for holder in (table, bucket):
        assert (holder["DeletionPolicy"], holder["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["ExpireReplacedAndDeletedVersions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    for name in functions:
        assert resources[name]["Properties"]["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "AccountTable"}
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "AccountTable"}
    assert variables["PASSWORD_LIFETIME_DAYS"] == "180"
    assert resources["APIHandler"]["Properties"]["MemorySize"] >= 512
    # Operators are told: alarms on 5xx, function errors, throttles, bounces and long jobs, to one topic.
    alarms = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {(a["Namespace"], a["MetricName"]) for a in alarms.values()} >= {
        ("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"),
        ("AWS/DynamoDB", "ThrottledRequests"), ("AWS/SES", "Reputation.BounceRate"), ("MonCompte", "JobDuration")}
    assert all(a["AlarmActions"] == [{"Ref": "OperatorsTopic"}] for a in alarms.values())
    distribution = resources["FrontendDistribution"]["Properties"]["DistributionConfig"]
    assert distribution["WebACLId"] == {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}
    lint = subprocess.run([str(BIN / "cfn-lint"), str(out / "sam.json")], capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_web_acl_limits_login_floods_and_passes_cfn_lint():
    """A CloudFront web ACL lives in us-east-1: infra/edge.json is its own stack, linted for that region."""
    template = json.loads((ROOT / "infra" / "edge.json").read_text())
    acl = template["Resources"]["PortalWebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    limit = rules["AuthRateLimit"]["Statement"]["RateBasedStatement"]
    assert limit["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/api/auth/"
    assert rules["AuthRateLimit"]["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules.values()
               if "ManagedRuleGroupStatement" in r["Statement"]}
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                       "AWSManagedRulesAmazonIpReputationList"}
    lint = subprocess.run([str(BIN / "cfn-lint"), str(ROOT / "infra" / "edge.json"), "--regions", "us-east-1"],
                          capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_function_gets_the_resource_names():
    """Variables merged into one function do not reach the others: each function of the app is listed here."""
    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert len(functions) == 4
    for function in functions:
        variables = function["Properties"]["Environment"]["Variables"]
        assert {v: variables[v] for v in ENVIRONMENT} == {v: {"Ref": logical} for v, logical in ENVIRONMENT.items()}


def test_the_local_stack_keeps_tables_and_buckets_and_drops_cloud_only_references():
    local = local_template()
    assert set(local["Resources"]) == {"AccountTable", "AttachmentsBucket", "FrontendBucket"}
    table = local["Resources"]["AccountTable"]["Properties"]
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    assert "CorsConfiguration" not in local["Resources"]["AttachmentsBucket"]["Properties"]
