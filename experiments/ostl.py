"""OSTL, online spatio-temporal learning, on handwritten digits: a layer of LIF neurons reads
digits as Poisson spike trains and learns, online in generated code, with OSTL's eligibility
traces (plasticity/ostl) and the spatial learning signal of each step.

Bohnstingl T, Wozniak S, Maass W, Pantazi A, Eleftheriou E (2022). Online spatio-temporal
learning in deep neural networks. IEEE TNNLS; arXiv:2007.12723. The paper trains spiking
networks online on handwritten digits (its MNIST tasks); here the digits are scikit-learn's
(the UCI 8x8 handwritten digits, 1,797 images, shipped with the package: MNIST cannot be
downloaded here), each pixel a Poisson input whose rate is proportional to its intensity.

Network (choices, each with its reason): 64 inputs -> 100 LIF neurons (e-prop's neuron,
eprop_iaf, NEST's parameters; no recurrence) -> 10 softmax readouts without leak (tau_out ->
0), so that the loss of a step depends on that step's spikes only: the case in which OSTL's
gradient is exact, BPTT's with the reset's derivative (the paper's claim for one layer). The
loss is the cross-entropy in every step of the response window (the trial's last 30 of 50
steps), the prediction the argmax of the readouts' mean probability there. Adam (5e-3, the
e-prop examples'), batches of 32 digits. Every `validate_every` updates, the compiled
network's accumulated gradient on fresh trials is set against BPTT's in NumPy
(`alignment_trials`): the largest difference relative to the largest entry, and the cosine.

Splits: the last 360 digits are the test set, the 180 before them the validation set (the
stopping criterion and the learning curves), the rest are drawn for training.

Models (equations/): spike_pattern (inputs), eprop_iaf (neurons), eprop_readout_softmax,
weighted_spike, ostl (rule), eprop_readout_weights, adam, weighted_spike_symmetric_feedback,
softmax_normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms

from neurosims.config import Preset, Setting, quantity
from neurosims.methods.eprop import bptt
from neurosims.methods.eprop.classification import TEST, VALIDATE, EpropClassification
from neurosims.methods.rtrl import exact

TEST_DIGITS, VALIDATION_DIGITS = 360, 180


@dataclass(frozen=True)
class Config:
    n_lif: int = 100
    n_adaptive: int = 0  # ALIF neurons (OSTL's trace covers them: eps_a)
    dt: Quantity = quantity(1 * ms)
    trial_steps: int = 50
    window: int = 30  # response window: the trial's last steps
    max_rate: Quantity = quantity(200 * Hz)  # input rate of a pixel at full intensity (16)
    batch: int = 32
    iterations: int = 300
    validate_every: int = 25
    stopping_batches: int = 4
    test_batches: int = 11  # 352 of the 360 test digits
    alignment_trials: int = 4
    n_inputs: int = 64  # 8 x 8 pixels
    n_classes: int = 10
    recurrent: bool = False  # OSTL's exactness holds for a feedforward layer

    def __post_init__(self):
        for name in ("n_lif", "trial_steps", "window", "batch", "iterations", "validate_every", "stopping_batches",
                     "test_batches"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.window > self.trial_steps:
            raise ValueError(f"window ({self.window}) must not exceed trial_steps ({self.trial_steps})")
        if self.n_adaptive < 0 or self.alignment_trials < 0:
            raise ValueError("n_adaptive and alignment_trials must be at least 0")
        if self.n_inputs != 64 or self.n_classes != 10 or self.recurrent:
            raise ValueError("n_inputs (64), n_classes (10) and recurrent (False) are the task's, not settings")

    @property
    def steps(self) -> int:
        return self.trial_steps

    @property
    def window_steps(self) -> int:
        return self.window


INSTANTANEOUS = Setting(1e-6 * ms, "a readout without leak (kappa = exp(-dt/tau_out) = 0): the loss of a step "
                                   "depends on that step's spikes only, where OSTL is exact")
ETA = Setting(5e-3, "NEST's e-prop classification examples (Adam 5e-3)")
PRESETS = {
    "tiny": Preset("every stage in seconds: 20 neurons, 12 updates of 4 digits",
                   dict(n_lif=20, batch=4, iterations=12, validate_every=4, stopping_batches=1, test_batches=1,
                        alignment_trials=2, tau_out=INSTANTANEOUS, eta=ETA)),
    "quick": Preset("100 updates of 32 digits: well above chance, the gradient checked against BPTT",
                    dict(iterations=100, validate_every=50, test_batches=4, tau_out=INSTANTANEOUS, eta=ETA)),
    "default": Preset("300 updates of 32 digits", dict(tau_out=INSTANTANEOUS, eta=ETA)),
    "paper": Preset("1,000 updates of 32 digits (about 20 passes through the training digits)",
                    dict(iterations=1000, tau_out=INSTANTANEOUS, eta=ETA)),
}


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: images [digit, 64] in [0, 1] and labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data / 16.0, data.target.astype(int)


def split(stream: int | None, n: int) -> np.ndarray:
    """The indices a stream draws from: test, validation, or training digits."""
    if stream == TEST:
        return np.arange(n - TEST_DIGITS, n)
    if stream == VALIDATE:
        return np.arange(n - TEST_DIGITS - VALIDATION_DIGITS, n - TEST_DIGITS)
    return np.arange(n - TEST_DIGITS - VALIDATION_DIGITS)


class Ostl(EpropClassification):
    name = "ostl"
    Config = Config
    presets = PRESETS
    conditions = tuple(str(d) for d in range(10))
    rule = "ostl"

    def __init__(self):
        self._digits = None

    def load_roles(self, overrides=None):
        return super().load_roles({"feedback": "symmetric", **(overrides or {})})  # OSTL's signal: W_out^T err

    def trials(self, rng, config, count, stream=None):
        """Poisson spike trains of `count` digits of the stream's split, one-hot targets, labels
        and conditions (the digit)."""
        if self._digits is None:
            self._digits = digits()
        images, labels = self._digits
        chosen = rng.choice(split(stream, len(labels)), count, replace=False)
        p = images[chosen][:, None, :] * float(config.max_rate * config.dt)
        x = (rng.random((count, config.steps, 64)) < p).astype(float)
        target = np.zeros((count, config.steps, 10))
        target[np.arange(count), :, labels[chosen]] = 1.0
        return x, target, labels[chosen], labels[chosen]

    def rule_gradient(self, W, feedback, adaptive, p, x, target, window, trajectory):
        return exact.gradient(W, adaptive, p, x, target, window, classifier=True, through_reset=True,
                              spatial_signal=True, trajectory=trajectory)[1]

    def exact_gradient(self, W, adaptive, p, x, target, window, trajectory):
        return bptt.gradient(W, adaptive, p, x, target, window, classifier=True, trajectory=trajectory,
                             through_reset=True)[1]


EXPERIMENT = Ostl()
