"""neurosims' DECOLLE held to the authors' own code (PyPI decolle 0.2, PyTorch): the same 2-layer
dense network, weights, readouts, time constants, surrogate (the fast sigmoid of their
LIFLayer), input events and learning rate, two samples of 120 steps with a burn-in of 10 (220
steps of online learning), without and with the regularisers of Eq. 9 (the second case's first
layer starts with low biases and large weights: its minimum-activity term acts). Per step,
every layer's membrane potential, spikes, readout and local loss agree, and so do the weights
after, with the authors' code in float64 (their decay factors are float32 tensors: the same
rounded values are given to neurosims). Needs torch and decolle, which the test extra installs
(decolle with --no-deps, README): the test is skipped only where the decolle package is not
installed; one that is installed but does not import fails it."""

import numpy as np
import pytest

from neurosims.data.events import BinnedEvents, event_run_values, pack
from neurosims.methods.decolle import network as decolle
from neurosims.methods.decolle import reference
from neurosims.models import find_model
from neurosims.simulators import open_simulator

from helpers import peer_or_skip

N_IN, HIDDEN, CLASSES, SAMPLE_STEPS, BATCH, BURNIN = 40, (16, 10), 5, 120, 2, 10


def import_authors_or_skip():
    def load():
        from neurosims.methods.decolle import authors

        authors.import_decolle()  # raises where the installed package cannot be imported
        return authors

    return peer_or_skip("decolle", "the README's test command installs it", load)


@pytest.mark.parametrize("reg_l, bias, scale", [(0.0, 0.0, 2.5), (0.5, -3.0, 8.0)], ids=["plain", "regularised"])
def test_neurosims_follows_the_authors_code_step_by_step(reg_l, bias, scale, build_cache):
    authors = import_authors_or_skip()
    rng = np.random.default_rng(11)
    params = {"reg_l": reg_l, "reg_rate": 3e-3, "min_activity": 0.1, "alpha": float(np.float32(0.9)),
              "beta": float(np.float32(0.85)), "alpha_rp": 0.65, "w_rp": 1.0,
              "boxcar": 0, "p_drop": 0.0, "training": 1, "burnin": BURNIN, "sample_steps": SAMPLE_STEPS,
              "eta": 5e-3, "beta_1": 0.0, "beta_2": 0.95, "epsilon": 1e-8}
    sizes = (N_IN, *HIDDEN)
    weights = [{"W": rng.uniform(-1, 1, (n, m)) * (scale if l == 0 else 2.5) / np.sqrt(m),
                "b": (bias if l == 0 else 0.0) + rng.uniform(-0.05, 0.05, n)}
               for l, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]
    readouts = [{"G": rng.uniform(-1, 1, (CLASSES, n)) * 0.5 / np.sqrt(n),
                 "b": rng.uniform(-1, 1, CLASSES) * 0.5 / np.sqrt(n)} for n in HIDDEN]
    samples = [BinnedEvents.from_dense(rng.poisson(0.1, (SAMPLE_STEPS, N_IN)).astype(float)) for _ in range(BATCH)]
    labels = np.array([1, 3])
    frames = np.concatenate([s.dense() for s in samples])

    theirs = authors.train(params, weights, readouts, frames, labels, SAMPLE_STEPS)

    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    shape = decolle.Shape(N_IN, HIDDEN, CLASSES, SAMPLE_STEPS, BATCH, capacity=4000, dt=1e-3, record_state=True)
    sim = open_simulator(decolle.blueprint("decolle-authors-test", shape, models), "standalone", build_cache)
    values, timed = event_run_values(pack(samples, shape.capacity), "inputs")
    values |= decolle.run_values(shape, models, params | {"run_steps": shape.steps}, weights, readouts,
                                 decolle.fresh_optimizer(weights), [0.0, 0.0])
    out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
    learning = (np.arange(shape.steps) % SAMPLE_STEPS) >= BURNIN  # the steps the authors' loop records
    assert learning.sum() == 220
    for l in range(len(HIDDEN)):
        np.testing.assert_allclose(out[f"layer{l}_record.U"][learning], theirs["U"][l], rtol=1e-9, atol=1e-10)
        np.testing.assert_array_equal(out[f"layer{l}_record.S"][learning], theirs["S"][l])
        np.testing.assert_allclose(out[f"readout{l}_record.r"][learning], theirs["r"][l], rtol=1e-9, atol=1e-10)
        u = theirs["U"][l]  # their loss includes the regularisers' (Eq. 9); neurosims records the readout's
        regularisers = reg_l * (np.maximum(u + 0.01, 0).mean(axis=1)
                                + 3e-3 * np.maximum(0.1 - (1 / (1 + np.exp(-u))).mean(axis=1), 0))
        np.testing.assert_allclose(out[f"readout{l}_record.loss"][learning].sum(axis=1),
                                   theirs["loss"][l] - regularisers, rtol=1e-9, atol=1e-12)
        assert 0.005 < theirs["S"][l].mean() < 0.95  # the layers spike, and not always
        if reg_l and l == 0:  # the minimum-activity term acted in some steps and not in others
            low = (1 / (1 + np.exp(-theirs["U"][l]))).mean(axis=1) < params["min_activity"]
            assert 0 < low.sum() < len(low)
    after, _, _ = decolle.state_after(shape, out)
    for l in range(len(HIDDEN)):
        for name in ("W", "b"):
            np.testing.assert_allclose(theirs["weights_by_utils_train"][l][name], theirs["weights"][l][name],
                                       rtol=1e-12, atol=1e-14)
            assert np.abs(theirs["weights"][l][name] - weights[l][name]).max() > 1e-3  # they learned
    final = apply_pending_update(params, out, shape)
    for l in range(len(HIDDEN)):
        for name in ("W", "b"):
            np.testing.assert_allclose(final[l][name], theirs["weights"][l][name], rtol=1e-9, atol=1e-11)


