"""What the spike-coding experiments build alike."""

from __future__ import annotations

import numpy as np

from neurosims.models.schedule import schedule_summed


def authors_initial_weights(rng: np.random.Generator, n: int, j: int) -> dict[str, np.ndarray]:
    """F: N(0,1), columns of unit length; Omega: -0.2 U(0,1) - 0.5 I (Brendel et al. 2020,
    Learning.m's callers). F[j, n] is neuron n's feedforward weight from input j."""
    f = rng.standard_normal((j, n))
    f /= np.linalg.norm(f, axis=0, keepdims=True)
    return {"F": f, "Omega": -0.2 * rng.random((n, n)) - 0.5 * np.eye(n)}


def schedule_arbiter(arbiter) -> None:
    """The winner_take_all synapses count the neurons further above threshold after u is drawn
    (the neurons' PER_STEP, after_groups) and before the threshold test."""
    schedule_summed(arbiter, "before_thresholds")
