"""The Lambda package stays small (issue 8: 10 MB zipped at most) and still holds everything the code imports.

botocore is left to the Lambda Python runtime (which ships boto3 and botocore): pynamodb comes from vendor/, its wheel
unpacked, instead of requirements.txt, whose resolution would bring botocore along. phonenumbers is phonenumberslite.
"""

import filecmp
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
LIMIT = 10 * 1024 * 1024
# What the Lambda Python runtime provides besides the standard library: the AWS SDK and what it depends on.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """One ``chalice package --stage prod`` for the module, made from a copy of the project.

    The copy keeps Chalice's package cache (``.chalice/deployments``) to itself: test_package.py packages the project
    too, possibly at the same moment on another worker.
    """
    project = tmp_path_factory.mktemp("project")
    skip = shutil.ignore_patterns("__pycache__", "deployments", "venv")
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(ROOT / name, project / name)
    for name in ("chalicelib", "vendor", ".chalice"):
        shutil.copytree(ROOT / name, project / name, ignore=skip)
    out = project / "out"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "prod", str(out)],
                   cwd=project, env=env, check=True, capture_output=True, timeout=600)
    return out / "deployment.zip"


def test_the_deployment_zip_is_10_mb_at_most(package):
    size = package.stat().st_size
    assert size <= LIMIT, f"deployment.zip is {size / 1024 / 1024:.1f} MB"


def test_the_sdk_is_left_to_the_runtime_and_phone_numbers_come_without_geocoder_data(package):
    top = {name.split("/")[0] for name in zipfile.ZipFile(package).namelist()}
    assert not top & {"boto3", "botocore", "s3transfer", "urllib3", "dateutil"}
    assert {"pynamodb", "phonenumbers", "pydantic_core", "chalicelib", "app.py"} <= top
    names = zipfile.ZipFile(package).namelist()
    assert not [n for n in names if n.startswith(("phonenumbers/geodata/", "phonenumbers/carrierdata/"))]


def test_the_package_imports_with_only_the_runtime_sdk_besides_it(package, tmp_path):
    """Every module of chalicelib imports from the unzipped package plus the runtime's SDK, nothing else."""
    unzipped, runtime = tmp_path / "task", tmp_path / "runtime"
    zipfile.ZipFile(package).extractall(unzipped)
    runtime.mkdir()
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        source = Path(spec.origin)
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    code = (
        "import importlib, pkgutil, sys\n"
        f"sys.path[:0] = [{str(unzipped)!r}, {str(runtime)!r}]\n"
        "import app, chalicelib\n"
        "for module in pkgutil.walk_packages(chalicelib.__path__, 'chalicelib.'):\n"
        "    importlib.import_module(module.name)\n"
        "import pynamodb, phonenumbers\n"
        f"assert pynamodb.__file__.startswith({str(unzipped)!r}), pynamodb.__file__\n"
        f"assert phonenumbers.__file__.startswith({str(unzipped)!r}), phonenumbers.__file__\n"
    )
    # -S: no site-packages, -I: no PYTHONPATH nor user site; what is importable is the stdlib and the two directories.
    result = subprocess.run([sys.executable, "-S", "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_vendored_pynamodb_is_the_one_the_tests_run_with():
    """vendor/ holds pynamodb's wheel unpacked: same version as requirements-dev.txt and as installed, same files."""
    pinned = re.search(r"^pynamodb==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE).group(1)
    vendored = [p.name for p in (ROOT / "vendor").glob("pynamodb-*.dist-info")]
    assert vendored == [f"pynamodb-{pinned}.dist-info"]
    assert importlib.metadata.version("pynamodb") == pinned
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    listed = {re.split(r"[=<>~!\[; ]", line)[0].lower() for line in lines if line and not line.startswith("#")}
    assert not listed & {"pynamodb", "boto3", "botocore"}
    installed = Path(importlib.util.find_spec("pynamodb").origin).parent
    for source in (ROOT / "vendor" / "pynamodb").rglob("*.py"):
        relative = source.relative_to(ROOT / "vendor" / "pynamodb")
        assert filecmp.cmp(source, installed / relative, shallow=False), relative
