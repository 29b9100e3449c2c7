"""A tiny run of every benchmark, so they keep working (their figures are not tested)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


SCRIPTS = sorted(p for p in BENCH.glob("*.py") if p.name != "__init__.py") + sorted(
    [*BENCH.glob("*/run.py"), *BENCH.glob("*/online.py")]
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_benchmark_runs_at_tiny_size(script, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KOPRU_DATABASE_URL"}
    env["KOPRU_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(  # noqa: S603 (our own script, our interpreter)
        [sys.executable, str(script), "50"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert ": " in last
