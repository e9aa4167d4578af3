"""The two networks of NEST 3.10's e-prop test suite, drawn exactly as its tests draw them, so
that neurosims can be held to the losses those tests hold NEST to: the per-iteration losses of
the original TensorFlow implementation (Bellec et al. 2020, INM-6/eligibility_propagation).

Source: `nest/share/nest/testsuite/pytests/synapses/test_eprop_bsshslm_2020_plasticity.py` in
the nest-simulator 3.10 package, `test_eprop_regression` (NEST's sine-wave example: 100
inputs, 100 LIF neurons, one leaky readout, mean squared error, gradient descent) and
`test_eprop_classification` (NEST's evidence-accumulation example: 40 inputs, 50 LIF + 50
ALIF neurons, two softmax readouts, cross-entropy in the recall window, Adam). Both seed NumPy's
legacy global generator with 1 and draw, in this order, the weights (in, rec, out, feedback)
and then the inputs and targets; a `RandomState(1)` gives the same numbers. The weights are
drawn in float64 and stored as float32, as there.

A case holds weights W[post, pre], feedback B[rec, readout], inputs x[trial, q, input] (the
step in which a spike arrives at the recurrent neurons: NEST's generator spike at
1 + m T + q, through a parrot neuron, arrives in step q of trial m), targets
target[trial, q, readout], the learning window[q], the batch size, the adaptive flags of the
recurrent neurons and the model parameters that differ from the model files' (plain numbers:
seconds, Hz).
"""

from __future__ import annotations

import numpy as np

from neurosims.methods.eprop import network as eprop
from neurosims.methods.eprop.classification import probabilities

ITERATIONS = 5  # both tests run 5 iterations (weight updates)
SEED = 1


def _float32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).astype(float)


