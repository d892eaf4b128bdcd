"""ruff and mypy stay clean: the style guide is checked, not hoped for."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    "cmd",
    [
        ["ruff", "check", "timeline", "plugins", "tests", "examples", "benchmarks"],
        ["ruff", "format", "--check", "timeline", "plugins", "tests", "examples", "benchmarks"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(cmd: list[str]) -> None:
    exe = shutil.which(cmd[0], path=str(ROOT / ".venv" / "bin")) or shutil.which(cmd[0])
    if exe is None:
        pytest.skip(f"{cmd[0]} is not installed (pip install -e '.[dev]')")
    r = subprocess.run([exe, *cmd[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
