"""e-prop in neurosims against NEST 3.10, on the same machine, in one run.

1. NEST's sine-wave example configuration (100 inputs, 100 LIF, 1 readout, 200 iterations of
   1 s, gradient descent after each) with the same weights, input spikes and target in both:
   wall time of building, of the simulation phase, and the final losses; neurosims with the
   event-driven rule (the default of eprop-pattern) and with the per-step form of the same rule.
2. Throughput: plastic synapse updates (synapses x steps) per second on one core, for networks
   of about 1e4, 1e5 and 1e6 plastic synapses, neurosims and NEST.
3. Memory: peak resident memory of `neurosims run eprop-pattern` for 1x, 4x and 16x the
   default training time (recording of spikes and output is per run and discarded after it).

Usage: .venv/bin/python benchmarks/eprop_vs_nest.py [--skip-memory]   (needs nest-simulator)
Both simulators use one thread.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from neurosims.experiment import prepare
from neurosims.methods.eprop import nest as nest_peer
from neurosims.methods.eprop import network as eprop
from neurosims.simulators import open_simulator


def setup(sets: list[str], model_files: list[str] = ()):
    prep = prepare("eprop-pattern", "default", sets, list(model_files))
    return prep, prep.config, eprop.plain_numbers(prep.params, prep.config.dt)


def neurosims_training(prep, cache: Path, seed: int = 1):
    """Build (timed), then train for config.iterations in runs of iterations_per_run (timed)."""
    config = prep.config
    started = time.perf_counter()
    net = prep.network(open_simulator(prep.blueprint(), "standalone", cache), seed)
    built = time.perf_counter()
    weights, losses = net.task["weights"], []
    for _ in range(config.iterations // config.iterations_per_run):
        weights, rec = net.run(weights, learning=True, seed=0)
        losses.append(rec["loss"])
    finished = time.perf_counter()
    return net, np.concatenate(losses), built - started, finished - built


def sine_task(cache: Path):
    prep, config, plain = setup([])
    net, losses, build_s, simulate_s = neurosims_training(prep, cache)
    per_step, _, _ = setup([], ["rule=eprop_nonadaptive"])  # the same rule, work at every step
    _, step_losses, step_build_s, step_simulate_s = neurosims_training(per_step, cache)
    x = np.tile(net.task["x"], (config.iterations, 1, 1))
    target = np.tile(net.task["target"], (config.iterations, 1, 1))
    nest = nest_peer.run_regression(net.task["weights"], net.task["feedback"], x, target, plain)
    print(f"\n1. NEST's sine-wave configuration, {config.iterations} iterations of 1 s "
          f"({config.iterations_per_run} per neurosims run)")
    print(f"{'':<28}{'build s':>9}{'simulate s':>12}{'total s':>9}{'loss it. 1':>12}{'final loss':>12}"
          f"{'mean last 10':>14}")
    for name, b, s, loss in (("NEST 3.10 (1 thread)", nest["build_s"], nest["simulate_s"], nest["loss"]),
                             ("neurosims standalone", build_s, simulate_s, losses),
                             ("  per-step rule", step_build_s, step_simulate_s, step_losses)):
        print(f"{name:<28}{b:>9.2f}{s:>12.2f}{b + s:>9.2f}{loss[0]:>12.3f}{loss[-1]:>12.3f}"
              f"{np.mean(loss[-10:]):>14.3f}")
    print(f"simulation phase: neurosims {nest['simulate_s'] / simulate_s:.2f}x faster; including the "
          f"compile: {(nest['build_s'] + nest['simulate_s']) / (build_s + simulate_s):.2f}x; "
          f"final loss ratio neurosims/NEST {losses[-1] / nest['loss'][-1]:.3f} "
          f"(mean of last 10: {np.mean(losses[-10:]) / np.mean(nest['loss'][-10:]):.3f})")
    print(f"per-step rule (eprop_nonadaptive): {nest['simulate_s'] / step_simulate_s:.2f}x in the simulation "
          f"phase; its losses equal the event-driven rule's to {np.max(np.abs(step_losses / losses - 1)):.1e}")
    print(f"first iterations equal: {np.allclose(losses[:8], nest['loss'][:8], rtol=1e-9)}; "
          f"largest relative difference over all {config.iterations}: "
          f"{np.max(np.abs(losses / nest['loss'] - 1)):.2e}")


def throughput(cache: Path):
    print("\n2. Plastic synapse updates per second (synapses x steps / simulation s), one core, 1 s trials")
    print(f"{'neurons':>8}{'inputs':>8}{'plastic synapses':>18}{'trials':>8}{'neurosims /s':>15}"
          f"{'NEST /s':>12}{'ratio':>8}")
    for n, trials in ((70, 20), (224, 5), (707, 2)):
        prep, config, plain = setup([f"n_neurons={n}", f"n_inputs={n}", f"iterations={trials}",
                                     f"iterations_per_run={trials}"])
        net, _, _, simulate_s = neurosims_training(prep, cache)
        synapses = n * n + n * (n - 1) + n
        steps = trials * config.steps
        x = np.tile(net.task["x"], (trials, 1, 1))
        target = np.tile(net.task["target"], (trials, 1, 1))
        nest = nest_peer.run_regression(net.task["weights"], net.task["feedback"], x, target, plain)
        ours, theirs = synapses * steps / simulate_s, synapses * steps / nest["simulate_s"]
        print(f"{n:>8}{n:>8}{synapses:>18,}{trials:>8}{ours:>15.3g}{theirs:>12.3g}{ours / theirs:>8.2f}")


def memory(cache: Path):
    print("\n3. Peak resident memory of `neurosims run eprop-pattern` (driver and compiled runs)")
    print(f"{'iterations':>11}{'simulated s':>13}{'peak RSS MiB':>14}{'wall s':>9}")
    for factor in (1, 4, 16):
        iterations = 200 * factor
        with tempfile.TemporaryDirectory() as out:
            script = ("import resource, subprocess, sys; "
                      "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                      "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", script, sys.executable, "-m", "neurosims.cli", "run", "eprop-pattern",
                 "--set", f"iterations={iterations}", "--no-figures", "--out", f"{out}/run"],
                capture_output=True, text=True, check=True, env=dict(os.environ, NEUROSIMS_CACHE=str(cache.parent)))
            wall = time.perf_counter() - started
        print(f"{iterations:>11}{iterations * 1.0:>13.0f}{int(proc.stdout.split()[-1]) / 1024:>14.1f}{wall:>9.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    nest = nest_peer.import_nest()
    print(f"NEST {nest.__version__}; neurosims standalone, both on one thread")
    with tempfile.TemporaryDirectory(prefix="neurosims-bench-") as tmp:
        cache = Path(tmp) / "builds"
        sine_task(cache)
        throughput(cache)
        if not args.skip_memory:
            memory(cache)


if __name__ == "__main__":
    main()
