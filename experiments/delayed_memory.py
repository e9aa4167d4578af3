"""Delayed-memory XOR (Huh & Sejnowski 2018, task 2), learned online with e-prop: two signed
pulses separated by a delay, then a go cue; the network must report whether the signs differ.

Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. NeurIPS 31
(arXiv:1706.04698). The memory across the delay is carried by adaptive (ALIF) neurons, as in
e-prop's working-memory tasks (Bellec et al. 2020, Nat Commun 11:3625).

The input channel is encoded in spikes: a pulse of sign + makes the "positive" group of 10
input neurons fire for its 50 ms, a pulse of sign - the "negative" group; the go group fires
during the response window at the end of the trial, and a noise group fires throughout.
Default timing: pulses at 200 ms and 750 ms (a delay of 500 ms between them), each up to
20 ms late, go cue and response window [850, 1050) ms. Labels: 1 when the signs differ, 0
when they are equal; all four sign pairs equally likely. Two softmax readouts, cross-entropy in the response window,
Adam, batches of 32, training stopped by the criterion of the e-prop experiments (validation
error < 7%, confirmed on 8 batches); the test error is measured on `test_batches` x `batch`
held-out trials (224 by default). "Correct output sign" is the readout with the larger mean
probability in the response window. At every validation, e-prop's gradient is compared with
the exact gradient of the same network (BPTT, neurosims/methods/eprop/bptt.py) on `alignment_trials` trials.

`--set n_adaptive=0 --set n_lif=100` is the network without memory. `--learner exact` trains
the paper's differentiable theta-neuron network with the exact gradient instead
(experiments/delayed_memory_exact.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms

from neurosims.config import Preset, Setting, quantity
from neurosims.methods.eprop.classification import EpropClassification



@dataclass(frozen=True)
class Timing:
    """The card's protocol, shared by both learners: pulses of 50 ms, a delay of 500 ms
    between them (300-600 ms on the card), go cue and a response window of 200 ms. Each
    pulse starts up to `jitter` late (independently, uniform over the steps), so the delay
    and the time from the second pulse to the go cue vary from trial to trial (issue 20)."""

    dt: Quantity = quantity(1 * ms)
    first_pulse: Quantity = quantity(200 * ms)  # onset of the first pulse
    pulse: Quantity = quantity(50 * ms)
    delay: Quantity = quantity(500 * ms)  # from the end of the first pulse to the second
    go_after: Quantity = quantity(50 * ms)  # from the end of the second pulse to the go cue
    response: Quantity = quantity(200 * ms)  # the response window starts with the go cue
    jitter: Quantity = quantity(20 * ms)  # each pulse starts up to this late

    def __post_init__(self):
        for name in ("dt", "pulse", "delay", "response", "first_pulse"):
            if not float(getattr(self, name)) > 0:
                raise ValueError(f"{name} must be positive")
        if float(self.go_after) < 0 or float(self.jitter) < 0:
            raise ValueError("go_after and jitter must be at least 0")
        if float(self.jitter) > float(self.go_after) or float(self.jitter) > float(self.delay):
            raise ValueError("jitter must be at most go_after and delay (a late pulse must end before the next "
                             "pulse and the go cue)")

    def _steps(self, duration) -> int:
        return int(round(float(duration / self.dt)))

    @property
    def steps(self) -> int:
        return self._steps(self.first_pulse + 2 * self.pulse + self.delay + self.go_after + self.response)

    @property
    def window_steps(self) -> int:
        return self._steps(self.response)

    @property
    def pulse_steps(self) -> list[slice]:
        """The steps of the first and the second pulse, without jitter."""
        first = self._steps(self.first_pulse)
        second = self._steps(self.first_pulse + self.pulse + self.delay)
        width = self._steps(self.pulse)
        return [slice(first, first + width), slice(second, second + width)]

    def jittered_pulses(self, rng: np.random.Generator, count: int) -> list[list[slice]]:
        """The steps of each trial's two pulses, each started 0 to `jitter` late."""
        late = rng.integers(0, self._steps(self.jitter) + 1, (count, 2))
        return [[slice(w.start + d, w.stop + d) for w, d in zip(self.pulse_steps, delays)] for delays in late]


def signs(rng: np.random.Generator, count: int) -> np.ndarray:
    """Signs of the two pulses per trial (0: +, 1: -), all four pairs equally likely."""
    return rng.integers(0, 2, (count, 2))


def condition(pulse_signs: np.ndarray) -> np.ndarray:
    """The sign pair as a number: 0 (+,+), 1 (+,-), 2 (-,+), 3 (-,-)."""
    return 2 * pulse_signs[:, 0] + pulse_signs[:, 1]


