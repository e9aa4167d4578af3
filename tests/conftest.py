"""Shared fixtures: one build cache for the whole session (compiled builds are shared by
tests), and small configurations of the predictive-coding experiment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A tiny protocol: enough chunks to learn a little, seconds to run once built.
TINY = ["training=4*second", "n_checkpoints=3", "decoder_fit=2*second", "test=1*second",
        "n_directions=1", "constant_duration=1*second"]


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory):
    """All tests (and the CLI processes they start) share one build cache."""
    path = tmp_path_factory.mktemp("neurosims-cache")
    os.environ["NEUROSIMS_CACHE"] = str(path)
    import brian2

    brian2.BrianLogger.log_level_warn()
    return path / "builds"


def neurosims(*args, cwd=None, check=True):
    """Run the command-line interface in a fresh process."""
    proc = subprocess.run([sys.executable, "-m", "neurosims.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"neurosims {' '.join(map(str, args))} failed:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def pc_models():
    from neurosims.experiments import predictive_coding as pc

    return pc.load_models()


def pc_config(models, preset="quick", sets=()):
    from neurosims.config import resolve
    from neurosims.experiments import predictive_coding as pc

    return resolve(pc.Config, pc.PRESETS, preset, list(sets), pc.parameters(models))


REPO = Path(__file__).resolve().parents[1]
