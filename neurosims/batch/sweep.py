"""Parameter sweeps and seed batches on Dask: build each distinct binary once, run every
point x seed as a task, gather one table.

    neurosims sweep predictive-coding --preset quick --grid eps_r=1e-3,4e-3 --seeds 1-3 --out DIR

- Points are checked and their build keys computed in the main process; every distinct key is
  compiled there once (points that differ only in run-time values share a build). Tasks then
  only run binaries: workers get plain words (experiment, preset, --set strings, seed, folder,
  build cache), never Brian2 objects, and run their tasks in their own process, which imports
  Brian2 once (a task of the quick predictive-coding preset takes 0.9 s there, 1.9 s as a
  `neurosims run` of its own).
- Each task writes its own run folder (tasks/pNNN-seedS: metrics and arrays; the sweep draws
  its own figure), atomically. Re-running the sweep
  skips finished tasks; a retried task (an error, a killed worker) resumes from its last
  checkpoint. A task that still fails after the retries is reported in the table with its
  error; the others' results are kept.
- The table: results.csv (one row per task: parameters, seed, status, metrics) and
  results_long.csv (tidy: one row per task and metric).
- Clusters: a local one by default (distributed.LocalCluster), SLURM or PBS through
  dask-jobqueue (options from --cluster-config FILE.json, else dask-jobqueue's own config),
  or an existing scheduler (tcp://host:port).
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from neurosims.errors import NeurosimsError
from neurosims.store import atomic_path, write_json

# ---------------------------------------------------------------------------------------------
# The grid


def split_values(text: str) -> list[str]:
    """Comma-separated values, where commas inside brackets belong to the value (a matrix)."""
    values, depth, current = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            values.append(current.strip())
            current = ""
        else:
            current += ch
    values.append(current.strip())
    if any(not v for v in values):
        raise NeurosimsError(f"--grid has an empty value in {text!r}")
    return values


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    grid = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise NeurosimsError(f"--grid expects name=v1,v2,..., got {item!r}")
        if name.strip() in grid:
            raise NeurosimsError(f"--grid names {name.strip()} twice")
        grid[name.strip()] = split_values(text)
    return grid


def parse_seeds(text: str) -> list[int]:
    """'1-20', '1,4,9' or '3'."""
    seeds = []
    try:
        for part in text.split(","):
            first, sep, last = part.strip().partition("-")
            if sep and int(last) - int(first) > 100_000:
                raise NeurosimsError(f"--seeds {text!r} gives more than 100,000 seeds")
            seeds += list(range(int(first), int(last) + 1)) if sep else [int(first)]
    except ValueError:
        raise NeurosimsError(f"--seeds expects a range like 1-20 or a list like 1,4,9, got {text!r}") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise NeurosimsError(f"--seeds {text!r} gives no seeds or repeats one")
    if len(seeds) > 100_000:
        raise NeurosimsError(f"--seeds {text!r} gives {len(seeds):,} seeds; at most 100,000")
    from neurosims.experiment import check_seed

    for seed in seeds:
        check_seed(seed)
    return seeds


@dataclass(frozen=True)
class Task:
    id: str
    point: dict  # grid name -> value text
    seed: int
    sets: tuple[str, ...]  # base --set plus the point's values


def plan(grid: dict[str, list[str]], seeds: list[int], base_sets: list[str]) -> list[Task]:
    names = list(grid)
    points = [dict(zip(names, values)) for values in _product([grid[n] for n in names])] or [{}]
    return [Task(f"p{p:03d}-seed{seed}", point, seed,
                 tuple(base_sets) + tuple(f"{k}={v}" for k, v in point.items()))
            for p, point in enumerate(points) for seed in seeds]


def _product(lists):
    if not lists:
        return [()]
    return [(v,) + rest for v in lists[0] for rest in _product(lists[1:])]


# ---------------------------------------------------------------------------------------------
# One task, on a worker


def run_task(spec: dict) -> dict:
    """Run one task (plain words in, a row out) in the worker's process, which imports Brian2
    and the experiment once for all its tasks. Skips a finished task; resumes a started one (a
    retry after an error or a lost worker)."""
    from neurosims.experiment import prepare
    from neurosims.simulators import import_brian

    folder = Path(spec["folder"])
    summary = _finished(folder)
    if summary is not None:
        return {"status": "done", "skipped": True, **summary}
    import_brian()
    with _ONE_TASK_AT_A_TIME:
        prepared = prepare(spec["experiment"], spec["preset"], spec["sets"], spec["models"], spec["learner"])
        prepared.run(folder, spec["seed"], resume=(folder / "run.json").exists(), progress=False,
                     cache_dir=spec["cache_dir"], figures=False)
    return {"status": "done", "skipped": False, **_finished(folder)}


# Brian2 keeps global state (device, preferences), so a process runs one task at a time: a
# worker given several threads runs its tasks one after another. Give each worker one thread.
_ONE_TASK_AT_A_TIME = threading.Lock()


class ImportBrian(WorkerPlugin):
    """Imports Brian2 on every worker's main thread as the worker starts (a restarted one too):
    Brian2's import installs a signal handler, which Python allows only there, and tasks run
    on another thread."""

    name = "neurosims-import-brian2"

    def setup(self, worker):
        from neurosims.simulators import import_brian

        import_brian()


def _finished(folder: Path) -> dict | None:
    path = folder / "metrics.json"
    return json.loads(path.read_text()).get("summary") if path.exists() else None


# ---------------------------------------------------------------------------------------------
# Clusters


def start_client(cluster: str, workers: int, cluster_config: Path | None = None):
    """A dask.distributed Client, every worker of which imports Brian2 as it starts."""
    client = _connect(cluster, workers, cluster_config)
    client.register_plugin(ImportBrian())
    return client


def check_cluster(cluster: str, cluster_config: Path | None = None):
    """Refuse an unknown cluster or an unreadable cluster config, before anything starts. For
    SLURM and PBS, dask-jobqueue is imported here, on the main thread: its import installs a
    signal handler, which Python refuses on the thread that starts the cluster."""
    if cluster.startswith(("tcp://", "tls://")) or cluster == "local":
        return
    if cluster not in ("slurm", "pbs"):
        raise NeurosimsError(f"unknown cluster {cluster!r}; use local, slurm, pbs or tcp://host:port")
    try:
        import dask_jobqueue  # noqa: F401
    except ImportError:
        raise NeurosimsError(f"--cluster {cluster} needs dask-jobqueue: pip install 'neurosims[cluster]'") from None
    _cluster_options(cluster_config)


def check_metric(experiment, metric: str, param: str | None, names: list[str]):
    """Refuse a metric the experiment's summary does not have, or a parameter not swept."""
    if not names:
        raise NeurosimsError("--plot needs at least one --grid parameter")
    if metric not in experiment.summary_keys:
        raise NeurosimsError(f"unknown metric {metric!r}; {experiment.label}'s summary has: "
                             f"{', '.join(experiment.summary_keys)}")
    if param is not None and param not in names:
        raise NeurosimsError(f"--plot parameter {param!r} was not swept; swept: {', '.join(names)}")


