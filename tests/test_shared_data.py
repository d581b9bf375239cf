"""The shared evaluation data is found at ../shared beside the project root, on any checkout.

Tests that read it (dates against the Giveme5W1H gold, the date grammar on the dev sets) go through
``conftest.shared_data``: skipped on a machine without it, failed in CI (``CI`` set), never skipped
silently where it should have run. No file of the project names a machine's absolute path.
"""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT, SAMPLE, SHARED, shared_data

# A string literal that starts with a home, work or mount folder: a path of one machine.
_MACHINE_PATH = re.compile(r"""["'](?:/work|/home|/Users|/root|/mnt|/srv|/opt)/""")


def test_the_shared_data_is_beside_the_project_root() -> None:
    assert SHARED == ROOT.parent / "shared"
    giveme = shared_data("eval", "giveme5w1h-dev")
    polnear = shared_data("eval", "polnear-dev", "polnear-dev.jsonl")
    sample = shared_data("articles", SAMPLE.name)
    assert len(list(giveme.glob("*.json"))) == 50
    assert len(polnear.read_text(encoding="utf-8").splitlines()) == 94
    assert sample.read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")


def test_no_code_names_an_absolute_machine_path() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.toml", "*.cfg", "*.sh"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(tracked) > 50
    offenders = [
        f"{name}:{n}"
        for name in tracked
        for n, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
        if _MACHINE_PATH.search(line)
    ]
    assert offenders == []
