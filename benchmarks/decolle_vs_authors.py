"""DECOLLE in neurosims against the authors' own code (PyPI decolle 0.2, PyTorch), on the same
machine, in one run.

1. Training time per sample: the same network (the preset's layers, dense or convolution, weights, readouts,
   dropout 0.5, Adamax, online updates at every step after the burn-in) on the same
   digits-saccades training samples. neurosims: the compiled network, one run of
   `samples_per_run` samples after another (the build is timed apart). The authors' code:
   `decolle.utils.train` in float32 (their own precision), at batch 1 (the rule as the paper
   writes it) and at its default batch of 72 (params_nmnist.yml). One thread each.
2. Peak memory per sample length: one training run of 300, 1200 and 4800 steps per sample
   (the same 300 ms of events at dt = 1, 0.25 and 0.0625 ms): the compiled run's peak
   resident memory (GNU time's /usr/bin/time), and what the Python process adds during training (neurosims: packing
   the events, reading the outputs; the authors' code: its whole training), each measured in a
   forked process with its peak reset (setup not counted). Linux only.

Usage: .venv/bin/python benchmarks/decolle_vs_authors.py [--preset default] [--set NAME=VALUE ...]
       [--skip-memory]   (needs the decolle extra: see neurosims/methods/decolle/authors.py)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurosims.experiment import prepare  # noqa: E402
from neurosims.methods.decolle import network as decolle  # noqa: E402
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


def authors_input_shape(shape) -> tuple:
    """The input as the authors' LenetDECOLLE takes it: (C, H, W) for convolution layers, else
    (n_in, 1, 1)."""
    return tuple(shape.in_shape) if shape.conv else (shape.n_in, 1, 1)


def authors_inputs(net, samples: list[int]):
    """The samples as the authors' code reads them: float32 frames (samples, T, *input shape)
    and one-hot targets (samples, T, classes)."""
    frames = np.stack([net.sample("train", i)[0].dense() for i in samples]).astype(np.float32)
    frames = frames.reshape(*frames.shape[:2], *authors_input_shape(net.shape))
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
    _, _, _, utils = authors.import_decolle()
    weights, readouts, _, _ = unflatten(state, net.shape.n_layers)
    params = net.params
    model = authors.network(params, [{k: v.astype(np.float32) for k, v in w.items()} for w in weights],
                            [{k: v.astype(np.float32) for k, v in r.items()} for r in readouts],
                            authors_input_shape(net.shape), net.shape.conv, dropout=params["p_drop"], float64=False)
    loss, opt = authors.loss_and_optimizer(params, model)
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
    batched = authors_training(net, state, np.tile(frames, (repeat,) + (1,) * (frames.ndim - 1)),
                               np.tile(target, (repeat, 1, 1)), batch=AUTHORS_BATCH)
    shape = net.shape
    weights = sum(v.size for k, v in state.items() if k[0] in "Wb" and k[1:].isdigit())
    taps = sum(len(decolle.conv_taps(m[0], c)[0]) for m, c in zip(shape.maps(), shape.conv))
    taps += sum(a * b for a, b in zip(shape.sizes[len(shape.conv):-1], shape.sizes[len(shape.conv) + 1:]))
    lines = [f"network {'-'.join(map(str, shape.sizes))} ({weights:,} plastic weights, {taps:,} synapses), "
             f"{shape.sample_steps} steps per sample, preset {preset} {' '.join(sets)}".rstrip(),
             f"{'way':44s} {'ms/sample':>10s} {'vs neurosims':>13s}",
             f"{'neurosims standalone (build %.1f s apart)' % build_s:44s} {ours * 1e3:10.1f} {1.0:12.1f}x"]
    for name, value in (("authors' code, batch 1", one), (f"authors' code, batch {AUTHORS_BATCH}", batched)):
        lines.append(f"{name:44s} {value * 1e3:10.1f} {value / ours:12.1f}x")
    return lines


def _status_mib(field: str) -> float:
    """A line of /proc/self/status (VmRSS, VmHWM) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_of(train) -> dict:
    """Peak memory of `train()` alone: run in a forked process whose peak resident size is
    reset first (Linux clear_refs), so that setup (imports, data, the build) does not count.
    Returns the process's resident size before and its peak during, with what `train()`
    returns (a dict)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        Path("/proc/self/clear_refs").write_text("5")  # the peak resident size starts again from now
        before = _status_mib("VmRSS")
        extra = train()
        result = dict(extra) if isinstance(extra, dict) else {}
        result |= {"before_mib": before, "peak_mib": _status_mib("VmHWM")}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not out:
        raise RuntimeError(f"the measured training failed (status {status})")
    return json.loads(out)


def compiled_run_peak_mib(train) -> float:
    """The peak resident memory of the compiled run that `train()` starts, from GNU time (the
    kernel's own account of a process started by Python also holds Python's memory at the fork)."""
    import neurosims.simulators.standalone as standalone

    peaks, run = [], standalone.subprocess.run

    def timed_run(command, **kwargs):
        proc = run(["/usr/bin/time", "-f", "peak-kib %M", *command], **kwargs)
        *rest, last = proc.stderr.rstrip().splitlines()
        peaks.append(int(last.split()[1]) / 1024)
        proc.stderr = "\n".join(rest)
        return proc

    standalone.subprocess.run = timed_run
    try:
        train()
    finally:
        standalone.subprocess.run = run
    return max(peaks)


def memory(preset: str, sets: list[str]) -> list[str]:
    """One training run (neurosims: 20 samples in one compiled run; the authors' code: 2 samples
    at batch 1) at 300, 1200 and 4800 steps per sample: the same 300 ms of events at dt = 1,
    0.25 and 0.0625 ms."""
    lines = [f"{'steps per sample':>16s} {'neurosims run MiB':>18s} {'+ its Python MiB':>17s} "
             f"{'authors batch 1 +MiB':>21s}"]
    with tempfile.TemporaryDirectory() as cache:
        for steps in (300, 1200, 4800):
            long = [*sets, f"dt={300.0 / steps}*ms", "sample_duration=300*ms", "first_saccade=false",
                    f"burnin={steps // 5}", "n_train=20", "samples_per_run=20", "entries_per_sample=8000",
                    "init_samples=1"]
            prep, net, state, _ = neurosims_network(preset, long, Path(cache))
            ours = memory_of(lambda: {"run_mib": compiled_run_peak_mib(
                lambda: neurosims_training(prep, net, state, 1))})
            frames, target = authors_inputs(net, list(net.training_samples(1))[:2])
            theirs = memory_of(lambda: authors_training(net, state, frames, target, batch=1))
            lines.append(f"{steps:16d} {ours['run_mib']:18.1f} {ours['peak_mib'] - ours['before_mib']:17.0f} "
                         f"{theirs['peak_mib'] - theirs['before_mib']:21.0f}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--set", action="append", default=[], dest="sets")
    parser.add_argument("--runs", type=int, default=3, help="compiled runs neurosims trains")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    for line in speed(args.preset, args.sets, args.runs):
        print(line, flush=True)
    if not args.skip_memory:
        for line in memory(args.preset, args.sets):
            print(line, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
