"""Deploy a stage with ``chalice deploy`` after a resources stack (route b; route a is ``make package``).

    python scripts/deploy.py --stage prod [--phase edge|resources|config|chalice|streams|api|frontend ...]

0. edge: the stack ``mon-compte-<stage>-edge`` in us-east-1 (CloudFront's web ACLs live there) from ``infra/edge.json``;
   its ``WebAclArn`` goes to the resources stack's parameter of the same name.
1. resources: the stack ``mon-compte-<stage>`` built from ``infra/resources.json`` (the one source of truth): without
   what Chalice creates itself (the function fragments, the policy on Chalice's ``DefaultRole``), and with what points
   at Chalice's ``RestAPI`` (CloudFront's ``api`` origin and its ``/api/*`` behaviour, the gateway response) made to
   depend on the parameter ``RestApiId``, empty on the first pass.
2. config: the stack's outputs become the stage's ``environment_variables`` in ``.chalice/config.json`` (the variables
   the template merges into the functions, plus ``TABLE_STREAM_ARN``, which ``@on_dynamodb_record`` reads when Chalice
   loads the app) and its IAM policy file (``autogen_policy: false``), from AccountDataPolicy's statements with the real
   ARNs.
3. chalice: ``chalice deploy --stage <stage>`` (functions, schedules, the stream's event source, the REST API).
4. streams: what the merge template adds to the stream's event source and ``@on_dynamodb_record`` cannot say (the
   filter on profile changes, retries, bisection) set on the mapping chalice deploy created, so both routes agree.
5. api: the stack again, with ``RestApiId`` read from ``.chalice/deployed/<stage>.json``.
6. frontend: ``frontend/dist`` uploaded to the frontend bucket (Content-Type per extension; hashed chunks immutable,
   everything else revalidated), then the distribution invalidated.

boto3 only (no aws CLI). ``--rehearsal`` keeps only the resource types moto emulates (devstack.resources.LOCAL_TYPES),
for the offline rehearsal against moto in server mode (tests/infra/test_deploy_rehearsal.py); what it leaves out has no
value and the variables and ARNs that need it get a placeholder.
"""

import argparse
import copy
import json
import mimetypes
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.resources import LOCAL_TYPES, keep_only, names, references  # noqa: E402

PHASES = ("edge", "resources", "config", "chalice", "streams", "api", "frontend")
EDGE_REGION = "us-east-1"  # where CloudFront's web ACLs live, whatever the portal's region
WEB_ACL_PARAMETER = "WebAclArn"
CHALICE_TYPES = {"AWS::Serverless::Function"}  # created by Chalice itself (their fragments only merge into its own)
CHALICE_REFERENCES = {"DefaultRole"}  # Chalice's role: a policy on it comes from the stage's policy file instead
REST_API = "RestAPI"
PARAMETER = "RestApiId"
CONDITION = "HasRestApi"
POLICY = "AccountDataPolicy"
STREAM_OUTPUT = "AccountTableStreamArn"
FEEDBACK_OUTPUT = "MailFeedbackQueueArn"  # read by @on_sqs_message when Chalice loads the app, as the stream's ARN
EXPORTS_QUEUE_OUTPUT = "ExportsQueueArn"
DIGEST_QUEUE_OUTPUT = "DigestShardQueueArn"  # the digests' fan-out per shard (@on_sqs_message, as above)
INVOICE_QUEUE_OUTPUT = "InvoiceStatusQueueArn"  # read by @on_sqs_message when Chalice loads the app, as the stream's
NOT_CREATED = "not-created-in-rehearsal"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# esbuild names its shared and lazy chunks ``chunk-[hash]`` (frontend/build.mjs): only those change name with content.
HASHED = re.compile(r"(^|/)chunk-[A-Z0-9]{8}\.js$")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


def edge_stack_name(stage: str) -> str:
    return f"mon-compte-{stage}-edge"


def stack_name(stage: str) -> str:
    return f"mon-compte-{stage}"


