"""DECOLLE in neurosims against the authors' own code (PyPI decolle 0.2, PyTorch), on the same
machine, in one run.

1. Training time per sample: the same dense network (the preset's sizes, weights, readouts,
   dropout 0.5, Adamax, online updates at every step after the burn-in) on the same
   digits-saccades training samples. neurosims: the compiled network, one run of
   `samples_per_run` samples after another (the build is timed apart). The authors' code:
   `decolle.utils.train` in float32 (their own precision), at batch 1 (the rule as the paper
   writes it) and at its default batch of 72 (params_nmnist.yml). One thread each.
2. Peak memory per sample length: one training run of 300, 1200 and 4800 steps per sample
   (the same 300 ms of events at dt = 1, 0.25 and 0.0625 ms), neurosims and the authors'
   code at batch 1, each in a fresh process (peak resident memory of the process and its
   children).

Usage: .venv/bin/python benchmarks/decolle_vs_authors.py [--preset default] [--set NAME=VALUE ...]
       [--skip-memory]   (needs the decolle extra: see neurosims/methods/decolle/authors.py)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurosims.experiment import prepare  # noqa: E402
from neurosims.simulators import open_simulator  # noqa: E402

AUTHORS_BATCH = 72  # decolle-public scripts/parameters/params_nmnist.yml (batch_size 72)


def neurosims_network(preset: str, sets: list[str], cache: Path):
    """(network, its initial state, build seconds)."""
    prep = prepare("decolle", preset, sets, [])
    started = time.perf_counter()
    net = prep.network(open_simulator(prep.blueprint(), "standalone", cache), seed=0)
    built = time.perf_counter() - started
    return prep, net, prep.experiment.initial_state(net), built


def neurosims_training(prep, net, state, runs: int) -> tuple[float, list[int]]:
    """Seconds per training sample over `runs` compiled runs; the samples they trained."""
    samples, started = [], time.perf_counter()
    for chunk in range(1, runs + 1):
        indices = net.training_samples(chunk)
        state = prep.experiment.train(net, state, chunk)
        samples += list(indices)
    return (time.perf_counter() - started) / len(samples), samples


def authors_inputs(net, samples: list[int]):
    """The samples as the authors' code reads them: float32 frames (samples, T, n_in, 1) and
    one-hot targets (samples, T, classes)."""
    frames = np.stack([net.sample("train", i)[0].dense() for i in samples]).astype(np.float32)[..., None]
    labels = [net.sample("train", i)[1] for i in samples]
    target = np.zeros((len(samples), frames.shape[1], net.shape.n_classes), dtype=np.float32)
    for k, label in enumerate(labels):
        target[k, :, label] = 1
    return frames, target


def authors_training(net, state, frames, target, batch: int) -> float:
    """Seconds per training sample of decolle.utils.train at `batch`, float32, one thread."""
    import torch

    from experiments.decolle import unflatten
    from neurosims.methods.decolle import authors

    torch.set_num_threads(1)
    _, base_model, _, utils = authors.import_decolle()
    weights, readouts, _, _ = unflatten(state, len(net.shape.hidden))
    params = net.params
    model = authors.network(params, [{k: v.astype(np.float32) for k, v in w.items()} for w in weights],
                            [{k: v.astype(np.float32) for k, v in r.items()} for r in readouts], net.shape.n_in,
                            dropout=params["p_drop"], float64=False)
    loss = base_model.DECOLLELoss([torch.nn.SmoothL1Loss() for _ in model.LIF_layers], model,
                                  reg_l=[params["reg_l"]] * len(model.LIF_layers))
    opt = torch.optim.Adamax(model.get_trainable_parameters(), lr=params["eta"],
                             betas=(params["beta_1"], params["beta_2"]), eps=params["epsilon"])
    n = len(frames) // batch * batch
    batches = [(frames[k:k + batch], target[k:k + batch]) for k in range(0, n, batch)]
    started = time.perf_counter()
    utils.train(batches, loss, model, opt, 0, int(params["burnin"]), online_update=True)
    return (time.perf_counter() - started) / n


def speed(preset: str, sets: list[str], runs: int) -> list[str]:
    with tempfile.TemporaryDirectory() as cache:
        prep, net, state, build_s = neurosims_network(preset, sets, Path(cache))
        ours, samples = neurosims_training(prep, net, state, runs)
    frames, target = authors_inputs(net, samples)
    one = authors_training(net, state, frames[:max(8, len(frames) // 4)], target, batch=1)
    repeat = int(np.ceil(2 * AUTHORS_BATCH / len(frames)))  # two full batches of the authors' size
    batched = authors_training(net, state, np.tile(frames, (repeat, 1, 1, 1)), np.tile(target, (repeat, 1, 1)),
                               batch=AUTHORS_BATCH)
    shape = net.shape
    synapses = sum(a * b for a, b in zip(shape.sizes[:-1], shape.sizes[1:]))
    lines = [f"network {'-'.join(map(str, shape.sizes))} ({synapses:,} plastic weights), "
             f"{shape.sample_steps} steps per sample, preset {preset} {' '.join(sets)}".rstrip(),
             f"{'way':44s} {'ms/sample':>10s} {'vs neurosims':>13s}",
             f"{'neurosims standalone (build %.1f s apart)' % build_s:44s} {ours * 1e3:10.1f} {1.0:12.1f}x"]
    for name, value in ((f"authors' code, batch 1", one), (f"authors' code, batch {AUTHORS_BATCH}", batched)):
        lines.append(f"{name:44s} {value * 1e3:10.1f} {value / ours:12.1f}x")
    return lines


def peak_memory_child(which: str, steps: int, preset: str, sets: list[str], cache: Path) -> None:
    """In a fresh process: one training run at `steps` per sample (neurosims: one compiled run
    of 20 samples, built beforehand into `cache`; the authors' code: 2 samples at batch 1).
    Prints the peak resident memory in MiB of the process and of its children (the compiled
    run)."""
    dt_ms = 300.0 / steps
    sets = [*sets, f"dt={dt_ms}*ms", "sample_duration=300*ms", "first_saccade=false", f"burnin={steps // 5}",
            "n_train=20", "samples_per_run=20", "entries_per_sample=8000", "init_samples=1"]
    prep, net, state, _ = neurosims_network(preset, sets, cache)
    if which == "build":
        return
    if which == "neurosims":
        neurosims_training(prep, net, state, 1)
    else:
        frames, target = authors_inputs(net, list(net.training_samples(1))[:2])
        authors_training(net, state, frames, target, batch=1)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"process_mib": own, "children_mib": children}))


def memory(preset: str, sets: list[str]) -> list[str]:
    lines = [f"{'steps per sample':>16s} {'neurosims run MiB':>18s} {'its Python MiB':>15s} {'authors batch 1 MiB':>20s}"]
    with tempfile.TemporaryDirectory() as cache:
        for steps in (300, 1200, 4800):
            peaks = {}
            for which in ("build", "neurosims", "authors"):  # the build first: g++ is not the run
                args = [sys.executable, __file__, "--child", which, str(steps), cache, "--preset", preset]
                args += [a for s in sets for a in ("--set", s)]
                out = subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip().splitlines()
                if which != "build":
                    peaks[which] = json.loads(out[-1])
            lines.append(f"{steps:16d} {peaks['neurosims']['children_mib']:18.0f} "
                         f"{peaks['neurosims']['process_mib']:15.0f} {peaks['authors']['process_mib']:20.0f}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--set", action="append", default=[], dest="sets")
    parser.add_argument("--runs", type=int, default=3, help="compiled runs neurosims trains")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("WHICH", "STEPS", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        peak_memory_child(args.child[0], int(args.child[1]), args.preset, args.sets, Path(args.child[2]))
        return
    for line in speed(args.preset, args.sets, args.runs):
        print(line, flush=True)
    if not args.skip_memory:
        for line in memory(args.preset, args.sets):
            print(line, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