def regression() -> dict:
    """test_eprop_regression: one 1 s trial per iteration, the same input and target in all."""
    rs = np.random.RandomState(SEED)
    n_in, n_rec, n_out, steps = 100, 100, 1, 1000
    w_in = _float32(rs.randn(n_in, n_rec).T / np.sqrt(n_in))
    w_rec = _float32(rs.randn(n_rec, n_rec).T / np.sqrt(n_rec))
    np.fill_diagonal(w_rec, 0.0)
    w_out = _float32(rs.randn(n_rec, n_out).T / np.sqrt(n_rec))
    feedback = _float32(rs.randn(n_rec, n_out) / np.sqrt(n_rec))
    spikes = (rs.rand(steps, n_in) < 0.05).astype(float)
    spikes[0] = 0.0  # the test removes input in a trial's first step
    amplitudes = rs.uniform(0.5, 2.0, 4)
    phases = rs.uniform(0.0, 2.0 * np.pi, 4)
    sines = sum(a * np.sin(np.linspace(phi, phi + 2.0 * np.pi * (steps // period), steps))
                for a, phi, period in zip(amplitudes, phases, (1000, 500, 333, 200)))
    sines = (sines - sines[0]) / max(np.abs(sines - sines[0]).max(), 1e-6)
    return {"weights": {"in": w_in, "rec": w_rec, "out": w_out}, "feedback": feedback,
            "x": np.tile(spikes, (ITERATIONS, 1, 1)), "target": np.tile(sines[:, None], (ITERATIONS, 1, 1)),
            "window": np.ones(steps), "batch": 1, "adaptive": np.zeros(n_rec), "classifier": False,
            "params": {"tau_m": 0.030, "tau_out": 0.030, "v_th": 0.03, "t_ref": 0.0, "leaky_input": 1.0,
                       "leaky_readout": 1.0, "eta": 1e-4, "c_reg": 300.0, "f_target": 10.0, "gamma": 0.3}}


def classification(batch: int, iterations: int = ITERATIONS) -> dict:
    """test_eprop_classification with `batch` trials per iteration: seven cues of 100 ms
    (50 ms apart) from the favoured side with probability 0.7, a delay of 1050 ms, recall in
    the last 150 ms; the target is the side that showed more cues. More `iterations` than the
    test's 5 continue its random stream (the benchmark's longer runs)."""
    rs = np.random.RandomState(SEED)
    n_in, n_lif, n_alif, n_out = 40, 50, 50, 2
    n_rec = n_lif + n_alif
    n_cues, cue, spacing, recall, probability = 7, 100, 50, 150, 0.04
    steps = n_cues * (cue + spacing) + 1050 + recall
    w_in = _float32(rs.randn(n_in, n_rec).T / np.sqrt(n_in))
    w_rec = _float32(rs.randn(n_rec, n_rec).T / np.sqrt(n_rec))
    np.fill_diagonal(w_rec, 0.0)
    limit = np.sqrt(3.0 / max(1.0, (n_rec + n_out) / 2.0))  # Glorot uniform
    w_out = _float32(rs.uniform(-limit, limit, (n_rec, n_out)).T)
    feedback = _float32(rs.randn(n_rec, n_out))
    group = n_in // 4
    xs, labels = [], []
    for _ in range(iterations):
        favoured = rs.choice([0, 1], batch)
        p = np.zeros((batch, 2), dtype=np.float32)
        p[:, 0] = np.array([0.3, 0.7], dtype=np.float32)[favoured]
        p[:, 1] = np.array([0.3, 0.7], dtype=np.float32)[1 - favoured]
        cues = np.stack([rs.choice([0, 1], n_cues, p=p[b]) for b in range(batch)])
        rate = np.zeros((batch, steps, n_in))
        for b in range(batch):
            for c in range(n_cues):
                start = c * (cue + spacing) + spacing
                rate[b, start:start + cue, cues[b, c] * group:(cues[b, c] + 1) * group] = probability
        rate[:, -recall:, 2 * group:3 * group] = probability
        rate[:, :, 3 * group:] = probability / 4.0
        spikes = rate > rs.rand(rate.size).reshape(rate.shape)
        spikes[:, 0] = False
        xs.append(spikes.astype(float))
        labels.extend(np.sum(cues, axis=1) > n_cues // 2)
    labels = np.asarray(labels, dtype=int)
    target = np.zeros((iterations * batch, steps, n_out))
    target[np.arange(len(labels)), :, labels] = 1.0
    window = (np.arange(steps) >= steps - recall).astype(float)
    beta = 1.7 * (1.0 - np.exp(-1.0 / 2000.0)) / (1.0 - np.exp(-1.0 / 20.0))
    return {"weights": {"in": w_in, "rec": w_rec, "out": w_out}, "feedback": feedback,
            "x": np.concatenate(xs), "target": target, "window": window, "batch": batch,
            "adaptive": (np.arange(n_rec) >= n_lif).astype(float), "classifier": True,
            "params": {"tau_m": 0.020, "tau_out": 0.020, "v_th": 0.6, "t_ref": 0.005, "leaky_input": 0.0,
                       "leaky_readout": 1.0, "adapt_tau": 2.0, "adapt_beta": beta, "eta": 5e-3,
                       "c_reg": 300.0, "f_target": 10.0, "gamma": 0.3}}


# ---------------------------------------------------------------------------------------------
# The case run by neurosims

EXPERIMENTS = {False: "eprop-pattern", True: "eprop-evidence"}  # whose models and defaults a case uses


def prepared(case: dict, rule: str | None = None):
    """The experiment whose models the case runs (eprop-pattern: regression, eprop-evidence:
    classification; its default rule, or `rule`), its parameters set to the case's."""
    from brian2 import Quantity, get_dimensions

    from neurosims.experiment import prepare

    prep = prepare(EXPERIMENTS[case["classifier"]], "default", [], [f"rule={rule}"] if rule else [])
    for name, value in case["params"].items():
        prep.params[name] = Quantity(value, dim=get_dimensions(prep.params[name]))
    return prep


def shape(case: dict, dt: float = 1e-3) -> eprop.Shape:
    n_rec, n_in = case["weights"]["in"].shape
    trials, steps = case["x"].shape[:2]
    return eprop.Shape(n_in=n_in, n_rec=n_rec, n_out=case["weights"]["out"].shape[0], sequence_steps=steps,
                       sequences=trials, batch=case["batch"], dt=dt, classifier=case["classifier"],
                       window_steps=eprop.event_window(case["params"], dt))


def run(case: dict, prep, sim) -> dict:
    """All iterations of the case in one run of the compiled network on `sim` (a simulator of
    `eprop.blueprint(..., shape(case), prep.models)`): per-trial losses, the readout y (the
    softmax for classification) and the final weights."""
    net = eprop.Network(shape(case), prep.models, sim)
    weights, _, rec = net.run(case["weights"], net.initial_optimizer_state(), case["feedback"], case["adaptive"],
                              prep.params, case["x"], case["target"], case["window"], 0, True,
                              average_over_window=case["classifier"])
    y = probabilities(rec["y"]) if case["classifier"] else rec["y"]
    return {"loss": eprop.losses(rec["y"], case["target"], case["window"], case["classifier"]), "y": y,
            "weights": weights}


def per_iteration(loss: np.ndarray, case: dict) -> np.ndarray:
    """Per-trial losses -> the mean over each iteration's batch (the tests' loss)."""
    return loss.reshape(-1, case["batch"]).mean(axis=1)