# ---------------------------------------------------------------- the resources stack's template


def _rename_rest_api(value):
    """RestAPI (Chalice's) becomes the parameter RestApiId, in Ref and in Sub."""
    if isinstance(value, dict):
        if value.get("Ref") == REST_API:
            return {"Ref": PARAMETER}
        return {
            key: (inner.replace("${" + REST_API + "}", "${" + PARAMETER + "}") if key == "Fn::Sub"
                  and isinstance(inner, str) else _rename_rest_api(inner))
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [_rename_rest_api(inner) for inner in value]
    return value


def _conditional_items(value, origins: set[str]):
    """List items that need the REST API exist only once it does (Fn::If ... AWS::NoValue); so do CloudFront
    behaviours that target such an origin. Returns the value and whether a reference is left outside any list item."""
    if isinstance(value, list):
        items, loose = [], False
        for item in value:
            needs = REST_API in names(item) or (isinstance(item, dict) and item.get("TargetOriginId") in origins)
            if needs and isinstance(item, dict):
                if "Id" in item:
                    origins.add(item["Id"])
                items.append({"Fn::If": [CONDITION, _rename_rest_api(item), {"Ref": "AWS::NoValue"}]})
            else:
                inner, inner_loose = _conditional_items(item, origins)
                items.append(inner)
                loose |= inner_loose
        return items, loose
    if isinstance(value, dict):
        result, loose = {}, False
        for key, inner in value.items():
            if key in ("Ref", "Fn::Sub", "Fn::GetAtt"):
                result[key] = inner
                loose |= REST_API in names({key: inner})
            else:
                result[key], inner_loose = _conditional_items(inner, origins)
                loose |= inner_loose
        return result, loose
    return value, False


def output_name(token: str) -> str:
    return "Value" + re.sub(r"[^A-Za-z0-9]", "", token)


def _environment(template: dict) -> dict:
    """The variables infra/resources.json merges into Chalice's functions (the same for every function)."""
    fragments = [r for r in template["Resources"].values() if r["Type"] in CHALICE_TYPES]
    variables = fragments[0]["Properties"]["Environment"]["Variables"]
    for fragment in fragments:
        if fragment["Properties"]["Environment"]["Variables"] != variables:
            raise SystemExit("infra/resources.json: the functions' Environment variables differ")
    return variables


def resources_template(source: Path, rehearsal: bool = False) -> dict:
    """The resources stack of route (b), derived from the merge template of route (a)."""
    template = json.loads(source.read_text())
    environment = _environment(template)
    policy = template["Resources"][POLICY]["Properties"]["PolicyDocument"]
    resources = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] in CHALICE_TYPES or names(resource) & CHALICE_REFERENCES:
            continue
        resource = copy.deepcopy(resource)
        if REST_API in names(resource):
            properties, loose = _conditional_items(resource.get("Properties", {}), set())
            resource["Properties"] = _rename_rest_api(properties)
            if loose:
                resource["Condition"] = CONDITION
        resources[name] = resource
    if rehearsal:
        resources = keep_only(resources, LOCAL_TYPES)
    parameters = {**template.get("Parameters", {}), PARAMETER: {
        "Type": "String", "Default": "",
        "Description": "The REST API chalice deploy created (empty on the first pass, before it exists).",
    }}
    outputs = {name: o for name, o in template.get("Outputs", {}).items()}
    outputs["FrontendDistributionId"] = {"Value": {"Ref": "FrontendDistribution"}}
    # Every value the stage's configuration and policy need, computed by CloudFormation itself.
    for token in sorted(references(environment) | references(policy)):
        value = {"Ref": token} if "." not in token else {"Fn::GetAtt": token.split(".", 1)}
        outputs[output_name(token)] = {"Value": value}
    known = set(resources) | set(parameters)
    outputs = {
        name: o for name, o in outputs.items()
        if {n for n in names(o["Value"]) if not n.startswith("AWS::")} <= known
    }
    return {
        "AWSTemplateFormatVersion": template["AWSTemplateFormatVersion"],
        "Description": template.get("Description", "") + " Resources stack of chalice deploy (scripts/deploy.py).",
        "Parameters": parameters,
        "Conditions": {**template.get("Conditions", {}),
                       CONDITION: {"Fn::Not": [{"Fn::Equals": [{"Ref": PARAMETER}, ""]}]}},
        "Resources": resources,
        "Outputs": outputs,
    }


