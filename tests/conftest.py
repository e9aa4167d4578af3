"""Shared fixtures: one build cache for the whole session (compiled builds are shared by
tests), and each experiment's quick preset run once, for every test that reads it. The suite
runs on every core (pytest-xdist): each worker has its build cache (tests count the builds in
it), and the quick runs are shared by all workers."""

import fcntl
import os

import pytest

from helpers import neurosims


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory):
    """All tests (and the CLI processes they start) share one build cache; generated datasets
    (digits-saccades) are shared by all workers."""
    path = tmp_path_factory.mktemp("neurosims-cache")
    os.environ["NEUROSIMS_CACHE"] = str(path)
    (path / "data").symlink_to(_shared(tmp_path_factory, "generated-data"), target_is_directory=True)
    import brian2

    brian2.BrianLogger.log_level_warn()
    return path / "builds"


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """quick_run(name, learner=None): the folder of `neurosims run NAME --preset quick`, run
    once in the session (seed 0, standalone, with figures), by the first worker that asks for
    it; the others wait for it under a file lock."""
    shared = _shared(tmp_path_factory, "quick-runs")

    def run(name, learner=None):
        from neurosims.experiment import load_experiment

        learner = load_experiment(name, learner).learner  # the default learner by its name
        folder = shared / f"{name}-{learner or 'default'}"
        with open(shared / f"{folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "finished").exists():
                neurosims("run", name, "--preset", "quick", "--quiet", "--out", folder / "run",
                          *(["--learner", learner] if learner else []))
                (folder / "finished").touch()
        return folder / "run"

    return run


def _shared(tmp_path_factory, name: str):
    """A folder all workers of the session share."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers' temporary folders are in
    shared = shared / name
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def pc_models():
    from neurosims.experiments.predictive_coding import EXPERIMENT

    return EXPERIMENT.load_models()
