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
    store.checkpoint({"chunk": np.array(3), "history": np.array("[]")})
    with pytest.raises(NeurosimsError, match="cannot resume .*its config differ from this command's \\(a: 1 there, 2 here\\)"):
        store.start({"experiment": "x", "config": {"a": 2}, "seed": 0, "device": "runtime"}, resume=True)
    resumed = store.start({"experiment": "x", "config": {"a": 1}, "seed": 0, "device": "runtime"}, resume=True)
    assert int(resumed["chunk"]) == 3


def test_nothing_to_resume(tmp_path):
    with pytest.raises(NeurosimsError, match="nothing to resume"):
        RunStore(tmp_path / "empty").start({}, resume=True)


DESCRIPTION = {"experiment": "x", "config": {"a": 1}, "params": {"eta": 0.1}, "models": {"rule": "r.py"},
               "model_hashes": {"rule": "abc"}, "seed": 0, "device": "runtime"}


def test_a_second_writer_is_refused_and_writes_nothing(tmp_path):
    """Two runs into one --out once both ran and mixed their files; the second is refused."""
    first = RunStore(tmp_path / "run")
    first.start(DESCRIPTION, resume=False)
    with pytest.raises(NeurosimsError, match="is being written by another neurosims run"):
        RunStore(tmp_path / "run").start(dict(DESCRIPTION, seed=1), resume=True)
    assert json.loads((tmp_path / "run" / "run.json").read_text())["seed"] == 0
    first.close()
    again = RunStore(tmp_path / "run")
    assert again.start(DESCRIPTION, resume=True) is None  # free once the first has closed
    again.close()


@pytest.mark.parametrize("change, message", [
    ({"params": {"eta": 0.2}}, r"its params differ from this command's \(eta: 0.1 there, 0.2 here\)"),
    ({"models": {"rule": "mine.py"}}, r"its models differ .*rule: 'r.py' there, 'mine.py' here"),
    ({"model_hashes": {"rule": "def"}}, r"its model_hashes differ"),
    ({"seed": 2}, r"its seed differs from this command's \(0 there, 2 here\)"),
])
def test_resume_refuses_whatever_defines_the_run_if_it_differs(tmp_path, change, message):
    store = RunStore(tmp_path / "run")
    store.start(DESCRIPTION, resume=False)
    store.close()
    with pytest.raises(NeurosimsError, match=message):
        RunStore(tmp_path / "run").start(dict(DESCRIPTION, **change), resume=True)


@pytest.mark.parametrize("damage, message", [
    (lambda run: (run / "run.json").write_text("{broken"), "run.json: not a readable run record"),
    (lambda run: (run / "run.json").write_text("[1, 2]"), "run.json: not a run record \\(a JSON list"),
    (lambda run: (run / "checkpoint.npz").write_bytes(b""), "checkpoint.npz: not a readable checkpoint"),
    (lambda run: (run / "checkpoint.npz").write_bytes((run / "checkpoint.npz").read_bytes()[:40]),
     "checkpoint.npz: not a readable checkpoint"),
    (lambda run: np.savez(run / "checkpoint.npz", chunk=np.array([{"a": 1}], dtype=object), history="[]"),
     "checkpoint.npz: not a readable checkpoint \\(Object arrays cannot be loaded"),
    (lambda run: write_npz(run / "checkpoint.npz", {"x": np.array(1)}), "checkpoint.npz: not a readable checkpoint"),
])
def test_a_damaged_run_folder_is_one_line_naming_the_file(tmp_path, damage, message):
    store = RunStore(tmp_path / "run")
    store.start(DESCRIPTION, resume=False)
    store.checkpoint({"chunk": np.array(3), "history": np.array("[]"), "w": np.ones(3)})
    store.close()
    damage(tmp_path / "run")
    with pytest.raises(NeurosimsError, match=message) as err:
        RunStore(tmp_path / "run").start(DESCRIPTION, resume=True)
    assert "\n" not in str(err.value)


def test_a_killed_writers_temporary_file_is_removed_at_the_next_start(tmp_path):
    store = RunStore(tmp_path / "run")
    store.start(DESCRIPTION, resume=False)
    store.close()
    (tmp_path / "run" / ".checkpoint.npz.x1y2.tmp").write_bytes(b"half a file")
    RunStore(tmp_path / "run").start(DESCRIPTION, resume=True)
    assert not list((tmp_path / "run").glob(".*.tmp"))
