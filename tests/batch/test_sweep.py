"""Sweeps on a real Dask LocalCluster: one build per distinct build key, every row present,
metrics that move with the swept parameter, a killed worker survived, finished tasks skipped,
failures reported without losing the rest."""

import json
import os
import signal
import threading
import time

import pytest

from neurosims.batch.sweep import parse_grid, parse_seeds, read_table, run_sweep, split_values
from neurosims.errors import NeurosimsError

from helpers import neurosims, set_args

FAST = ["training=6*second"]  # with the tiny preset


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, build_cache):
    out = tmp_path_factory.mktemp("sweep") / "eps"
    rows = run_sweep("predictive-coding", "tiny", FAST, parse_grid(["eps_r=0.25e-3,4e-3", "n_neurons=16,20"]),
                     parse_seeds("1-3"), out, workers=2, cache_dir=build_cache)
    return out, rows


def test_one_build_per_distinct_build_key(sweep, build_cache):
    out, rows = sweep
    builds = json.loads((out / "sweep.json").read_text())["builds"]
    assert len(builds) == 2  # n_neurons changes the binary; eps_r is a run-time value
    folders = {b["directory"] for b in builds.values()}
    assert len(folders) == 2 and all(os.path.isdir(f) for f in folders)
    assert len([p for p in build_cache.iterdir() if p.name.startswith("predictive-coding-")
                and p.is_dir() and (p / "manifest.json").exists() and p.as_posix() in folders]) == 2


def test_every_task_has_its_row_and_the_science_shows(sweep):
    out, rows = sweep
    assert len(rows) == 12 and all(r["status"] == "done" for r in rows)
    table = read_table(out)
    assert {(r["eps_r"], r["n_neurons"], r["seed"]) for r in table} == {
        (e, n, s) for e in ("0.25e-3", "4e-3") for n in ("16", "20") for s in ("1", "2", "3")}
    # a faster recurrent learning rate brings Omega closer to -F^T F in the same time
    for n in ("16", "20"):
        slow = [float(r["distance_after"]) for r in table if r["eps_r"] == "0.25e-3" and r["n_neurons"] == n]
        fast = [float(r["distance_after"]) for r in table if r["eps_r"] == "4e-3" and r["n_neurons"] == n]
        assert max(fast) < min(slow)
    assert not list(out.glob("tasks/*/figures"))  # tasks write metrics and arrays; the sweep plots
    long = (out / "results_long.csv").read_text().splitlines()
    assert long[0] == "task,seed,eps_r,n_neurons,status,metric,value" and len(long) > 12 * 5


def test_rerun_skips_finished_tasks(sweep, build_cache):
    out, rows = sweep
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("tasks/*/metrics.json")}
    again = run_sweep("predictive-coding", "tiny", FAST, parse_grid(["eps_r=0.25e-3,4e-3", "n_neurons=16,20"]),
                      parse_seeds("1-3"), out, workers=1, cache_dir=build_cache)
    assert all(r["skipped"] for r in again)
    assert {p: p.stat().st_mtime_ns for p in out.glob("tasks/*/metrics.json")} == stamps
    assert [r["distance_after"] for r in again] == [r["distance_after"] for r in rows]


def test_plot_draws_the_metric_against_the_parameter(sweep):
    from neurosims.batch.sweep import plot_metric

    out, _ = sweep
    path = plot_metric(out, "distance_reduction", "eps_r")
    assert path.name == "distance_reduction_vs_eps_r.png" and path.stat().st_size > 10_000
    with pytest.raises(NeurosimsError, match="unknown metric 'nope'"):
        plot_metric(out, "nope")


def test_sweep_survives_a_killed_worker(tmp_path, build_cache):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster)
    out = tmp_path / "killed"
    result = {}
    thread = threading.Thread(target=lambda: result.update(rows=run_sweep(
        "predictive-coding", "tiny", FAST, parse_grid(["eps_r=1e-3,2e-3"]), parse_seeds("1-3"), out,
        cluster=cluster.scheduler_address, cache_dir=build_cache, retries=1)))
    thread.start()
    deadline = time.time() + 120
    while not list(out.glob("tasks/*/checkpoint.npz")) and time.time() < deadline:
        time.sleep(0.05)
    busy = [w for w, keys in client.processing().items() if keys]
    assert busy, "no task was running"
    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
    os.kill(pid, signal.SIGKILL)  # a worker dies mid-task, with its task's process
    thread.join(timeout=300)
    client.close()
    cluster.close()
    rows = result["rows"]
    assert len(rows) == 6 and all(r["status"] == "done" for r in rows), rows


def test_a_failing_task_is_reported_and_the_others_finish(tmp_path, build_cache):
    """A task that fails where it runs (its folder is taken by a file) is retried, then reported
    with its error, and the other task's result is kept."""
    out = tmp_path / "bad"
    (out / "tasks").mkdir(parents=True)
    (out / "tasks" / "p001-seed1").write_text("in the way")
    rows = run_sweep("predictive-coding", "tiny", FAST, parse_grid(["eps_r=1e-3,2e-3"]), [1], out,
                     workers=1, cache_dir=build_cache, retries=0)
    by_value = {r["eps_r"]: r for r in rows}
    assert by_value["1e-3"]["status"] == "done"
    assert by_value["2e-3"]["status"] == "failed" and "exists and is not a folder" in by_value["2e-3"]["error"]
    assert [r["status"] for r in read_table(out)] == ["done", "failed"]


