"""The shape DESIGN.md asks for, checked on the source: rules in domain/ know no AWS and no configuration, keys and
PynamoDB stay in store/, statuses are written only by the state machines of domain/, app.py stays small."""

import ast
import re

import pytest

from tests.conftest import ROOT

CHALICELIB = ROOT / "chalicelib"
STATUSES = re.compile(r"^(EN_COURS_DE_VALIDATION|VALIDEE|REFUSEE|DESACTIVEE|SUPPRIMEE|VALIDE|ACTIF|INACTIF|A_ACTIVER)$")


def within(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def python_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: name what it reaches from chalicelib's point of view
                parts = path.relative_to(ROOT).parent.parts
                package = parts[: len(parts) - node.level + 1]
                module = ".".join((*package, module)) if module else ".".join(package)
                names.update(f"{module}.{alias.name}" for alias in node.names)
            names.add(module)
    return names


@pytest.mark.parametrize("path", list(python_files("chalicelib/domain")), ids=lambda p: p.name)
def test_domain_imports_no_aws_no_framework_and_no_configuration(path):
    for module in imported_modules(path):
        assert not within(module, "boto3", "botocore", "chalice", "pynamodb", "chalicelib.settings",
                          "chalicelib.store", "chalicelib.services", "chalicelib.api"), (path, module)


@pytest.mark.parametrize("path", [p for p in python_files("chalicelib", "devstack", "scripts")
                                  if "chalicelib/store" not in p.as_posix()], ids=lambda p: p.name)
def test_pynamodb_and_stored_items_stay_in_the_store(path):
    for module in imported_modules(path):
        assert not within(module, "pynamodb"), (path, module)
        if "chalicelib/services" in path.as_posix() or "chalicelib/api" in path.as_posix():
            assert not within(module, "chalicelib.store.models"), (path, module)


@pytest.mark.parametrize("path", [p for p in python_files("chalicelib", "devstack", "scripts")
                                  if "chalicelib/domain" not in p.as_posix()], ids=lambda p: p.name)
def test_no_status_literal_outside_the_domain(path):
    literals = [node.value for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and STATUSES.match(node.value)]
    assert literals == [], path


def test_app_only_creates_the_app_and_registers_blueprints():
    code = [line for line in (ROOT / "app.py").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert len(code) <= 30
    assert not imported_modules(ROOT / "app.py") & {"pydantic", "pynamodb", "boto3", "chalicelib.services"}
