"""Evidence accumulation with e-prop: a network of LIF and adaptive (ALIF) neurons counts cues
shown on the left and right, holds the count over a delay of a second, and reports the side
with more cues when a recall signal comes.

Bellec G et al. (2020). A solution to the learning dilemma for recurrent networks of spiking
neurons. Nat Commun 11:3625 (Fig. 3). Configuration of NEST 3.10's example
eprop_supervised_classification_evidence-accumulation_bsshslm_2020.py (after the TF original):
40 inputs in four groups of 10 (left cues, right cues, recall, noise), 50 LIF + 50 ALIF neurons
(adaptation time constant 2 s), 2 softmax readouts, 7 cues of 100 ms every 150 ms from the
favoured side with probability 0.7, recall in the last 150 ms of a 2250 ms trial, cross-entropy
in the recall window, Adam (5e-3) on the gradient averaged over the window and a batch of 32
trials, firing-rate regularisation. The test error is 1 - accuracy of the argmax of the mean
readout probabilities in the recall window; the original's stopping criterion is < 7%.

Symmetric e-prop (B = W_out^T) instead of random feedback: `--model feedback=symmetric`.

Training stops as in NEST's example (after the original): every `validate_every` iterations
the network is validated on a fresh batch (learning off); when the error is below 7%, it is
validated on `stopping_batches` more, and if their mean error is below 7% the weights are
frozen (the remaining iterations do nothing). The test error is measured at the end on
`test_batches` fresh batches. Without stopping, learning at this rate does not settle: one run
reached 3% validation error after 100 updates and was back at 47% after 130.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms

from neurosims.config import Preset, quantity
from neurosims.methods.eprop.classification import EpropClassification



@dataclass(frozen=True)
class Config:
    """Protocol of NEST's evidence-accumulation example; model parameters live in the model files."""

    n_per_group: int = 10  # inputs per group (left, right, recall, noise)
    n_lif: int = 50
    n_adaptive: int = 50  # ALIF neurons; 0 gives the LIF-only control
    dt: Quantity = quantity(1 * ms)
    n_cues: int = 7
    cue_duration: Quantity = quantity(100 * ms)
    cue_interval: Quantity = quantity(150 * ms)  # cue onset to onset; the first cue starts 50 ms in
    delay: Quantity = quantity(1050 * ms)  # after the last cue period, before the recall
    recall: Quantity = quantity(150 * ms)
    cue_rate: Quantity = quantity(40 * Hz)
    recall_rate: Quantity = quantity(40 * Hz)
    noise_rate: Quantity = quantity(10 * Hz)
    favoured_probability: float = 0.7  # probability that a cue comes from the favoured side
    batch: int = 32  # trials per weight update (TF original: 64)
    iterations: int = 1000  # weight updates at most (training stops at the criterion)
    validate_every: int = 10
    stopping_batches: int = 8
    test_batches: int = 4
    alignment_trials: int = 4  # trials on which e-prop's gradient is compared with BPTT's (0: off)

    def __post_init__(self):
        for name in ("n_per_group", "n_lif", "n_cues", "batch", "iterations", "validate_every", "stopping_batches",
                     "test_batches"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.n_adaptive < 0 or self.alignment_trials < 0:
            raise ValueError("n_adaptive and alignment_trials must be at least 0")
        if self.cue_duration > self.cue_interval:
            raise ValueError("cue_duration must not exceed cue_interval")

    @property
    def n_inputs(self) -> int:
        return 4 * self.n_per_group

    @property
    def steps(self) -> int:
        total = self.n_cues * self.cue_interval + self.delay + self.recall
        return int(round(float(total / self.dt)))

    @property
    def window_steps(self) -> int:
        return int(round(float(self.recall / self.dt)))


# The model files hold NEST's evidence-accumulation example's neurons, readout and learning.
PRESETS = {
    "tiny": Preset("every stage in seconds (20 neurons, 12 updates of 4 trials): a check of the set-up",
                   dict(n_lif=10, n_adaptive=10, batch=4, iterations=12, validate_every=4, stopping_batches=1,
                        test_batches=1, alignment_trials=2)),
    "quick": Preset("40 updates of 16 trials: learning above chance in about a minute",
                    dict(batch=16, iterations=40, validate_every=10, test_batches=2)),
    "default": Preset("NEST's evidence-accumulation example (batches of 32, stopped at 7% error)", {}),
    "paper": Preset("batches of 64, as the TensorFlow original, up to 2000 updates",
                    dict(batch=64, iterations=2000, validate_every=10, test_batches=4)),
}


# ---------------------------------------------------------------------------------------------
# Task


def trials(rng: np.random.Generator, config: Config, count: int):
    """Input spikes x[trial, q, input], one-hot targets [trial, q, 2], labels (1 = right) and
    conditions (the same as the labels)."""
    steps, group, dt = config.steps, config.n_per_group, float(config.dt)
    x = np.zeros((count, steps, 4 * group))
    favoured_right = rng.random(count) < 0.5
    p_right = np.where(favoured_right, config.favoured_probability, 1 - config.favoured_probability)
    cue_right = rng.random((count, config.n_cues)) < p_right[:, None]
    interval, duration = (int(round(float(d / config.dt))) for d in (config.cue_interval, config.cue_duration))
    for c in range(config.n_cues):
        start = c * interval + (interval - duration)
        for side in (0, 1):  # 0 left, 1 right
            shown = (cue_right[:, c] == bool(side))[:, None, None]
            fire = rng.random((count, duration, group)) < float(config.cue_rate) * dt
            x[:, start:start + duration, side * group:(side + 1) * group] = fire & shown
    recall = config.window_steps
    x[:, steps - recall:, 2 * group:3 * group] = rng.random((count, recall, group)) < float(config.recall_rate) * dt
    x[:, :, 3 * group:] = rng.random((count, steps, group)) < float(config.noise_rate) * dt
    labels = (cue_right.sum(axis=1) > config.n_cues // 2).astype(int)
    target = np.zeros((count, steps, 2))
    target[np.arange(count), :, labels] = 1.0
    return x, target, labels, labels


class EpropEvidence(EpropClassification):
    name = "eprop-evidence"
    Config = Config
    presets = PRESETS
    conditions = ("left", "right")  # the side with more cues

    def trials(self, rng, config, count, stream=None):  # generated trials: every stream alike
        return trials(rng, config, count)


EXPERIMENT = EpropEvidence()
