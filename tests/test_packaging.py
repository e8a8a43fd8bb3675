"""After a plain `pip install .`, the content ships inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: use the hatchling from the test extra, so no download happens here.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("coachbot-*.whl"))


def test_wheel_carries_the_content(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for kind in ("tips", "playbook", "challenges"):
        shipped = {Path(n).name for n in names if n.startswith(f"coachbot/_content/{kind}/")}
        source = {p.name for p in (ROOT / kind).glob("*.yaml")}
        assert source and source <= shipped, kind
    assert "coachbot/_content/citations/registry.yaml" in names   # the citations registry
    assert "coachbot/grading/suspect_model.tsv" in names   # the learned signal's weights
    assert "coachbot/domain/data/holidays-cn.yaml" in names   # the mainland holiday calendar


def test_installed_package_finds_content_outside_the_source_tree(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from coachbot.content.library import load_library, builtin_root;"
            "lib, problems = load_library(); print(builtin_root(), len(lib.tips), len(lib.scripts), len(problems));"
            "print(len(lib.shared.citations.entries));"
            "from coachbot.domain.workdays import load_calendar; print(sorted(load_calendar().years)[-1])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 0, result.stderr
    root, tips, scripts, problems, citations, last_year = result.stdout.split()
    assert root.startswith(str(site)) and int(tips) >= 60 and int(scripts) >= 18 and problems == "0"
    assert int(citations) >= 40
    assert int(last_year) >= 2026