# ---------------------------------------------------------------- the stage's configuration


def resolve(value, outputs: dict[str, str]):
    """Ref / GetAtt / Sub replaced by the stack's values (what the rehearsal did not create: a placeholder)."""
    def lookup(token: str) -> str:
        return outputs.get(output_name(token), NOT_CREATED)

    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return lookup(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            inner = value["Fn::GetAtt"]
            return lookup(".".join(inner) if isinstance(inner, list) else inner)
        if set(value) == {"Fn::Sub"}:
            return re.sub(r"\$\{([^}!]+)\}", lambda m: lookup(m.group(1)), value["Fn::Sub"])
        return {key: resolve(inner, outputs) for key, inner in value.items()}
    if isinstance(value, list):
        return [resolve(inner, outputs) for inner in value]
    return value


def stage_settings(source: Path, outputs: dict[str, str]) -> tuple[dict, dict]:
    """The stage's environment variables and IAM policy document, from the stack's outputs."""
    template = json.loads(source.read_text())
    variables = resolve(_environment(template), outputs)
    variables["TABLE_STREAM_ARN"] = outputs.get(STREAM_OUTPUT, NOT_CREATED)
    variables["MAIL_FEEDBACK_QUEUE_ARN"] = outputs.get(FEEDBACK_OUTPUT, NOT_CREATED)
    # ``@on_sqs_message`` of the exports job reads it when Chalice loads the app, as the stream's ARN above.
    variables["EXPORTS_QUEUE_ARN"] = outputs.get(EXPORTS_QUEUE_OUTPUT, NOT_CREATED)
    variables["INVOICE_STATUS_QUEUE_ARN"] = outputs.get(INVOICE_QUEUE_OUTPUT, NOT_CREATED)
    variables["DIGEST_QUEUE_ARN"] = outputs.get(DIGEST_QUEUE_OUTPUT, NOT_CREATED)
    policy = resolve(template["Resources"][POLICY]["Properties"]["PolicyDocument"], outputs)
    # What Chalice's generated policy gives every function: its own logs.
    policy["Statement"].append({
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "arn:*:logs:*:*:*",
    })
    return variables, policy


def write_stage_config(project: Path, stage: str, variables: dict, policy: dict) -> None:
    config_file = project / ".chalice" / "config.json"
    config = json.loads(config_file.read_text())
    policy_name = f"policy-{stage}.json"
    (project / ".chalice" / policy_name).write_text(json.dumps(policy, indent=2) + "\n")
    settings = config["stages"].setdefault(stage, {})
    settings["environment_variables"] = {**settings.get("environment_variables", {}), **variables}
    settings["autogen_policy"] = False
    settings["iam_policy_file"] = policy_name
    config_file.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- AWS steps


def deploy_stack(cloudformation, name: str, template: dict, parameters: dict[str, str]) -> dict[str, str]:
    """Create or update the stack, wait, return its outputs. Parameters not given keep their previous value."""
    from botocore.exceptions import ClientError, WaiterError

    try:
        (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError:
        stack = None
    if stack and stack["StackStatus"] == "ROLLBACK_COMPLETE":
        raise SystemExit(f"{name}: its creation failed and was rolled back; delete it, then deploy again")
    previous = {p["ParameterKey"] for p in (stack or {}).get("Parameters", [])}
    values = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    values += [{"ParameterKey": k, "UsePreviousValue": True}
               for k in template.get("Parameters", {}) if k not in parameters and k in previous]
    arguments = {"StackName": name, "TemplateBody": json.dumps(template), "Parameters": values,
                 "Capabilities": ["CAPABILITY_IAM"]}
    try:
        if stack is None:
            cloudformation.create_stack(**arguments)
            cloudformation.get_waiter("stack_create_complete").wait(StackName=name)
        else:
            try:
                cloudformation.update_stack(**arguments)
            except ClientError as error:
                if "No updates are to be performed" not in str(error):
                    raise
            else:
                cloudformation.get_waiter("stack_update_complete").wait(StackName=name)
    except WaiterError as error:
        events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
        failed = [f"  {e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}" for e in events
                  if e["ResourceStatus"].endswith("_FAILED")][:10]
        raise SystemExit(f"{name}: {error}\n" + "\n".join(failed)) from error
    return _outputs(cloudformation, name)


def chalice_deploy(project: Path, stage: str) -> None:
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "--project-dir", str(project), "deploy", "--stage", stage], check=True)


