"""Exported experiments: a task runs with bash and the binary alone (no Python on PATH), and
`collect` reads it back into the sweep's table with the same numbers as `neurosims run`."""

import csv
import os
import shutil
import subprocess

import pytest

from neurosims.errors import NeurosimsError
from neurosims.export import collect, export
from neurosims.experiments import predictive_coding as pc

from conftest import pc_config

FAST = ["training=6*second", "n_checkpoints=2", "decoder_fit=2*second", "test=1*second",
        "n_directions=1", "constant_duration=1*second"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, build_cache):
    return export("predictive-coding", "quick", FAST, [1, 2], tmp_path_factory.mktemp("export") / "pc",
                  cache_dir=build_cache)


def bash_alone(tmp_path, folder, *args):
    """Run run_task.sh with a PATH that holds only bash, mkdir, rm, mv and cat."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("bash", "mkdir", "rm", "mv", "cat"):
        if not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    assert subprocess.run(["bash", "-c", "command -v python3 python"], env=env).returncode != 0
    return subprocess.run([str(bin_dir / "bash"), "run_task.sh", *args], cwd=folder, env=env,
                          capture_output=True, text=True)


def test_task_runs_without_python_and_matches_neurosims_run(exported, tmp_path, pc_models):
    proc = bash_alone(tmp_path, exported, "1", "results/seed-1")
    assert proc.returncode == 0, proc.stderr
    assert (exported / "results" / "seed-1" / "done").read_text().strip() == "6"  # six chunks
    rows = {r["task"]: r for r in collect(exported)}
    assert rows["seed-1"]["status"] == "done" and rows["seed-2"]["status"] == "missing"
    table = list(csv.DictReader(open(exported / "results.csv")))
    assert [r["status"] for r in table] == ["done", "missing"]

    config, params = pc_config(pc_models, sets=FAST)
    direct = pc.run(config, params, tmp_path / "direct", seed=1, models=pc_models, progress=False)["summary"]
    for key in ("distance_after", "decoding_error_after", "rate_after", "distance_before"):
        assert float(table[0][key]) == pytest.approx(direct[key], rel=1e-6), key
    assert direct["distance_after"] < direct["distance_before"]


def test_parameter_override_and_bad_arguments(exported, tmp_path):
    proc = bash_alone(tmp_path, exported, "2", "results/seed-2", "eps_r=0.004")
    assert proc.returncode == 0, proc.stderr
    rows = {r["task"]: r for r in collect(exported)}
    assert rows["seed-2"]["overrides"] == "eps_r=0.004"
    assert rows["seed-2"]["distance_after"] < rows["seed-1"]["distance_after"]  # faster learning

    bad = bash_alone(tmp_path, exported, "9", "results/seed-9")
    assert bad.returncode == 2 and "no task for seed 9" in bad.stderr
    bad = bash_alone(tmp_path, exported, "1", "results/x", "eps=1")
    assert bad.returncode == 2 and "unknown parameter eps" in bad.stderr


def test_folder_holds_binary_scripts_and_no_sources(exported):
    assert os.access(exported / "build" / "main", os.X_OK)
    assert not list((exported / "build").glob("*.cpp"))
    slurm = (exported / "slurm_array.sh").read_text()
    assert "#SBATCH --array=1,2" in slurm and "run_task.sh" in slurm
    assert "eps_r recurrent.eps_r" in (exported / "parameters.txt").read_text()
    with pytest.raises(NeurosimsError, match="is not empty"):
        export("predictive-coding", "quick", FAST, [1], exported)


def test_export_and_collect_commands_refuse_bad_input(tmp_path):
    from conftest import neurosims

    proc = neurosims("export", "nope", "--out", tmp_path / "x", check=False)
    assert proc.returncode == 2 and "unknown experiment 'nope'" in proc.stderr and not (tmp_path / "x").exists()
    proc = neurosims("collect", tmp_path, check=False)
    assert proc.returncode == 2 and "is not an exported neurosims folder" in proc.stderr
    assert "Traceback" not in proc.stderr