def _cluster_options(cluster_config: Path | None) -> dict:
    if not cluster_config:
        return {}
    try:
        options = json.loads(Path(cluster_config).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise NeurosimsError(f"cannot read cluster config {cluster_config}: {err}") from None
    if not isinstance(options, dict):
        raise NeurosimsError(f"cluster config {cluster_config}: expected a JSON object of dask-jobqueue options")
    return options


def _connect(cluster: str, workers: int, cluster_config: Path | None = None):
    """A Client of a local cluster (default), a slurm or pbs one, or a scheduler's address."""
    from distributed import Client, LocalCluster

    if cluster.startswith("tcp://") or cluster.startswith("tls://"):
        try:
            return Client(cluster, timeout="20s")
        except OSError as err:
            raise NeurosimsError(f"cannot reach the Dask scheduler at {cluster}: {err}") from None
    if cluster == "local":
        local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             dashboard_address=":0", silence_logs=logging.ERROR)
        return Client(local)
    if cluster in ("slurm", "pbs"):
        return Client(jobqueue_cluster(cluster, workers, cluster_config))
    raise NeurosimsError(f"unknown cluster {cluster!r}; use local, slurm, pbs or tcp://host:port")


def jobqueue_cluster(kind: str, workers: int, cluster_config: Path | None = None):
    """A dask-jobqueue SLURMCluster or PBSCluster, scaled to `workers` workers."""
    try:
        import dask_jobqueue
    except ImportError:
        raise NeurosimsError(f"--cluster {kind} needs dask-jobqueue: pip install 'neurosims[cluster]'") from None
    options = _cluster_options(cluster_config)
    if "cores" in options:  # one single-threaded worker process per core (see run_task)
        options.setdefault("processes", options["cores"])
    make = dask_jobqueue.SLURMCluster if kind == "slurm" else dask_jobqueue.PBSCluster
    try:
        cluster = make(**options)
    except (TypeError, ValueError) as err:
        raise NeurosimsError(f"cluster config {cluster_config}: {err}") from None
    cluster.scale(workers)
    return cluster


# ---------------------------------------------------------------------------------------------
# The sweep


