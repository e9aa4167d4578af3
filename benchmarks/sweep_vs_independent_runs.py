"""A sweep against independent runs: 20 tasks of an experiment's quick preset (seeds 1-20).

Measured in one run, each from an empty build cache:
  - `neurosims sweep` on a 2-worker LocalCluster: one compile, then 20 tasks;
  - 20 independent `neurosims run` calls one after another, each in its own empty cache (what
    20 separate standalone scripts cost: every one compiles);
  - the same 20 calls sharing one cache (neurosims' own compile-once, without Dask).
Every task does the same work: training, evaluation, metrics and arrays, no figures (sweep
tasks draw none; the sweep draws its own).
Usage: python benchmarks/sweep_vs_independent_runs.py [--experiment predictive-coding] [--tasks 20]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def neurosims(*args, cache):
    env = dict(os.environ, NEUROSIMS_CACHE=str(cache))
    subprocess.run([sys.executable, "-m", "neurosims.cli", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiment", default="predictive-coding")
    parser.add_argument("--tasks", type=int, default=20)
    args = parser.parse_args()
    n = args.tasks
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        start = time.perf_counter()
        neurosims("sweep", args.experiment, "--preset", "quick", "--seeds", f"1-{n}", "--workers", "2",
                  "--out", work / "sweep", cache=work / "cache-sweep")
        rows.append(("neurosims sweep, 2 workers", time.perf_counter() - start))
        manifest = next((work / "cache-sweep" / "builds").glob("*/manifest.json"))
        compile_seconds = json.loads(manifest.read_text())["build_seconds"]

        start = time.perf_counter()
        for seed in range(1, n + 1):
            neurosims("run", args.experiment, "--preset", "quick", "--seed", str(seed), "--quiet", "--no-figures",
                      "--out", work / f"alone-{seed}", cache=work / f"cache-alone-{seed}")
        rows.append((f"{n} independent runs, each compiling", time.perf_counter() - start))

        start = time.perf_counter()
        for seed in range(1, n + 1):
            neurosims("run", args.experiment, "--preset", "quick", "--seed", str(seed), "--quiet", "--no-figures",
                      "--out", work / f"shared-{seed}", cache=work / "cache-shared")
        rows.append((f"{n} runs sharing one build", time.perf_counter() - start))

    print(f"{args.experiment}, quick preset, {n} tasks (seeds 1-{n})")
    print(f"{'way':<40} {'wall s':>8} {'vs sweep':>9}")
    for name, seconds in rows:
        print(f"{name:<40} {seconds:>8.1f} {seconds / rows[0][1]:>8.1f}x")
    print(f"the sweep's one build (code generation and compile, while the cluster starts): "
          f"{compile_seconds:.1f} s")


if __name__ == "__main__":
    main()
