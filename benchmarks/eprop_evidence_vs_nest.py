"""e-prop classification in neurosims against NEST 3.10, on the same machine, in one run.

1. NEST's evidence-accumulation network (its test suite's: 40 inputs, 50 LIF + 50 ALIF, two
   softmax readouts, Adam, 2.25 s trials; neurosims/methods/eprop/nest_testsuite.py draws
   weights, inputs and targets as NEST's test does) in batches of 32 trials, the batch of
   eprop-evidence's default preset, for the same number of iterations in both, one thread
   each: wall time of building, of the simulation phase and in all, with the losses of the
   first and last iteration. neurosims runs one compiled run per iteration, as eprop-evidence
   trains, with the event-driven rule (the default) and with the per-step `eprop` rule.
2. Where neurosims' time goes: the share of the compiled loops (Brian2's own timing of each
   run) and Brian2's profile of one run of the batch (a profiled build of its own), per code
   object.
3. The two rules on delayed-memory's network (strong adaptation: the event-driven rule's
   window is 30 steps): one batch of 32 trials each.
4. The compile's share of a default-preset run of eprop-evidence: the build of its network,
   timed in a fresh build cache, against the training time of the default run given with
   --default-run-s (seconds of the run's training; without it, the share is not reported).

Usage: .venv/bin/python benchmarks/eprop_evidence_vs_nest.py [--iterations 10] [--default-run-s S]
(needs nest-simulator)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from neurosims.experiment import prepare
from neurosims.methods.eprop import nest as nest_peer
from neurosims.methods.eprop import nest_testsuite as suite
from neurosims.methods.eprop import network as eprop
from neurosims.simulators.standalone import StandaloneSimulator

BATCH = 32


def one_batch_shape(case: dict) -> eprop.Shape:
    full = suite.shape(case)
    return eprop.Shape(**dict(full.__dict__, sequences=BATCH))


def neurosims_training(case: dict, rule: str | None, cache: Path, profile: bool = False) -> dict:
    """Build (timed), then one compiled run per iteration (timed), as eprop-evidence trains."""
    prep = suite.prepared(case, rule)
    shape = one_batch_shape(case)
    started = time.perf_counter()
    sim = StandaloneSimulator(eprop.blueprint(f"evidence-{rule or 'default'}", shape, prep.models), cache,
                              profile=profile)
    built = time.perf_counter()
    net = eprop.Network(shape, prep.models, sim)
    weights, optimizer, losses, compiled_s = case["weights"], net.initial_optimizer_state(), [], 0.0
    for k in range(len(case["x"]) // BATCH):
        trials = slice(k * BATCH, (k + 1) * BATCH)
        weights, optimizer, rec = net.run(weights, optimizer, case["feedback"], case["adaptive"], prep.params,
                                          case["x"][trials], case["target"][trials], case["window"], 0, True,
                                          average_over_window=True)
        compiled_s += sim.last_run_seconds()
        losses.append(eprop.losses(rec["y"], case["target"][trials], case["window"], True).mean())
    return {"build_s": built - started, "simulate_s": time.perf_counter() - built, "loss": np.array(losses),
            "weights": weights, "prep": prep, "compiled_s": compiled_s, "sim": sim}


def compare_with_nest(iterations: int, cache: Path):
    case = suite.classification(BATCH, iterations)
    ours = neurosims_training(case, None, cache)
    per_step = neurosims_training(case, "eprop", cache)
    p = eprop.plain_numbers(ours["prep"].params, 1e-3)
    nest = nest_peer.run(case["weights"], case["feedback"], case["x"], case["target"], p, case["window"], BATCH,
                         case["adaptive"], classifier=True)
    nest["loss"] = suite.per_iteration(nest["loss"], {"batch": BATCH})
    print(f"\n1. NEST's evidence-accumulation network, {iterations} iterations of {BATCH} trials of 2.25 s "
          f"({iterations * BATCH * 2.25:.0f} s simulated; neurosims: one compiled run per iteration)")
    print(f"{'':<30}{'build s':>9}{'simulate s':>12}{'total s':>9}{'loss it. 1':>12}{'final loss':>12}")
    rows = (("NEST 3.10 (1 thread)", nest), ("neurosims, event-driven rule", ours), ("neurosims, per-step rule", per_step))
    for name, r in rows:
        print(f"{name:<30}{r['build_s']:>9.2f}{r['simulate_s']:>12.2f}{r['build_s'] + r['simulate_s']:>9.2f}"
              f"{r['loss'][0]:>12.6f}{r['loss'][-1]:>12.6f}")
    for name, r in rows[1:]:
        print(f"{name}: simulation phase {nest['simulate_s'] / r['simulate_s']:.2f}x NEST's speed; with the compile "
              f"{(nest['build_s'] + nest['simulate_s']) / (r['build_s'] + r['simulate_s']):.2f}x; losses vs NEST's: "
              f"largest relative difference {np.max(np.abs(r['loss'] / nest['loss'] - 1)):.1e}")
    change = np.max([np.max(np.abs(nest["weights"][k] - case["weights"][k])) for k in ("in", "rec", "out")])
    diff = np.max([np.max(np.abs(ours["weights"][k] - nest["weights"][k])) for k in ("in", "rec", "out")])
    print(f"final weights: largest difference from NEST's {diff:.1e} (largest weight change {change:.2f})")
    return ours


def where_time_goes(ours: dict, cache: Path):
    print(f"\n2. Where neurosims' simulation phase goes: {ours['compiled_s']:.2f} s of its {ours['simulate_s']:.2f} s "
          f"in the compiled loops ({100 * ours['compiled_s'] / ours['simulate_s']:.0f}%), the rest in starting "
          f"the binary, writing its inputs and reading its outputs. Within the loop, Brian2's profile of one "
          f"run (a profiled build; the timers themselves add to the small code objects):")
    profiled = neurosims_training(suite.classification(BATCH, 1), None, cache, profile=True)
    times = profiled["sim"].profile()
    inside = sum(times.values())
    for name, seconds in list(times.items())[:10]:
        print(f"  {name:<48}{seconds:>8.3f} s {100 * seconds / inside:>5.1f}%")
    print(f"  ... {len(times) - 10} more code objects, {100 * sum(list(times.values())[10:]) / inside:.0f}% together")


def compile_share(default_run_s: float | None):
    prep = prepare("eprop-evidence", "default")
    with tempfile.TemporaryDirectory(prefix="neurosims-bench-") as tmp:
        started = time.perf_counter()
        StandaloneSimulator(prep.blueprint(), Path(tmp))
        build = time.perf_counter() - started
    print(f"\n4. Compile of eprop-evidence's default network (fresh cache): {build:.1f} s", end="")
    if default_run_s:
        print(f"; the default run's training took {default_run_s:.0f} s: the compile is "
              f"{100 * build / (build + default_run_s):.1f}% of the two")
    else:
        print(" (give --default-run-s for its share of a default run)")


def delayed_memory_rules(cache: Path):
    print(f"\n3. delayed-memory's network (50 LIF + 50 ALIF, adapt_beta 0.3), one run of {BATCH} trials")
    for rule in ("eprop_event_driven", "eprop"):
        prep = prepare("delayed-memory", "default", [f"batch={BATCH}"], [f"rule={rule}"])
        net = prep.network(StandaloneSimulator(prep.blueprint(), cache), 0)
        state = prep.experiment.initial_state(net)
        net.run(net.weights, net.net.initial_optimizer_state(), 0, 0, learning=True)  # warm the files
        started = time.perf_counter()
        prep.experiment.train(net, state, 1)
        window = f"(window {net.net.shape.window_steps} steps)" if rule == "eprop_event_driven" else ""
        print(f"  {rule:<22}{time.perf_counter() - started:>6.2f} s {window}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--default-run-s", type=float, default=None)
    args = parser.parse_args()
    nest = nest_peer.import_nest()
    print(f"NEST {nest.__version__}; neurosims standalone, both on one thread")
    with tempfile.TemporaryDirectory(prefix="neurosims-bench-") as tmp:
        cache = Path(tmp) / "builds"
        ours = compare_with_nest(args.iterations, cache)
        where_time_goes(ours, cache)
        delayed_memory_rules(cache)
    compile_share(args.default_run_s)


if __name__ == "__main__":
    main()
