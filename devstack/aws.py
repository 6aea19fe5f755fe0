"""moto in server mode, on loopback only, and the environment that points boto3 and PynamoDB at it."""

import os

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "AWS_REGION": "eu-west-3",
}


def use_fake_credentials() -> None:
    """Never reach a real account from the local stack or the tests, whatever the machine's own AWS settings."""
    os.environ.update(FAKE_CREDENTIALS)
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(variable, None)


def moto_table(table_name: str):
    """moto's own object for a table (moto runs in this process, in server mode or mocked): for what its API lacks."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].get_table(table_name)


def start_moto_server():
    """Start moto on 127.0.0.1 (it binds every interface unless told) on a free port; return the server."""
    from moto.server import ThreadedMotoServer

    use_fake_credentials()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    from devstack import moto_patches

    moto_patches.apply()
    host, port = server.get_host_and_port()
    # botocore and PynamoDB (transactions included) read this one variable; Meta.host stays unset.
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    return server
