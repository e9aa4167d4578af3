"""Compile once, run many: wall time of training chunks of the predictive-coding network.

Three ways to run the same chunks (1 s simulated each, learning on), measured in one run:
  - neurosims standalone: one build, then every chunk runs the binary with run_args;
  - Brian2 runtime mode (numpy code generation), the network built once;
  - rebuild per chunk: what a Python loop over cpp_standalone runs does without run_args
    (a fresh build of the same network for each chunk, the compiler's cache of object files
    not reused).
Usage: python benchmarks/predictive_coding_devices.py [--chunks 20] [--rebuild-chunks 3]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--rebuild-chunks", type=int, default=3)
    args = parser.parse_args()

    import brian2

    brian2.BrianLogger.log_level_warn()
    from neurosims.experiment import prepare
    from neurosims.experiments import predictive_coding as pc
    from neurosims.simulators import open_simulator

    prep = prepare("predictive-coding", "default")
    config = prep.config

    def network(device, cache=None):
        return prep.network(open_simulator(prep.blueprint(), device, cache), seed=0)

    def chunks(net, count):
        rng = np.random.default_rng(0)
        state = pc.EXPERIMENT.initial_state(net)
        for k in range(count):
            state, _ = net.run(state, pc.signal(rng, config), k, learning=True)
        return state

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        net = network("standalone", Path(cache))
        build = time.perf_counter() - start
        start = time.perf_counter()
        final_standalone = chunks(net, args.chunks)
        per_chunk = (time.perf_counter() - start) / args.chunks
        rows.append(("neurosims standalone (build once)", build, per_chunk))

    start = time.perf_counter()
    net = network("runtime")
    setup = time.perf_counter() - start
    start = time.perf_counter()
    final_runtime = chunks(net, args.chunks)
    rows.append(("Brian2 runtime (numpy)", setup, (time.perf_counter() - start) / args.chunks))
    assert np.allclose(final_runtime["Omega"], final_standalone["Omega"], rtol=1e-6), "devices disagree"

    start = time.perf_counter()
    for _ in range(args.rebuild_chunks):
        with tempfile.TemporaryDirectory() as cache:
            chunks(network("standalone", Path(cache)), 1)
    rows.append(("standalone rebuilt per chunk", 0.0, (time.perf_counter() - start) / args.rebuild_chunks))

    base = rows[0][2]
    print(f"predictive-coding network, N=20, dt={config.dt}, chunk={config.chunk}; "
          f"{args.chunks} chunks ({args.rebuild_chunks} for the rebuild row)")
    print(f"{'way':<36} {'setup s':>8} {'s/chunk':>9} {'vs neurosims':>13}")
    for name, setup, per in rows:
        print(f"{name:<36} {setup:>8.2f} {per:>9.4f} {per / base:>12.1f}x")


if __name__ == "__main__":
    main()