def run_sweep(experiment: str, preset: str, base_sets: list[str], grid: dict[str, list[str]],
              seeds: list[int], out: Path, cluster: str = "local", workers: int = 2,
              retries: int = 2, cache_dir: Path | None = None, cluster_config: Path | None = None,
              model_files: list[str] = (), learner: str | None = None, stream=None, plot: str | None = None,
              plot_param: str | None = None) -> list[dict]:
    """Build, run and gather. Returns the rows of the table (also written to `out`).
    `model_files` (ROLE=PATH) and `learner` are those of `neurosims run`, for every task;
    `plot` (and `plot_param`): the metric (and the swept parameter) the caller will draw,
    checked before anything runs."""
    from neurosims.experiment import prepare
    from neurosims.simulators.standalone import default_cache_dir

    stream = stream or sys.stderr
    out = Path(out)
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    model_files = [_absolute_model(item) for item in model_files]  # workers may start elsewhere
    spec = {"experiment": experiment, "preset": preset, "sets": base_sets, "grid": grid, "seeds": seeds}
    spec |= ({"models": model_files} if model_files else {}) | ({"learner": learner} if learner else {})
    # everything is checked before any file is written: the experiment, learner, model files,
    # preset, --set values, every grid point, the cluster and the metric to plot
    base = prepare(experiment, preset, base_sets, model_files, learner)
    tasks = plan(grid, seeds, base_sets)
    for sets in dict.fromkeys(task.sets for task in tasks):
        prepare(experiment, preset, list(sets), model_files, learner)
    check_cluster(cluster, cluster_config)
    if plot is not None:
        check_metric(base.experiment, plot, plot_param, list(grid))
    _claim(out, spec)
    # the cluster starts, and its workers import Brian2, while this process compiles
    with concurrent.futures.ThreadPoolExecutor(1) as background:
        starting = background.submit(start_client, cluster, workers, cluster_config)
        try:
            failed, builds = build_once_per_key(tasks, experiment, preset, model_files, learner, cache_dir,
                                                stream)
            write_json(out / "sweep.json", dict(spec, builds=builds))
            rows = {task.id: _row(task, out, {"status": "failed", "error": failed[task.sets]})
                    for task in tasks if task.sets in failed}
            pending = [t for t in tasks if t.id not in rows]
            client = starting.result()
            if pending:
                print(f"neurosims sweep: {len(pending)} tasks on {cluster}; dashboard {client.dashboard_link}",
                      file=stream)
                rows |= run_tasks(client, pending, experiment, preset, model_files, learner, out, cache_dir,
                                  retries, stream)
        finally:
            if starting.exception() is None:  # waits for the start
                client = starting.result()
                owned = client.cluster  # None for a scheduler we only connected to
                client.close()
                if owned is not None:
                    owned.close()

    table = [rows[t.id] for t in tasks]
    write_table(out, table, list(grid))
    return table


def build_once_per_key(tasks: list[Task], experiment, preset, model_files, learner, cache_dir: Path,
                       stream) -> tuple[dict, dict]:
    """Check every point and build every distinct binary once, in this process. Returns the
    points that failed ({sets: error}) and the builds ({key: directory and whether compiled now})."""
    from neurosims.experiment import prepare
    from neurosims.simulators.standalone import StandaloneSimulator

    failed, checked, builds = {}, set(), {}
    for task in tasks:
        if task.sets in checked or task.sets in failed:
            continue
        try:
            blueprint = prepare(experiment, preset, list(task.sets), model_files, learner).blueprint()
            key = blueprint.build_key()
            if key not in builds:
                sim = StandaloneSimulator(blueprint, cache_dir)
                builds[key] = {"directory": str(sim.directory), "compiled_now": sim.compiled}
                print(f"neurosims sweep: build {key} {'compiled' if sim.compiled else 'reused'}",
                      file=stream)
            checked.add(task.sets)
        except NeurosimsError as err:
            failed[task.sets] = str(err)
    return failed, builds


def run_tasks(client, tasks: list[Task], experiment, preset, model_files, learner, out: Path,
              cache_dir: Path, retries: int, stream) -> dict:
    """Every task on the cluster, with progress; returns {task id: row}."""
    from distributed import as_completed

    futures = {}
    for task in tasks:
        task_spec = {"experiment": experiment, "preset": preset, "sets": list(task.sets),
                     "models": model_files, "learner": learner, "seed": task.seed,
                     "folder": str(out / "tasks" / task.id), "cache_dir": str(cache_dir)}
        future = client.submit(run_task, task_spec, key=f"neurosims-{out.name}-{task.id}-{time.time_ns()}",
                               retries=retries, pure=False)
        futures[future] = task
    rows, done, failed_count = {}, 0, 0
    for future in as_completed(futures):
        task = futures[future]
        try:
            result = future.result()
            done += 1
        except Exception as err:  # the task's error after its retries, or a lost worker
            result = {"status": "failed", "error": " ".join(f"{type(err).__name__}: {err}".split())}
            failed_count += 1
        rows[task.id] = _row(task, out, result)
        running = sum(1 for keys in client.processing().values() if keys)  # a task at a time per worker
        waiting = max(0, len(futures) - done - failed_count - running)
        print(f"neurosims sweep: {done} done, {running} on workers, {waiting} waiting, "
              f"{failed_count} failed ({task.id}: {result['status']})", file=stream)
    return rows


