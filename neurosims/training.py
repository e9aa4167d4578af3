"""Long training as consecutive chunks: measure at chosen chunks, checkpoint after every chunk,
resume from the last checkpoint with the same result as an uninterrupted run.

Experiments supply two functions: `step(state, chunk) -> state` runs one chunk of learning
(its input and seed derived from the chunk's index, so a resumed run repeats exactly what the
interrupted one would have done) and `measure(state, chunk) -> (metrics, arrays)` evaluates
without changing the state. A trainer with a stopping criterion also supplies
`finished(state) -> bool`: training ends after the first chunk that meets it, and that chunk
is measured as the last one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

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


def run_training(name: str, sim, trainer: Trainer, out: Path, seed: int, device: str, resume: bool,
                 progress: bool, description: dict | None, summarise: Callable, plot: Callable,
                 figures: bool = True, chunk_seconds: float | None = None) -> dict:
    """The life of a run: claim the folder (or resume it), train in chunks, summarise, write
    metrics, arrays and (unless `figures` is False) figures. `sim` is the simulator (its
    `compiled` flag is reported); a chunk simulates `chunk_seconds` (default: one run of it)."""
    store = RunStore(out)
    checkpoint = store.start(description or {"experiment": name, "seed": seed, "device": device}, resume)
    chunk_seconds = chunk_seconds or sim.blueprint.duration
    _, history = train_in_chunks(store, checkpoint, trainer.initial, trainer.total, trainer.step,
                                 trainer.measure, trainer.measure_at, chunk_seconds,
                                 f"{name} [{device}]", progress, trainer.finished)
    summary = summarise(history)
    before, after = write_results(store, history, summary)
    if figures:
        plot(history, before, after, store.figures)
    return {"history": history, "summary": summary, "compiled": sim.compiled}


def run_seed(seed: int, *place: int) -> int:
    """The seed of one run of the simulation, derived from the run's seed and the run's place
    (random stream, chunk, ...), so that any chunk can be repeated on its own (resume, export)."""
    return int(np.random.SeedSequence([seed, *place]).generate_state(1)[0])


def log_spaced_chunks(total: int, points: int) -> list[int]:
    """0 and `points` chunk counts log-spaced from 1 to `total` (duplicates removed)."""
    spaced = np.unique(np.round(np.logspace(0, np.log10(total), points)).astype(int))
    return [0] + [int(p) for p in spaced]


def train_in_chunks(store: RunStore, checkpoint: dict | None, initial_state: dict, total: int,
                    step: Callable[[dict, int], dict], measure: Callable[[dict, int], tuple[dict, dict]],
                    measure_at: list[int], chunk_seconds: float, label: str,
                    progress: bool = True, finished: Callable[[dict], bool] | None = None) -> tuple[dict, list[dict]]:
    """Run chunks 1..total after the checkpoint (or from `initial_state`), or until
    `finished(state)`. Returns the final state and the history of measurements (one dict per
    measured chunk, with 'chunk' and 'time'); each measurement's arrays go to
    evaluations/chunk_NNNNNN.npz."""
    if checkpoint is None:
        state, done, history = dict(initial_state), 0, []
    else:
        state = {k: checkpoint[k] for k in initial_state}
        done, history = int(checkpoint["chunk"]), json.loads(str(checkpoint["history"]))
    bar = Progress(label, total, chunk_seconds, enabled=progress)
    bar.update(done)

    def record(chunk):
        result, arrays = measure(state, chunk)
        history.append({"chunk": chunk, "time": chunk * chunk_seconds, **result})
        write_npz(evaluation_path(store, chunk), arrays)
        store.write_metrics({"history": history})
        bar.message(f"  t = {chunk * chunk_seconds:g} s: "
                    + ", ".join(f"{k} {v:.4g}" for k, v in result.items()))

    def save(chunk):
        store.checkpoint({**state, "chunk": np.array(chunk), "history": np.array(json.dumps(history))})

    if checkpoint is None:
        if 0 in measure_at:
            record(0)
        save(0)
    for chunk in range(done + 1, total + 1):
        if finished is not None and finished(state):
            break  # a resumed run that had already stopped
        state = step(state, chunk)
        stop = finished is not None and finished(state)
        if chunk in measure_at or stop:
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
