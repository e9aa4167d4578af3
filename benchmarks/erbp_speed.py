"""eRBP's speed on the MNIST-sized network 784-H-H-10 (Neftci et al. 2017's deep network), one
core (the compiled binary is single-threaded), with learning on.

For each hidden-layer size H (100, 200, 500, 1000): the network is compiled once (timed apart),
then `runs` runs of `samples` training samples of 250 ms at dt = 0.1 ms are timed. Inputs: MNIST
training images where --data mnist:DIR is given, else random images with MNIST's share of lit
pixels (19%, intensities uniform in 0.5-1), random labels. Reported per size: wall time per
training sample, synaptic events per second (every spike of a presynaptic neuron reaching each
of its targets, all three plastic connections and the fixed error pathway apart), plastic
updates per second (events that changed a weight); the time per step of the same network with
silent inputs (no events: the work every step does), and from it the time per synaptic event
((run time - silent run time) / events: the rule, the transmission, the spike queues).

Usage: .venv/bin/python benchmarks/erbp_speed.py [--sizes 100 200 500 1000] [--samples 20] [--runs 3]
       [--data mnist:DIR] [--out results/benchmarks/erbp_speed.json]
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

from neurosims.methods.erbp import network as erbp  # noqa: E402
from neurosims.models import load_roles, merge_parameters  # noqa: E402
from neurosims.simulators import import_brian, open_simulator  # noqa: E402


def images(data: str | None, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    if data:
        from neurosims.data.images import open_images

        d = open_images(data)
        k = rng.choice(len(d.train_y), n)
        return d.train_x[k], d.train_y[k]
    lit = rng.random((n, 784)) < 0.19
    return lit * rng.uniform(0.5, 1.0, (n, 784)), rng.integers(0, 10, n)


def measure(hidden: int, samples: int, runs: int, data: str | None, cache: Path) -> dict:
    models = erbp.compose(load_roles(erbp.ROLES, None, "erbp"))
    params = {k: float(np.asarray(p.value)) for k, p in merge_parameters(list(models.values())).items()}
    params |= {"b_min": -0.6, "b_max": 0.6}  # the driver's deep network
    shape = erbp.Shape(784, (hidden, hidden), 10, 2500, samples, 1e-4)
    started = time.perf_counter()
    sim = open_simulator(erbp.blueprint("erbp-speed", shape, models), "standalone", cache)
    built = time.perf_counter() - started
    rng = np.random.default_rng(0)
    sizes = shape.sizes
    weights = [rng.uniform(-1, 1, (n, m)) * np.sqrt(7 / (f + n))
               for m, n, f in zip(sizes[:-1], sizes[1:], [794, hidden + hidden, hidden + 10])]
    feedback = [rng.uniform(-1, 1, (hidden, 10)) * np.sqrt(7 / (10 + hidden)) for _ in range(2)]
    overrides = {"ff1.b_min": -25.0, "ff1.b_max": 25.0}
    walls, events, updates = [], [], []
    for r in range(runs + 1):  # the first run warms the caches and the page cache, not timed
        x, y = images(data, samples, rng)
        values = erbp.run_values(shape, models, params, weights, feedback, 0.09, overrides)
        t0 = time.perf_counter()
        out = sim.run(values, {"drive": erbp.drive(x, y, 10)}, seed=r)
        wall = time.perf_counter() - t0
        weights = [erbp.synapses_to_weights(out[f"ff{l}.w"], sizes[l], sizes[l + 1]) for l in range(3)]
        counts = [out["visible.count"][:784], out["layer0.count"], out["layer1.count"]]
        if r:
            walls.append(wall)
            events.append(sum(float(c.sum()) * n for c, n in zip(counts, sizes[1:])))
            updates.append(sum(float(out[f"ff{l}.updates"].sum()) for l in range(3)))
    # the same network with silent inputs: no events, the per-step work alone
    silent = np.full((samples, 794), -10.0)
    empty = []
    for r in range(runs):
        t0 = time.perf_counter()
        sim.run(erbp.run_values(shape, models, params, weights, feedback, 0.09, overrides), {"drive": silent}, seed=r)
        empty.append(time.perf_counter() - t0)
    wall, ev, up = np.mean(walls), np.mean(events), np.mean(updates)
    per_step = np.mean(empty) / shape.steps
    return {"hidden": hidden, "synapses": int(sum(m * n for m, n in zip(sizes[:-1], sizes[1:]))),
            "build_s": round(built, 1), "wall_per_sample_ms": 1e3 * wall / samples,
            "events_per_s": ev / wall, "updates_per_s": up / wall, "events_per_sample": ev / samples,
            "update_fraction": up / ev, "steps": shape.steps, "wall_s": wall, "events": ev,
            "silent_wall_s": float(np.mean(empty)), "ns_per_step": per_step * 1e9,
            "ns_per_event": (wall - np.mean(empty)) / ev * 1e9}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 500, 1000])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data")
    parser.add_argument("--out", type=Path, default=Path("results/benchmarks/erbp_speed.json"))
    args = parser.parse_args(argv)
    import_brian()
    with tempfile.TemporaryDirectory() as cache:
        rows = [measure(h, args.samples, args.runs, args.data, Path(cache)) for h in args.sizes]
    print(f"{'H':>5} {'synapses':>9} {'ms/sample':>10} {'events/s':>10} {'updates/s':>10} {'events/sample':>13} "
          f"{'learn':>6} {'ns/step':>8} {'ns/event':>8} {'build s':>7}")
    for r in rows:
        print(f"{r['hidden']:>5} {r['synapses']:>9} {r['wall_per_sample_ms']:>10.1f} {r['events_per_s']:>10.3g} "
              f"{r['updates_per_s']:>10.3g} {r['events_per_sample']:>13.3g} {r['update_fraction']:>6.2f} "
              f"{r['ns_per_step']:>8.0f} {r['ns_per_event']:>8.2f} {r['build_s']:>7}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows, "samples": args.samples, "runs": args.runs,
                                    "data": args.data or "random images"}, indent=1))


if __name__ == "__main__":
    main()