CONDITIONS = ("+ +", "+ -", "- +", "- -")


@dataclass(frozen=True)
class Config(Timing):
    """The protocol with NEST's e-prop network; model parameters live in the model files."""

    n_per_group: int = 10  # input neurons per group (positive, negative, go, noise)
    n_lif: int = 50
    n_adaptive: int = 50  # 0: the network without memory
    pulse_rate: Quantity = quantity(80 * Hz)
    go_rate: Quantity = quantity(40 * Hz)
    noise_rate: Quantity = quantity(10 * Hz)
    batch: int = 32
    iterations: int = 400
    validate_every: int = 10
    stopping_batches: int = 8
    test_batches: int = 7  # 224 held-out trials
    alignment_trials: int = 16  # trials on which e-prop's gradient is compared with BPTT's (0: off)

    def __post_init__(self):
        super().__post_init__()
        for name in ("n_per_group", "n_lif", "batch", "iterations", "validate_every", "stopping_batches",
                     "test_batches"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.n_adaptive < 0 or self.alignment_trials < 0:
            raise ValueError("n_adaptive and alignment_trials must be at least 0")

    @property
    def n_inputs(self) -> int:
        return 4 * self.n_per_group


# NEST's e-prop network for working-memory tasks (its evidence-accumulation example, the model
# files' values), with a stronger adaptation. A 50 ms pulse evokes only a few spikes per neuron; with NEST's
# adapt_beta (0.0174 mV per unit of a, made for 7 cues over 2 s) they raise the threshold by a
# few percent, and the XOR was not learned: test error 51% after 400 updates with the go cue
# 350 ms after the second pulse, validation at chance for 200 updates with it 50 ms after.
# With 0.3 mV per spike (half the threshold) the first pulse leaves a lasting trace in the
# thresholds that the response to the second pulse reads.
ADAPT_BETA = Setting(0.3, "0.3 mV per unit of a (half the threshold): the first pulse must leave a trace in the "
                         "thresholds (see above); NEST's evidence example: 0.0174")
PRESETS = {
    "tiny": Preset("every stage in seconds (20 neurons, 12 updates of 4 trials): a check of the set-up",
                   dict(adapt_beta=ADAPT_BETA, n_lif=10, n_adaptive=10, batch=4, iterations=12, validate_every=4,
                        stopping_batches=1, test_batches=1, alignment_trials=2)),
    "quick": Preset("60 updates of 16 trials, gradients compared on 4 trials: the XOR well below chance in "
                    "about a minute", dict(adapt_beta=ADAPT_BETA, batch=16, iterations=60, test_batches=2,
                                           alignment_trials=4)),
    "default": Preset("batches of 32, stopped at 7% validation error, at most 400 updates",
                      dict(adapt_beta=ADAPT_BETA)),
    "paper": Preset("up to 2000 updates", dict(adapt_beta=ADAPT_BETA, iterations=2000)),
}


def trials(rng: np.random.Generator, config: Config, count: int):
    """Input spikes x[trial, q, input], one-hot targets [trial, q, 2], labels (1: signs
    differ) and conditions (the sign pair, see `condition`)."""
    group, dt, steps = config.n_per_group, float(config.dt), config.steps
    x = np.zeros((count, steps, 4 * group))
    pair = signs(rng, count)
    width = config.pulse_steps[0].stop - config.pulse_steps[0].start
    for b, windows in enumerate(config.jittered_pulses(rng, count)):
        for k, window in enumerate(windows):
            fire = rng.random((width, group)) < float(config.pulse_rate) * dt
            sign = pair[b, k]
            x[b, window, sign * group:(sign + 1) * group] = fire
    window = config.window_steps
    x[:, steps - window:, 2 * group:3 * group] = rng.random((count, window, group)) < float(config.go_rate) * dt
    x[:, :, 3 * group:] = rng.random((count, steps, group)) < float(config.noise_rate) * dt
    labels = (pair[:, 0] != pair[:, 1]).astype(int)
    target = np.zeros((count, steps, 2))
    target[np.arange(count), :, labels] = 1.0
    return x, target, labels, condition(pair)


class DelayedMemory(EpropClassification):
    name = "delayed-memory"
    learner = "eprop"
    Config = Config
    presets = PRESETS
    conditions = CONDITIONS

    def trials(self, rng, config, count, stream=None):  # generated trials: every stream alike
        return trials(rng, config, count)


EXPERIMENT = DelayedMemory()
