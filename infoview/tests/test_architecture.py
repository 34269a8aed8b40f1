"""The app graph of CONTRIBUTING.md, checked: `lint-imports` runs the contract in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.xfail(reason="until the app graph refactor lands", strict=False)
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
