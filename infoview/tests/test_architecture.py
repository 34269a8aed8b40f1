"""The app graph of CONTRIBUTING.md, checked.

`lint-imports` runs the layers contract in pyproject.toml: a lower app never imports a higher one.
The AST checks below keep the two ways around it closed: imports hidden inside functions, and
modules found by name at run time.
"""

import ast
import subprocess
import sys
from pathlib import Path

from django.apps import apps as django_apps

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Every app of this repository (a new one is checked without being named here).
APPS = [
    config.name
    for config in django_apps.get_app_configs()
    if Path(config.path).parent == BASE_DIR and config.name != "infoview"
]
# Where an import inside a function is the right tool: AppConfig.ready() imports modules that
# load models, the private PostgreSQL's optional wheel is imported only when it is used, and
# gunicorn's settings must set prometheus-client's mode before that library is imported, and the
# outbox queues its own Celery task, whose module imports the outbox (a cycle inside accounts).
ALLOWED_INNER = {
    "apps.py",
    "infoview/localdb.py",
    "infoview/gunicorn_conf.py",
    "accounts/outbox/delivery.py",
}


def _modules():
    for app in [*APPS, "infoview"]:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            relative = path.relative_to(BASE_DIR)
            if {"tests", "migrations"} & set(relative.parts):
                continue
            yield relative, ast.parse(path.read_text(), filename=str(relative))


def test_no_app_imports_one_above_it():
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_sit_at_the_top_of_the_module():
    inner = []
    for relative, tree in _modules():
        if relative.name in ALLOWED_INNER or str(relative) in ALLOWED_INNER:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for child in ast.walk(node):
                    if isinstance(child, ast.Import | ast.ImportFrom):
                        inner.append(f"{relative}:{child.lineno}")
    assert not inner, f"imports inside functions: {inner}"


def test_no_module_is_found_by_name_at_run_time():
    found = []
    for relative, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in {"import_module", "__import__"}:
                    found.append(f"{relative}:{node.lineno}")
    assert not found, f"modules imported by name: {found}"
