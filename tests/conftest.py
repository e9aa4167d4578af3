"""Shared fixtures: one build cache for the whole session (compiled builds are shared by
tests), and each experiment's quick preset run once, for every test that reads it."""

import os

import pytest

from helpers import neurosims


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory):
    """All tests (and the CLI processes they start) share one build cache."""
    path = tmp_path_factory.mktemp("neurosims-cache")
    os.environ["NEUROSIMS_CACHE"] = str(path)
    import brian2

    brian2.BrianLogger.log_level_warn()
    return path / "builds"


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """quick_run(name, learner=None): the folder of `neurosims run NAME --preset quick`, run
    once in the session (seed 0, standalone, with figures)."""
    folders = {}

    def run(name, learner=None):
        from neurosims.experiment import load_experiment

        learner = load_experiment(name, learner).learner  # the default learner by its name
        if (name, learner) not in folders:
            out = tmp_path_factory.mktemp(f"quick-{name}-{learner or 'default'}") / "run"
            neurosims("run", name, "--preset", "quick", "--quiet", "--out", out,
                      *(["--learner", learner] if learner else []))
            folders[name, learner] = out
        return folders[name, learner]

    return run


@pytest.fixture(scope="session")
def pc_models():
    from neurosims.experiments.predictive_coding import EXPERIMENT

    return EXPERIMENT.load_models()