def rest_api_id(project: Path, stage: str) -> str:
    deployed = json.loads((project / ".chalice" / "deployed" / f"{stage}.json").read_text())
    (api,) = [r for r in deployed["resources"] if r["resource_type"] == "rest_api"]
    return api["rest_api_id"]


# Set by Chalice from the decorator; the merge template's other properties of a DynamoDB event are the mapping's own.
CHALICE_EVENT_PROPERTIES = {"Stream", "BatchSize", "StartingPosition", "MaximumBatchingWindowInSeconds"}


def stream_settings(source: Path) -> dict[str, dict]:
    """Per function (CloudFormation name, as Chalice's package names it): the extra settings of its stream events."""
    template = json.loads(source.read_text())
    settings = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] not in CHALICE_TYPES:
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if "Stream" in event.get("Properties", {}):
                extra = {k: v for k, v in event["Properties"].items() if k not in CHALICE_EVENT_PROPERTIES}
                settings[name] = extra
    return settings


def mapping_settings(extra: dict, outputs: dict[str, str]) -> dict:
    """A stream event's settings of the merge template (SAM's shape) as the Lambda API takes them: the on-failure
    destination resolved to its ARN, without SAM's ``Type``."""
    extra = dict(extra)
    if "DestinationConfig" in extra:
        failure = extra["DestinationConfig"]["OnFailure"]
        extra["DestinationConfig"] = {"OnFailure": {"Destination": resolve(failure["Destination"], outputs)}}
    return extra


def configure_streams(lambda_, source: Path, app_name: str, stage: str, stream_arn: str,
                      outputs: dict[str, str] | None = None) -> list[str]:
    from chalice.utils import to_cfn_resource_name

    settings = {name: mapping_settings(extra, outputs or {}) for name, extra in stream_settings(source).items()}
    prefix = f"{app_name}-{stage}-"
    configured = []
    mappings = lambda_.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"]
    for mapping in mappings:
        function = mapping["FunctionArn"].rsplit(":function:", 1)[1]
        if not function.startswith(prefix):
            continue
        extra = settings.get(to_cfn_resource_name(function.removeprefix(prefix)))
        if extra:
            lambda_.update_event_source_mapping(UUID=mapping["UUID"], **extra)
            configured.append(function)
    return configured


def cache_control(key: str) -> str:
    return IMMUTABLE if HASHED.search(key) else REVALIDATE


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def upload_frontend(s3, bucket: str, dist: Path) -> list[str]:
    if not (dist / "index.html").is_file():
        raise SystemExit(f"{dist}: no built frontend (make frontend)")
    keys = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        s3.upload_file(str(path), bucket, key,
                       ExtraArgs={"ContentType": content_type(key), "CacheControl": cache_control(key)})
        keys.append(key)
    return keys


