"""SuperSpike's speed on the target-raster task, one core (the compiled binary is
single-threaded), with learning on: the compiled network against the NumPy reference of the
same network and rule (neurosims/methods/superspike/reference.py), in one run.

The network is the raster preset's (200 inputs at 5 Hz, 128 hidden neurons, one output neuron
per picture row, symmetric feedback, dt 0.1 ms) unless --hidden/--rows say otherwise. It is
compiled once (timed apart); then `runs` runs of `seconds` of simulated training are timed.
Reported: wall time per simulated second, plastic synapse updates per second (every plastic
synapse updates its eligibility traces and gradient in every step: synapses x steps / wall),
the time per synapse-step, and the same for the NumPy reference over a shorter stretch.

Usage: .venv/bin/python benchmarks/superspike_speed.py [--hidden 128] [--rows 16] [--seconds 10.4]
       (runs last at least one trial: the picture's width x 10 ms)
       [--runs 3] [--reference-seconds 0.5] [--out results/benchmarks/superspike_speed.json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurosims.experiment import prepare  # noqa: E402
from neurosims.methods.superspike import network as ss  # noqa: E402
from neurosims.methods.superspike import reference  # noqa: E402
from neurosims.simulators import import_brian, open_simulator  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--rows", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference-seconds", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=Path("results/benchmarks/superspike_speed.json"))
    args = parser.parse_args(argv)
    import_brian()
    from neurosims.experiments import superspike as task

    trial = task.picture(task.Config.picture_text, args.rows).shape[1] * float(task.Config().pixel_duration)
    seconds = max(args.seconds, trial)  # at least one trial per run
    prep = prepare("superspike", "raster", [f"hidden={args.hidden}", f"picture_rows={args.rows}",
                                            f"run_duration={seconds}*second"])

    params = {k: float(np.asarray(v)) for k, v in prep.params.items()}
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        sim = open_simulator(prep.blueprint(), "standalone", Path(cache))
        built = time.perf_counter() - started
        net = prep.network(sim, seed=0)
        state = task.initial_state(net)
        shape = net.shape
        synapses = sum(m * n for m, n in zip(shape.sizes[:-1], shape.sizes[1:]))
        walls = []
        for r in range(args.runs + 1):  # the first run warms the caches, not timed
            t0 = time.perf_counter()
            state = task.train(net, state, r + 1)
            if r:
                walls.append(time.perf_counter() - t0)
    simulated = shape.steps * shape.dt
    wall = float(np.median(walls))
    # the NumPy reference on the same network, weights and input, over a shorter stretch
    steps = int(round(args.reference_seconds / shape.dt))
    ref_state = {f"{v}{l}": state[f"{v}{l}"] for l in range(shape.n_layers) for v in ss.PLASTIC_STATE}
    t0 = time.perf_counter()
    reference.run(params, ref_state, net.task.inputs[0][:steps], net.task.targets[0][:steps], shape.dt,
                  int(round(params["update_period"] / shape.dt)))
    ref_wall = time.perf_counter() - t0
    result = {
        "network": f"{shape.n_in}-{shape.hidden}-{shape.n_out}, dt {shape.dt * 1e3:g} ms, symmetric feedback",
        "plastic_synapses": synapses, "build_s": built, "simulated_s_per_run": simulated, "wall_s_per_run": walls,
        "wall_s_per_simulated_s": wall / simulated,
        "synapse_updates_per_s": synapses * shape.steps / wall,
        "ns_per_synapse_step": wall / (synapses * shape.steps) * 1e9,
        "reference_simulated_s": steps * shape.dt, "reference_wall_s": ref_wall,
        "reference_wall_s_per_simulated_s": ref_wall / (steps * shape.dt),
        "speedup_over_reference": (ref_wall / (steps * shape.dt)) / (wall / simulated),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:34s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
