"""infra/ merges into Chalice's package and passes cfn-lint; the local stack reads the same file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chalice.cli.factory import CLIFactory
from chalice.deploy import models
from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder
from chalice.utils import to_cfn_resource_name

from devstack.resources import ENVIRONMENT, local_template
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}
    out = tmp_path_factory.mktemp("package")
    subprocess.run(
        [str(BIN / "chalice"), "package", "--stage", "prod", "--merge-template", "infra/resources.json", str(out)],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
    )
    return out


def test_chalice_package_merges_the_template_and_cfn_lint_passes(package):
    out = package
    template = json.loads((out / "sam.json").read_text())
    resources = template["Resources"]
    for name in ("AccountTable", "AttachmentsBucket", "FrontendDistribution", "AccountDataPolicy", "APIHandler",
                 "Housekeeping", "PasswordReminders", "StaleRequests", "MailIdentity"):
        assert name in resources
    functions = {name for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert functions == {"APIHandler", "Housekeeping", "PasswordReminders", "StaleRequests", "TableChanges",
                         "MailFeedback", "Exports", "InvoiceStatuses", "MembershipEnds", "DailyDigest", "WeeklyRecap",
                         "DigestShard"}
    # The stream reaches ``table_changes`` through the event source its decorator declares (what ``chalice deploy``
    # creates too); the merged template gives it the table's stream and keeps only profile changes and the spaces of
    # structures.
    assert not [r for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    (event,) = resources["TableChanges"]["Properties"]["Events"].values()
    mapping = event["Properties"]
    assert event["Type"] == "DynamoDB" and mapping["StartingPosition"] == "LATEST"
    assert mapping["Stream"] == {"Fn::GetAtt": ["AccountTable", "StreamArn"]}
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [{"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["USER"]}}}},
                        {"eventName": ["INSERT", "MODIFY"],
                         "dynamodb": {"NewImage": {"kind": {"S": ["STRUCTURE_SPACE"]}}}},
                        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["MAIL"]}}}}]
    # What keeps failing goes to the dead-letter queue (the mailer parks a mail there itself after its attempts).
    assert mapping["DestinationConfig"] == {"OnFailure": {"Type": "SQS", "Destination": {
        "Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]}}}
    assert mapping["MaximumRetryAttempts"] >= 5 and mapping["BisectBatchOnFunctionError"] is True
    # SES's bounces and complaints: configuration set → SNS → SQS → mail_feedback.
    destination = resources["MailFeedbackDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "MailConfigurationSet"}
    assert sorted(destination["EventDestination"]["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert destination["EventDestination"]["SnsDestination"] == {"TopicARN": {"Ref": "MailFeedbackTopic"}}
    assert resources["MailFeedbackSubscription"]["Properties"]["Endpoint"] == {
        "Fn::GetAtt": ["MailFeedbackQueue", "Arn"]}
    (feedback,) = resources["MailFeedback"]["Properties"]["Events"].values()
    assert (feedback["Type"], feedback["Properties"]["Queue"]) == ("SQS", {"Fn::GetAtt": ["MailFeedbackQueue", "Arn"]})
    # « Télécharger mes données »: the exports queue triggers its function (issue 13), the API puts requests on it,
    # and the archives under exports/ expire after a day.
    (sqs_event,) = resources["Exports"]["Properties"]["Events"].values()
    assert sqs_event["Type"] == "SQS"
    assert sqs_event["Properties"]["Queue"] == {"Fn::GetAtt": ["ExportsQueue", "Arn"]}
    assert resources["APIHandler"]["Properties"]["Environment"]["Variables"]["EXPORTS_QUEUE_URL"] == {
        "Ref": "ExportsQueue"}
    # AWS's advice for a queue that triggers a function: a visibility timeout of six times the function's.
    timeout = resources["Exports"]["Properties"]["Timeout"]
    assert timeout == 300 and resources["ExportsQueue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout
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
    assert (rules["ExpireDataExports"]["Prefix"], rules["ExpireDataExports"]["ExpirationInDays"]) == ("exports/", 1)
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


def test_both_routes_wire_the_same_functions_schedules_and_event_sources(package):
    """Route (a), the packaged SAM template, against route (b), the graph of resources ``chalice deploy`` builds from
    the app's own declarations (its routes, ``app.event_sources``, pure lambda functions) for the same stage."""
    factory = CLIFactory(project_dir=str(ROOT), environ={**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"})
    config = factory.create_config_obj(chalice_stage_name="prod")
    graph = DependencyBuilder().build_dependencies(ApplicationGraphBuilder().build(config, "prod"))
    functions = {r.resource_name: r for r in graph if isinstance(r, models.LambdaFunction)}

    def cfn_name(function: models.LambdaFunction) -> str:  # the package's name for a function
        return "APIHandler" if function.resource_name == "api_handler" else to_cfn_resource_name(function.resource_name)

    deployed = {cfn_name(f): (f.handler, f.memory_size, f.timeout) for f in functions.values()}
    events = set()
    for resource in graph:
        if isinstance(resource, models.ScheduledEvent):
            events.add((cfn_name(resource.lambda_function), "Schedule", resource.schedule_expression))
        elif isinstance(resource, models.DynamoDBEventSource):
            events.add((cfn_name(resource.lambda_function), "DynamoDB", resource.batch_size, resource.starting_position,
                        resource.maximum_batching_window_in_seconds))
        elif isinstance(resource, models.RestAPI):
            events.add(("APIHandler", "RestAPI"))
        elif isinstance(resource, models.SQSEventSource):
            events.add((cfn_name(resource.lambda_function), "SQS", resource.batch_size,
                        resource.maximum_batching_window_in_seconds))
        elif isinstance(resource, (models.SNSLambdaSubscription, models.S3BucketNotification,
                                   models.WebsocketAPI, models.KinesisEventSource)):
            raise AssertionError(f"a trigger this test does not compare yet: {resource}")

    resources = json.loads((package / "sam.json").read_text())["Resources"]
    packaged = {
        name: (r["Properties"]["Handler"], r["Properties"]["MemorySize"], r["Properties"]["Timeout"])
        for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"
    }
    assert packaged == deployed
    wired = set()
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Api":
            wired.add(("APIHandler", "RestAPI"))
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            properties = event["Properties"]
            if event["Type"] == "Schedule":
                wired.add((name, "Schedule", properties["Schedule"]))
            elif event["Type"] == "SQS":
                # The queue is the stack's own (the merge template's GetAtt), not the placeholder of the decorator.
                assert properties["Queue"] in ({"Fn::GetAtt": ["MailFeedbackQueue", "Arn"]},
                                               {"Fn::GetAtt": ["ExportsQueue", "Arn"]},
                                               {"Fn::GetAtt": ["InvoiceStatusQueue", "Arn"]},
                                               {"Fn::GetAtt": ["DigestShardQueue", "Arn"]})
                wired.add((name, "SQS", properties["BatchSize"], properties["MaximumBatchingWindowInSeconds"]))
            else:
                assert event["Type"] == "DynamoDB"
                wired.add((name, "DynamoDB", properties["BatchSize"], properties["StartingPosition"],
                           properties["MaximumBatchingWindowInSeconds"]))
    assert wired == events
    assert {e[1] for e in events} == {"RestAPI", "Schedule", "DynamoDB", "SQS"}


def test_every_function_gets_the_resource_names():
    """Variables merged into one function do not reach the others: each function of the app is listed here."""
    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert len(functions) == 12
    for function in functions:
        variables = function["Properties"]["Environment"]["Variables"]
        assert {v: variables[v] for v in ENVIRONMENT} == {v: {"Ref": logical} for v, logical in ENVIRONMENT.items()}


def test_the_local_stack_keeps_tables_and_buckets_and_drops_cloud_only_references():
    local = local_template()
    table = local["Resources"]["AccountTable"]["Properties"]
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    # the digests' index (issue 12): a day's feed items and a week's movements by shard, with their content
    (digests,) = [index for index in table["GlobalSecondaryIndexes"] if index["IndexName"] == "gsi2"]
    assert [k["AttributeName"] for k in digests["KeySchema"]] == ["gsi2pk", "gsi2sk"]
    assert digests["Projection"] == {"ProjectionType": "ALL"}
    assert "CorsConfiguration" not in local["Resources"]["AttachmentsBucket"]["Properties"]
    # The invoicing platform's queue and its dead-letter queue (issue 12) are created locally too.
    redrive = local["Resources"]["InvoiceStatusQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["InvoiceDeadLetterQueue", "Arn"]}
    merge = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]
    (event,) = merge["InvoiceStatuses"]["Properties"]["Events"].values()
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["InvoiceStatusQueue", "Arn"]}
