"""Exported experiments: a task runs with bash and the binary alone (no Python on PATH), takes
parameter overrides, refuses bad arguments; `collect` reads it back into the sweep's table.
(That export + run_task.sh + collect gives `neurosims run`'s numbers, for every experiment
that can be exported, is held by tests/test_experiment_contract.py.)"""

import csv
import os

import pytest

from neurosims.batch.export import collect, export
from neurosims.errors import NeurosimsError

from helpers import bash_alone, neurosims

FAST = ["training=6*second"]  # with the tiny preset


@pytest.fixture(scope="module")
def exported(tmp_path_factory, build_cache):
    return export("predictive-coding", "tiny", FAST, [1, 2], tmp_path_factory.mktemp("export") / "pc",
                  cache_dir=build_cache)


def test_a_task_runs_without_python_and_collect_reads_it(exported, tmp_path):
    proc = bash_alone(tmp_path, exported, "1", "results/seed-1")
    assert proc.returncode == 0, proc.stderr
    assert (exported / "results" / "seed-1" / "done").read_text().strip() == "6"  # six chunks
    rows = {r["task"]: r for r in collect(exported)}
    assert rows["seed-1"]["status"] == "done" and rows["seed-2"]["status"] == "missing"
    table = list(csv.DictReader(open(exported / "results.csv")))
    assert [r["status"] for r in table] == ["done", "missing"]
    assert float(table[0]["distance_after"]) < float(table[0]["distance_before"])


def test_parameter_override_and_bad_arguments(exported, tmp_path):
    assert bash_alone(tmp_path, exported, "1", "results/seed-1").returncode == 0
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
        export("predictive-coding", "tiny", FAST, [1], exported)


def test_a_task_whose_results_are_incomplete_is_an_error_naming_the_file(exported, tmp_path):
    """A result file the binary did not write (a task folder edited, a copy cut short) is not
    read as an empty array: collect stops with the file's name."""
    assert bash_alone(tmp_path, exported, "1", "results/seed-1").returncode == 0
    final = exported / "results" / "seed-1" / "final"
    victim = sorted(final.iterdir())[0]
    victim.unlink()
    with pytest.raises(NeurosimsError, match=f"{victim}: the compiled run wrote no such file"):
        collect(exported)


def test_export_and_collect_commands_refuse_bad_input(tmp_path):
    proc = neurosims("export", "nope", "--out", tmp_path / "x", check=False)
    assert proc.returncode == 2 and "unknown experiment 'nope'" in proc.stderr and not (tmp_path / "x").exists()
    proc = neurosims("collect", tmp_path, check=False)
    assert proc.returncode == 2 and "is not an exported neurosims folder" in proc.stderr
    assert "Traceback" not in proc.stderr
