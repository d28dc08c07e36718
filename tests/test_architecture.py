"""The shape of the code that docs/architecture.md describes, checked where a test can.

`make test` runs the layer contracts (lint-imports, .importlinter) and ruff before the
suite; these tests show that the contracts bite and that every area keeps one shape.
"""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "inspect_app"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def areas():
    """The area packages: those with web pages (a routes.py)."""
    return sorted(path.parent for path in PACKAGE.glob("*/routes.py"))


def lint_imports(folder):
    """Run the layer contracts on the package copied into folder; (exit code, output)."""
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def package_copy(tmp_path):
    """A copy of the package and its contracts, free to break."""
    shutil.copytree(PACKAGE, tmp_path / "inspect_app",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "translations"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def test_the_contracts_hold_on_the_code_as_it_is(package_copy):
    code, output = lint_imports(package_copy)
    assert code == 0, output


def test_a_service_importing_a_document_breaks_the_contract(package_copy):
    services = package_copy / "inspect_app" / "findings" / "services.py"
    services.write_text(services.read_text() + "\nfrom ..pdf import documents  # noqa\n")
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "Services import no documents, web, jobs or entry points BROKEN" in output
    assert "inspect_app.findings.services -> inspect_app.pdf.documents" in output


def test_the_core_importing_a_page_breaks_the_contract(package_copy):
    clock = package_copy / "inspect_app" / "clock.py"
    clock.write_text(clock.read_text() + "\nfrom .findings import routes  # noqa\n")
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "Core imports no services, documents, web, jobs or entry points BROKEN" in output


def test_one_areas_form_importing_anothers_breaks_the_contract(package_copy):
    forms = package_copy / "inspect_app" / "units" / "forms.py"
    forms.write_text(forms.read_text() + "\nfrom ..findings.forms import FindingForm  # noqa\n")
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "Areas' forms do not import each other BROKEN" in output


@pytest.mark.parametrize("area", areas(), ids=lambda path: path.name)
def test_every_area_defines_its_blueprint_in_routes_and_nothing_in_init(area):
    init = ast.parse((area / "__init__.py").read_text())
    assert len(init.body) == 1 and isinstance(init.body[0], ast.Expr), \
        f"{area.name}/__init__.py holds more than its docstring"
    routes = (area / "routes.py").read_text()
    assert f'bp = Blueprint("{area.name}", __name__)' in routes
    for module in area.glob("*.py"):
        if module.name != "routes.py":
            assert "@bp.route" not in module.read_text(), f"{module} registers views"


def test_importing_a_service_loads_no_web_code():
    code = ("import sys, inspect_app.reports.monthly, inspect_app.findings.services; "
            "print(sorted(m for m in sys.modules if m.endswith(('.routes', '.forms')) "
            "or m in ('inspect_app.web',)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def _test_modules_imported(source):
    """The test modules (tests/test_*.py) a test source imports from."""
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "tests." * bool(node.level) + (node.module or "")
            imported += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return sorted({name for name in imported
                   if name.startswith("tests.") and name.split(".")[1].startswith("test_")})


def test_no_test_module_imports_another():
    """Shared test code lives in helpers.py, factories.py, uploads.py and conftest.py."""
    found = {str(path.relative_to(ROOT)): _test_modules_imported(path.read_text())
             for path in sorted((ROOT / "tests").rglob("*.py"))}
    assert {path: names for path, names in found.items() if names} == {}
