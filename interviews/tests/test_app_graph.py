"""Interviews sits below followups, reports and privacy's orchestration: it never imports them."""

import ast
from pathlib import Path

import interviews

ABOVE = {"followups", "reports"}
ROOT = Path(interviews.__file__).parent


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        yield path, ast.parse(path.read_text())


def test_it_imports_no_app_above_it():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ABOVE]
    assert found == []


def test_it_imports_at_the_top_of_its_modules_except_in_app_ready():
    found = []
    for path, tree in _modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and function.name == "ready":
                continue  # models load only after apps.py is imported
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_it_finds_no_module_by_name():
    assert [p.name for p, _ in _modules() if "import_module" in p.read_text()] == []