def apply_pending_update(params, out, shape):
    """The weights after the update of the run's last step (which a run leaves in g, for the
    next run's start), by the reference's Adamax step."""
    weights, optimizer, gates = decolle.state_after(shape, out)
    for w, opt, gate in zip(weights, optimizer, gates):
        assert gate == 1
        for name, state in opt.items():
            w[name] = reference.adamax(w[name], state, params)
    return weights


IN_SHAPE = (2, 9, 9)  # an odd size: the first pooling drops a row and a column, as torch's does
CONV = (decolle.Conv(4, 3, 1, pool=2), decolle.Conv(6, 3, 1), decolle.Conv(6, 3, 1, pool=2))
CONV_DENSE = (8,)


def test_a_convolution_network_follows_the_authors_lenet_decolle(build_cache):
    """The authors' LenetDECOLLE with three convolution layers (3x3 kernels, padding 1, 2x2
    pooling after the first and the last, spikes after pooling) and a dense layer, against
    neurosims' shared-weight network: per step, every layer's (pooled) U and spikes, the
    readouts and local losses, over 100 steps of online learning (2 samples of 60 steps, burn-in
    10); the kernels after. The authors' code runs in float64 with float32-rounded decays."""
    authors = import_authors_or_skip()
    rng = np.random.default_rng(5)
    params = {"reg_l": 0.0, "reg_rate": 3e-3, "min_activity": 0.1, "alpha": float(np.float32(0.9)),
              "beta": float(np.float32(0.85)), "alpha_rp": 0.65, "w_rp": 1.0, "boxcar": 0, "p_drop": 0.0,
              "training": 1, "burnin": BURNIN, "sample_steps": 60, "eta": 5e-3, "beta_1": 0.0, "beta_2": 0.95,
              "epsilon": 1e-8}
    n_in = int(np.prod(IN_SHAPE))
    shape = decolle.Shape(n_in, CONV_DENSE, CLASSES, 60, BATCH, capacity=4000, dt=1e-3, record_state=True,
                          in_shape=IN_SHAPE, conv=CONV)
    weights = []
    for (c_in, _, _), c in zip((m[0] for m in shape.maps()), CONV):
        fan_in = c_in * c.kernel ** 2
        weights.append({"W": rng.uniform(-1, 1, (c.channels, c_in, c.kernel, c.kernel)) * 4 / np.sqrt(fan_in),
                        "b": rng.uniform(-0.1, 0.1, c.channels)})
    weights[0]["W"][1] = 0  # channel 1's neurons all hold the same U: pooling ties, which torch gives the first
    weights.append({"W": rng.uniform(-1, 1, (8, shape.sizes[3])) * 3 / np.sqrt(shape.sizes[3]),
                    "b": rng.uniform(-0.1, 0.1, 8)})
    readouts = [{"G": rng.uniform(-1, 1, (CLASSES, n)) * 0.5 / np.sqrt(n),
                 "b": rng.uniform(-1, 1, CLASSES) * 0.5 / np.sqrt(n)} for n in shape.sizes[1:]]
    samples = [BinnedEvents.from_dense(rng.poisson(0.15, (60, n_in)).astype(float)) for _ in range(BATCH)]
    labels = np.array([2, 4])
    frames = np.concatenate([s.dense() for s in samples])

    theirs = authors.train(params, weights, readouts, frames, labels, 60, IN_SHAPE, CONV)

    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    sim = open_simulator(decolle.blueprint("decolle-authors-conv-test", shape, models), "standalone", build_cache)
    values, timed = event_run_values(pack(samples, shape.capacity), "inputs")
    values |= decolle.run_values(shape, models, params | {"run_steps": shape.steps}, weights, readouts,
                                 decolle.fresh_optimizer(weights), [0.0] * shape.n_layers)
    out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
    learning = (np.arange(shape.steps) % 60) >= BURNIN
    assert learning.sum() == 100
    for l in range(shape.n_layers):
        np.testing.assert_allclose(out[f"layer{l}_record.U"][learning], theirs["U"][l], rtol=1e-9, atol=1e-10)
        np.testing.assert_array_equal(out[f"layer{l}_record.S"][learning], theirs["S"][l])
        np.testing.assert_allclose(out[f"readout{l}_record.r"][learning], theirs["r"][l], rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(out[f"readout{l}_record.loss"][learning].sum(axis=1), theirs["loss"][l],
                                   rtol=1e-9, atol=1e-12)
        assert 0.01 < theirs["S"][l].mean() < 0.9, l  # every layer spikes, and not always
    final = apply_pending_update(params, out, shape)
    for l in range(shape.n_layers):
        for name in ("W", "b"):
            np.testing.assert_allclose(theirs["weights_by_utils_train"][l][name], theirs["weights"][l][name],
                                       rtol=1e-12, atol=1e-14)
            assert np.abs(theirs["weights"][l][name] - weights[l][name]).max() > 1e-3, (l, name)  # they learned
            np.testing.assert_allclose(final[l][name], theirs["weights"][l][name], rtol=1e-9, atol=1e-11)
