"""Long training as consecutive chunks: measure at chosen chunks, checkpoint after every chunk,
resume from the last checkpoint with the same result as an uninterrupted run.

A Trainer holds an experiment's training (experiment.py builds it from the experiment's
stages): `step(state, chunk) -> state` runs one chunk of learning (its input and seed derived
from the chunk's index, so a resumed run repeats exactly what the interrupted one would have
done) and `measure(state, chunk) -> (metrics, arrays)` evaluates without changing the state.
A trainer with a stopping criterion also supplies `finished(state) -> bool`: training ends
after the first chunk that meets it, and that chunk is measured as the last one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from neurosims.errors import NeurosimsError
from neurosims.progress import Progress
from neurosims.store import RunStore, read_npz, write_npz


@dataclass
class Trainer:
    """An experiment's training: the state it starts from, one chunk of learning, one
    measurement, how many chunks and at which chunks to measure."""

    initial: dict
    step: Callable[[dict, int], dict]
    measure: Callable[[dict, int], tuple[dict, dict]]
    total: int
    measure_at: list[int]
    finished: Callable[[dict], bool] | None = None  # a stopping criterion met: no more chunks


def run_seed(seed: int, *place: int) -> int:
    """The seed of one run of the simulation, derived from the run's seed and the run's place
    (random stream, chunk, ...), so that any chunk can be repeated on its own (resume, export)."""
    return int(np.random.SeedSequence([seed, *place]).generate_state(1)[0])


def log_spaced_chunks(total: int, points: int) -> list[int]:
    """0 and `points` chunk counts log-spaced from 1 to `total` (duplicates removed)."""
    spaced = np.unique(np.round(np.logspace(0, np.log10(total), points)).astype(int))
    return [0] + [int(p) for p in spaced]


def samples_of_chunk(train_index: np.ndarray, per_run: int, seed: int, chunk: int) -> np.ndarray:
    """The training samples of chunk `chunk` (1, 2, ...) when every epoch runs through
    `train_index` in runs of `per_run` samples: a new order every epoch (drawn from `seed`),
    the epoch's last run filled from the epoch's start."""
    per_epoch = int(np.ceil(len(train_index) / per_run))
    epoch, k = divmod(chunk - 1, per_epoch)
    order = np.random.default_rng([seed, 1, epoch]).permutation(train_index)
    return np.resize(order[k * per_run:(k + 1) * per_run], per_run)


PROGRESS_METRICS = 16  # metrics a progress line shows; metrics.json holds them all


def train_in_chunks(store: RunStore, checkpoint: dict | None, trainer: Trainer, chunk_seconds: float,
                    label: str, progress: bool = True) -> tuple[dict, list[dict]]:
    """Run chunks 1..total after the checkpoint (or from the trainer's initial state), or until
    the trainer is finished. Returns the final state and the history of measurements (one dict
    per measured chunk, with 'chunk' and 'time'); each measurement's arrays go to
    evaluations/chunk_NNNNNN.npz. `chunk_seconds`: simulated time per chunk (for the record
    and the progress line)."""
    total, step, measure, finished = trainer.total, trainer.step, trainer.measure, trainer.finished
    if checkpoint is None:
        state, done, history = dict(trainer.initial), 0, []
    else:
        missing = sorted(set(trainer.initial) - set(checkpoint))
        if missing:
            raise NeurosimsError(f"{store.directory / 'checkpoint.npz'}: this experiment's checkpoint holds "
                                 f"{', '.join(missing)}, which this one lacks")
        state = {k: checkpoint[k] for k in trainer.initial}
        done, history = int(checkpoint["chunk"]), json.loads(str(checkpoint["history"]))
        if done > total:
            raise NeurosimsError(f"{store.directory / 'checkpoint.npz'}: chunk {done} of a training of {total}")
    bar = Progress(label, total, chunk_seconds, enabled=progress)
    bar.update(done)

    def record(chunk):
        result, arrays = measure(state, chunk)
        history.append({"chunk": chunk, "time": chunk * chunk_seconds, **result})
        write_npz(evaluation_path(store, chunk), arrays)
        store.write_metrics({"history": history})
        shown = list(result.items())[:PROGRESS_METRICS]
        more = len(result) - len(shown)
        bar.message(f"  t = {chunk * chunk_seconds:g} s: " + ", ".join(f"{k} {v:.4g}" for k, v in shown)
                    + (f" (and {more} more in metrics.json)" if more > 0 else ""))

    def save(chunk):
        store.checkpoint({**state, "chunk": np.array(chunk), "history": np.array(json.dumps(history))})

    if checkpoint is None:
        if 0 in trainer.measure_at:
            record(0)
        save(0)
    for chunk in range(done + 1, total + 1):
        if finished is not None and finished(state):
            break  # a resumed run that had already stopped
        state = step(state, chunk)
        stop = finished is not None and finished(state)
        if chunk in trainer.measure_at or stop:
            record(chunk)
        save(chunk)
        bar.update(total if stop else chunk)
        if stop:
            break
    return state, history


def evaluation_path(store: RunStore, chunk: int):
    return store.directory / "evaluations" / f"chunk_{chunk:06d}.npz"


def write_results(store: RunStore, history: list[dict], summary: dict) -> tuple[dict, dict]:
    """metrics.json with the summary, and arrays.npz with the first and last evaluations'
    arrays (prefixed before_/after_) and the history as arrays. Returns (before, after)."""
    store.write_metrics({"history": history, "summary": summary})
    before = read_npz(evaluation_path(store, history[0]["chunk"]))
    after = read_npz(evaluation_path(store, history[-1]["chunk"]))
    store.write_arrays({f"before_{k}": v for k, v in before.items()}
                       | {f"after_{k}": v for k, v in after.items()}
                       | {f"history_{k}": np.array([h[k] for h in history]) for k in history[0]})
    return before, after