@pytest.mark.parametrize("kwargs, message", [
    ({"grid": {"eps_r": ["1e-3", "lots"]}}, "cannot read a value for eps_r: 'lots'"),
    ({"grid": {"eps_r": ["1e-3", "__import__('os')"]}}, "cannot read a value for eps_r"),
    ({"cluster": "slurmm"}, "unknown cluster 'slurmm'"),
    ({"cluster": "pbs", "cluster_config": "/nonexistent.json"}, "cannot read cluster config"),
    ({"plot": "no_such_metric"}, "unknown metric 'no_such_metric'; predictive-coding's summary has: "),
    ({"plot": "error_reduction", "plot_param": "lambda_v"}, "--plot parameter 'lambda_v' was not swept"),
])
def test_everything_is_checked_before_the_sweep_writes_anything(tmp_path, build_cache, kwargs, message):
    """Before, the sweep folder was made before the cluster and the grid were checked, and the
    metric to plot was checked after every task had run."""
    arguments = dict(grid={"eps_r": ["1e-3"]}) | kwargs
    with pytest.raises(NeurosimsError, match=message):
        run_sweep("predictive-coding", "tiny", FAST, arguments.pop("grid"), [1], tmp_path / "never",
                  cache_dir=build_cache, **arguments)
    assert not (tmp_path / "never").exists()


def test_a_slurm_cluster_starts_on_the_thread_the_sweep_starts_it_on(tmp_path):
    """run_sweep starts its cluster on a background thread while it compiles. dask-jobqueue's
    import installs a signal handler, which Python refuses off the main thread: imported
    first on that thread (as it was), `--cluster slurm` could never start. In a fresh
    process, the sweep's sequence: the check on the main thread, the start on another."""
    import subprocess
    import sys

    config = tmp_path / "slurm.json"
    config.write_text(json.dumps({"cores": 1, "memory": "1GB", "queue": "neuro"}))
    script = (
        "import concurrent.futures, sys\n"
        "from neurosims.batch.sweep import check_cluster, start_client\n"
        "check_cluster('slurm', sys.argv[1])\n"
        "with concurrent.futures.ThreadPoolExecutor(1) as pool:\n"
        "    client = pool.submit(start_client, 'slurm', 0, sys.argv[1]).result()\n"
        "print(type(client.cluster).__name__, client.cluster.job_script().count('#SBATCH -p neuro'))\n"
        "client.close(); client.cluster.close()\n")
    proc = subprocess.run([sys.executable, "-c", script, str(config)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["SLURMCluster", "1"]


def test_every_task_uses_the_given_model_file_and_a_bad_learner_stops_the_sweep(tmp_path, build_cache):
    import shutil

    from neurosims.models import library

    mine = tmp_path / "my_neuron.py"
    shutil.copy(library()["spike_coding"], mine)
    rows = run_sweep("predictive-coding", "tiny", FAST, parse_grid(["eps_r=1e-3"]), [1], tmp_path / "own",
                     workers=1, cache_dir=build_cache, model_files=[f"neuron={mine}"])
    assert rows[0]["status"] == "done" and rows[0]["distance_reduction"] > 1
    run = json.loads((tmp_path / "own" / "tasks" / "p000-seed1" / "run.json").read_text())
    assert run["models"]["neuron"] == str(mine)
    with pytest.raises(NeurosimsError, match="has one learner"):
        run_sweep("predictive-coding", "tiny", FAST, {}, [1], tmp_path / "never", cache_dir=build_cache,
                  learner="exact")
    assert not (tmp_path / "never").exists()


def test_grid_and_seed_parsing():
    assert split_values("[[1, 2], [3, 4]],[[5]]") == ["[[1, 2], [3, 4]]", "[[5]]"]
    assert parse_grid(["eps_r=1e-3,2e-3", "lambda_v=40*Hz,50*Hz"]) == {
        "eps_r": ["1e-3", "2e-3"], "lambda_v": ["40*Hz", "50*Hz"]}
    assert parse_seeds("1-3,7") == [1, 2, 3, 7]
    with pytest.raises(NeurosimsError, match="--seeds expects"):
        parse_seeds("a-b")
    with pytest.raises(NeurosimsError, match="--grid expects name=v1,v2"):
        parse_grid(["eps_r"])


def test_slurm_cluster_takes_its_options_from_a_file(tmp_path):
    from neurosims.batch.sweep import jobqueue_cluster

    config = tmp_path / "slurm.json"
    config.write_text(json.dumps({"cores": 2, "memory": "4GB", "queue": "neuro", "walltime": "01:00:00"}))
    cluster = jobqueue_cluster("slurm", 0, config)
    script = cluster.job_script()
    cluster.close()
    assert "#SBATCH -p neuro" in script and "#SBATCH -t 01:00:00" in script
    config.write_text(json.dumps({"cores": 2, "memory": "4GB", "no_such_option": 1}))
    with pytest.raises(NeurosimsError, match="cluster config"):
        jobqueue_cluster("pbs", 0, config)


def test_sweep_command_line(tmp_path):
    out = tmp_path / "cli"
    proc = neurosims("sweep", "predictive-coding", "--preset", "tiny", *set_args(FAST),
                     "--grid", "eps_r=1e-3", "--seeds", "1", "--workers", "1", "--out", out,
                     "--plot", "error_reduction")
    assert "1 of 1 tasks done" in proc.stdout and (out / "figures" / "error_reduction_vs_eps_r.png").exists()
    proc = neurosims("sweep", "predictive-coding", "--grid", "eps_r=1e-3", "--seeds", "x", "--out", out, check=False)
    assert proc.returncode == 2 and "--seeds expects" in proc.stderr and "Traceback" not in proc.stderr
    fresh = tmp_path / "never"
    proc = neurosims("sweep", "predictive-coding", "--set", "lambda_v=3*mV", "--grid", "eps_r=1e-3",
                     "--out", fresh, check=False)
    assert proc.returncode == 2 and "unit mismatch for lambda_v" in proc.stderr and not fresh.exists()
