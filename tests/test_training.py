"""Training in chunks: measured chunks, checkpoints, a stopping criterion, resume."""

import numpy as np

from neurosims.store import RunStore
from neurosims.training import Trainer, train_in_chunks


def test_training_ends_at_its_stopping_criterion_and_a_resumed_run_stays_stopped(tmp_path):
    """A trainer whose `finished` is met after chunk 4 of 10 runs no further chunk, measures
    chunk 4 as its last, and a resume of that run runs nothing more."""
    steps = []

    def step(state, chunk):
        steps.append(chunk)
        return {"x": state["x"] + 1}

    def measure(state, chunk):
        return {"x": float(state["x"])}, {}

    finished = lambda state: state["x"] >= 4  # noqa: E731
    description = {"experiment": "x", "seed": 0, "device": "runtime"}
    store = RunStore(tmp_path / "run")
    trainer = Trainer({"x": np.array(0)}, step, measure, total=10, measure_at=[0, 2, 10], finished=finished)
    state, history = train_in_chunks(store, store.start(description, resume=False), trainer, 1.0, "test",
                                     progress=False)
    assert steps == [1, 2, 3, 4] and int(state["x"]) == 4
    assert [h["chunk"] for h in history] == [0, 2, 4]
    _, again = train_in_chunks(store, store.start(description, resume=True), trainer, 1.0, "test", progress=False)
    assert steps == [1, 2, 3, 4] and [h["chunk"] for h in again] == [0, 2, 4]