def invalidate(cloudfront, distribution_id: str) -> str:
    answer = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"deploy-{time.time_ns()}",
    })
    return answer["Invalidation"]["Id"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--phase", action="append", choices=PHASES,
                        help="run only these phases (repeatable); default: all, in order")
    parser.add_argument("--project-dir", type=Path, default=ROOT)
    parser.add_argument("--frontend-dir", type=Path, default=None, help="default: <project>/frontend/dist")
    parser.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter of infra/resources.json (PortalOrigin, MailDomain); others keep their value")
    parser.add_argument("--rehearsal", action="store_true",
                        help="only the resource types moto emulates (the offline rehearsal, against a local endpoint)")
    args = parser.parse_args(argv)
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if args.rehearsal and not re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/?$", endpoint):
        parser.error("--rehearsal runs against a local moto server only (AWS_ENDPOINT_URL=http://127.0.0.1:PORT)")
    given = dict(p.split("=", 1) for p in args.parameter)
    import boto3

    phases = args.phase or list(PHASES)
    project = args.project_dir.resolve()
    source = project / "infra" / "resources.json"
    name = stack_name(args.stage)
    cloudformation = boto3.client("cloudformation")
    template = resources_template(source, rehearsal=args.rehearsal)
    outputs = None

    def step(message: str) -> None:
        print(f"[deploy {args.stage}] {message}", flush=True)

    if "edge" in phases and args.rehearsal:
        step("edge skipped: moto has no CloudFront web ACL (infra/edge.json is linted by tests/infra)")
    elif "edge" in phases:
        edge = edge_stack_name(args.stage)
        step(f"stack {edge} in {EDGE_REGION} (the web ACL of infra/edge.json)")
        edge_template = json.loads((project / "infra" / "edge.json").read_text())
        edge_outputs = deploy_stack(boto3.client("cloudformation", region_name=EDGE_REGION), edge, edge_template, {})
        given.setdefault(WEB_ACL_PARAMETER, edge_outputs[WEB_ACL_PARAMETER])

    if "resources" in phases:
        step(f"stack {name} (first pass, {len(template['Resources'])} resources)")
        # A redeploy keeps the REST API the stack already points at (until the phase api sets it again).
        outputs = deploy_stack(cloudformation, name, template, given)
    if "config" in phases:
        outputs = outputs or _outputs(cloudformation, name)
        variables, policy = stage_settings(source, outputs)
        write_stage_config(project, args.stage, variables, policy)
        step(f"stage {args.stage}: {', '.join(sorted(variables))} and policy-{args.stage}.json written")
    if "chalice" in phases:
        step("chalice deploy")
        try:
            chalice_deploy(project, args.stage)
        except subprocess.CalledProcessError as error:
            step(f"chalice deploy failed ({error.returncode})")
            return 2
    if "streams" in phases:
        outputs = outputs or _outputs(cloudformation, name)
        app_name = json.loads((project / ".chalice" / "config.json").read_text())["app_name"]
        done = configure_streams(boto3.client("lambda"), source, app_name, args.stage, outputs[STREAM_OUTPUT], outputs)
        step(f"stream settings of infra/resources.json on {', '.join(done) or 'no mapping'}")
    if "api" in phases:
        api = rest_api_id(project, args.stage)
        step(f"stack {name} with {PARAMETER}={api}")
        outputs = deploy_stack(cloudformation, name, template, {**given, PARAMETER: api})
    if "frontend" in phases:
        outputs = outputs or _outputs(cloudformation, name)
        dist = args.frontend_dir or project / "frontend" / "dist"
        keys = upload_frontend(boto3.client("s3"), outputs["FrontendBucketName"], dist)
        step(f"{len(keys)} files uploaded to {outputs['FrontendBucketName']}")
        distribution = outputs.get("FrontendDistributionId")
        if distribution:
            step(f"invalidation {invalidate(boto3.client('cloudfront'), distribution)} of /*")
        else:
            step("no distribution in this stack: nothing to invalidate")
    return 0


def _outputs(cloudformation, name: str) -> dict[str, str]:
    (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    sys.exit(main())
