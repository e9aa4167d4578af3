"""Run folders: atomic writes, refusing to overwrite a run, resume checks."""

import json
import os

import numpy as np
import pytest

from neurosims.errors import NeurosimsError
from neurosims.store import RunStore, atomic_path, read_npz, write_json, write_npz


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "metrics.json"
    write_json(path, {"error": 0.5})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            tmp.write_text('{"error": 0.')  # half a file, then the process "dies"
            raise RuntimeError("killed")
    assert json.loads(path.read_text()) == {"error": 0.5}
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_npz_round_trip_is_exact(tmp_path):
    arrays = {"w": np.random.default_rng(0).standard_normal((7, 3)), "chunk": np.array(12)}
    write_npz(tmp_path / "c.npz", arrays)
    back = read_npz(tmp_path / "c.npz")
    np.testing.assert_array_equal(back["w"], arrays["w"])
    assert int(back["chunk"]) == 12


def test_a_folder_holding_a_run_is_not_overwritten(tmp_path):
    description = {"experiment": "x", "config": {"a": 1}, "seed": 0, "device": "runtime"}
    assert RunStore(tmp_path / "run").start(description, resume=False) is None
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["versions"]["brian2"] and run["seed"] == 0
    with pytest.raises(NeurosimsError, match="already holds a run; pass --resume"):
        RunStore(tmp_path / "run").start(description, resume=False)


def test_resume_refuses_another_configuration(tmp_path):
    store = RunStore(tmp_path / "run")
    store.start({"experiment": "x", "config": {"a": 1}, "seed": 0, "device": "runtime"}, resume=False)
    store.checkpoint({"chunk": np.array(3)})
    with pytest.raises(NeurosimsError, match="cannot resume .*its config differs"):
        store.start({"experiment": "x", "config": {"a": 2}, "seed": 0, "device": "runtime"}, resume=True)
    resumed = store.start({"experiment": "x", "config": {"a": 1}, "seed": 0, "device": "runtime"}, resume=True)
    assert int(resumed["chunk"]) == 3


def test_nothing_to_resume(tmp_path):
    with pytest.raises(NeurosimsError, match="nothing to resume"):
        RunStore(tmp_path / "empty").start({}, resume=True)