def _absolute_model(item: str) -> str:
    """ROLE=PATH with PATH made absolute where it names a file (else a library model's name)."""
    role, sep, path = item.partition("=")
    return f"{role}={Path(path.strip()).resolve()}" if sep and Path(path.strip()).is_file() else item


def _claim(out: Path, spec: dict):
    """A sweep folder holds one sweep: re-running the same sweep continues it."""
    path = out / "sweep.json"
    if path.exists():
        previous = json.loads(path.read_text())
        if {k: previous.get(k) for k in spec} != json.loads(json.dumps(spec)):
            raise NeurosimsError(f"{out} holds another sweep (see {path}); choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise NeurosimsError(f"cannot create sweep folder {out}: {err.strerror}") from None


def _row(task: Task, out: Path, result: dict) -> dict:
    return {"task": task.id, "seed": task.seed, **task.point, **result,
            "folder": str(out / "tasks" / task.id)}


def write_table(out: Path, rows: list[dict], grid_names: list[str]):
    """results.csv (a row per task) and results_long.csv (a row per task and metric)."""
    fixed = ["task", "seed", *grid_names, "status"]
    metrics = sorted({k for r in rows for k, v in r.items()
                      if k not in fixed and isinstance(v, (int, float)) and not isinstance(v, bool)})
    columns = fixed + metrics + ["error", "folder"]
    _write_csv(out / "results.csv", columns, rows)
    long_rows = [{**{k: r.get(k, "") for k in fixed}, "metric": m, "value": r[m]}
                 for r in rows for m in metrics if m in r]
    _write_csv(out / "results_long.csv", fixed + ["metric", "value"], long_rows)


def _write_csv(path: Path, columns: list[str], rows: list[dict]):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    with atomic_path(path) as tmp:
        tmp.write_text(buffer.getvalue())


def read_table(out: Path) -> list[dict]:
    with open(Path(out) / "results.csv", newline="") as f:
        return list(csv.DictReader(f))


def plot_metric(out: Path, metric: str, param: str | None = None) -> Path:
    """`metric` against a swept parameter, mean and standard deviation over seeds (one line per
    value of the other swept parameters); written to out/figures/<metric>_vs_<param>.png."""
    spec = json.loads((Path(out) / "sweep.json").read_text())
    names = list(spec["grid"])
    if not names:
        raise NeurosimsError("--plot needs at least one --grid parameter")
    param = param or names[0]
    if param not in names:
        raise NeurosimsError(f"--plot parameter {param!r} was not swept; swept: {', '.join(names)}")
    rows = [r for r in read_table(out) if r["status"] == "done"]
    if not rows or metric not in rows[0]:
        valid = sorted(k for k in (rows[0] if rows else {}) if k not in ("task", "seed", "status", "error", "folder", *names))
        raise NeurosimsError(f"unknown metric {metric!r}; the table has: {', '.join(valid)}")
    others = [n for n in names if n != param]
    lines = {}
    for r in rows:
        label = ", ".join(f"{n}={r[n]}" for n in others)
        lines.setdefault(label, {}).setdefault(r[param], []).append(float(r[metric]))
    from neurosims import plots

    fig = errorbars(lines, spec["grid"][param], param, metric)
    return plots.save(fig, Path(out) / "figures" / f"{metric}_vs_{param}.png")


def errorbars(lines: dict[str, dict[str, list[float]]], order: list[str], param: str, metric: str):
    """Mean +- standard deviation over seeds of `metric` at each value of `param`; one line per
    label. Values that all read as numbers (units allowed) go on a numeric axis."""
    import numpy as np

    from neurosims.plots import plt
    from neurosims.values import parse_value

    try:
        positions = {v: float(np.asarray(parse_value(v, lists=False))) for v in order}
        numeric = True
    except NeurosimsError:  # a matrix, a file: the values in their order
        positions, numeric = {v: i for i, v in enumerate(order)}, False
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for label, by_value in lines.items():
        values = [v for v in order if v in by_value]
        means = [np.mean(by_value[v]) for v in values]
        errors = [np.std(by_value[v]) for v in values]
        ax.errorbar([positions[v] for v in values], means, yerr=errors, marker="o", capsize=3,
                    label=label or None)
    ax.set_xticks(list(positions.values()), list(positions.keys()), rotation=30 if not numeric else 0)
    ax.set_xlabel(param)
    ax.set_ylabel(f"{metric} (mean +- s.d. over seeds)")
    if any(lines):
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
