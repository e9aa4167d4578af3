"""The DECOLLE network in generated code follows its NumPy reference (the authors' order of
operations, step by step): a 2-layer dense network, two samples of 80 steps in one run and a
third in a second run (Adamax's state and the gates carried), learning after a burn-in of 10
steps, both surrogates, with and without the regularisers of Eq. 9; membrane potentials,
spikes, readouts, losses and weights at 1e-6."""

import numpy as np
import pytest

from neurosims.data.events import BinnedEvents, event_run_values, pack
from neurosims.methods.decolle import network as decolle
from neurosims.methods.decolle import reference
from neurosims.models import find_model
from neurosims.simulators import open_simulator

N_IN, HIDDEN, CLASSES, SAMPLE_STEPS, BATCH = 30, (12, 8), 4, 80, 2


def parameters(boxcar, reg_l=0.0, min_activity=0.1):
    return {"reg_l": reg_l, "reg_rate": 3e-3, "min_activity": min_activity, "alpha": 0.9, "beta": 0.85,
            "alpha_rp": 0.65, "w_rp": 1.0, "boxcar": boxcar, "p_drop": 0.0,
            "training": 1, "burnin": 10, "sample_steps": SAMPLE_STEPS, "eta": 1e-2, "beta_1": 0.0, "beta_2": 0.95,
            "epsilon": 1e-8, "run_steps": SAMPLE_STEPS * BATCH}


def initial(rng):
    sizes = (N_IN, *HIDDEN)
    weights = [{"W": rng.uniform(-1, 1, (n, m)) * 2 / np.sqrt(m), "b": rng.uniform(-0.05, 0.05, n)}
               for m, n in zip(sizes[:-1], sizes[1:])]
    readouts = [{"G": rng.uniform(-0.5, 0.5, (CLASSES, n)) / np.sqrt(n), "b": rng.uniform(-0.1, 0.1, CLASSES)}
                for n in HIDDEN]
    return weights, readouts


def samples(rng, n):
    return [BinnedEvents.from_dense(rng.poisson(0.08, (SAMPLE_STEPS, N_IN)).astype(float)) for _ in range(n)]


@pytest.mark.parametrize("boxcar, reg_l, min_activity", [(0, 0.0, 0.1), (1, 0.0, 0.1), (0, 0.3, 0.6)],
                         ids=["fast-sigmoid", "boxcar", "regularised"])
def test_generated_code_follows_the_numpy_reference(boxcar, reg_l, min_activity, build_cache):
    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    shape = decolle.Shape(N_IN, HIDDEN, CLASSES, SAMPLE_STEPS, BATCH, capacity=2000, dt=1e-3, record_state=True)
    sim = open_simulator(decolle.blueprint("decolle-reference-test", shape, models), "standalone", build_cache)
    rng = np.random.default_rng(3)
    weights, readouts = initial(rng)
    params = parameters(boxcar, reg_l, min_activity)
    optimizer, gates = decolle.fresh_optimizer(weights), [0.0, 0.0]
    ref_optimizer, ref_gates = None, None
    spikes = 0
    for run in range(2):
        batch = samples(rng, BATCH)
        labels = rng.integers(0, CLASSES, BATCH)
        values, timed = event_run_values(pack(batch, shape.capacity), "inputs")
        values |= decolle.run_values(shape, models, params, weights, readouts, optimizer, gates)
        out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
        frames = np.concatenate([s.dense() for s in batch])
        ref = reference.run(params, weights, readouts, frames, labels, ref_optimizer, ref_gates)
        for l in range(len(HIDDEN)):
            np.testing.assert_allclose(out[f"layer{l}_record.U"], ref["U"][l], rtol=1e-6, atol=1e-9)
            np.testing.assert_array_equal(out[f"layer{l}_record.S"], ref["S"][l])
            np.testing.assert_allclose(out[f"readout{l}_record.r"], ref["r"][l], rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(out[f"readout{l}_record.loss"], ref["loss"][l], rtol=1e-6, atol=1e-12)
            spikes += ref["S"][l].sum()
        weights, optimizer, gates = decolle.state_after(shape, out)
        for l in range(len(HIDDEN)):
            for name in ("W", "b"):
                np.testing.assert_allclose(weights[l][name], ref["weights"][l][name], rtol=1e-6, atol=1e-12)
                np.testing.assert_allclose(optimizer[l][name]["g"], ref["optimizer"][l][name]["g"], atol=1e-12)
        ref_optimizer, ref_gates = ref["optimizer"], ref["gates"]
    assert spikes > 200  # the layers spiked
    moved = [np.abs(w["W"] - w0["W"]).max() for w, w0 in zip(weights, initial(np.random.default_rng(3))[0])]
    assert min(moved) > 1e-3  # and learned


# Dropout acts on the path into the local readout only, as the authors' LenetDECOLLE applies it
# (after the layer's spikes, before its readout; the next layer gets the spikes): with learning
# off and p_drop = 0.5, every layer's membrane potentials and spikes are exactly those of the
# NumPy reference without dropout, while the readout sees each spike with probability one
# half, scaled by 2.
def test_dropout_is_on_the_readout_path_only(build_cache):
    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    shape = decolle.Shape(N_IN, HIDDEN, CLASSES, SAMPLE_STEPS, BATCH, capacity=2000, dt=1e-3, record_state=True)
    sim = open_simulator(decolle.blueprint("decolle-reference-test", shape, models), "standalone", build_cache)
    rng = np.random.default_rng(5)
    weights, readouts = initial(rng)
    batch = samples(rng, BATCH)
    labels = rng.integers(0, CLASSES, BATCH)
    params = parameters(0) | {"p_drop": 0.5, "eta": 0.0}  # training (dropout on), no learning
    values, timed = event_run_values(pack(batch, shape.capacity), "inputs")
    values |= decolle.run_values(shape, models, params, weights, readouts, decolle.fresh_optimizer(weights), [0, 0])
    out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
    frames = np.concatenate([s.dense() for s in batch])
    ref = reference.run(parameters(0) | {"eta": 0.0}, weights, readouts, frames, labels)
    for l in range(len(HIDDEN)):
        np.testing.assert_allclose(out[f"layer{l}_record.U"], ref["U"][l], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(out[f"layer{l}_record.S"], ref["S"][l])
        spikes, seen = out[f"layer{l}_record.S"], out[f"layer{l}_record.dS"]
        assert set(np.unique(seen[spikes == 1])) == {0.0, 2.0} and not seen[spikes == 0].any()
        kept = float(np.mean(seen[spikes == 1] > 0))
        assert spikes.sum() > 100 and abs(kept - 0.5) < 0.15, kept  # 3 standard deviations at 100 spikes
        # the readout is G dS + b: it saw the dropped-out spikes, not S
        r = out[f"readout{l}_record.r"]
        np.testing.assert_allclose(r, seen @ readouts[l]["G"].T + readouts[l]["b"], rtol=1e-9, atol=1e-12)
        assert np.abs(r - ref["r"][l]).max() > 0.05


IN_SHAPE = (2, 7, 7)
CONV = (decolle.Conv(3, 3, 1, pool=2), decolle.Conv(4, 3, 0))  # padding 1 then none; 7x7 -> 3x3 -> 1x1


# Shared weights in both of Brian2's modes: a convolution network (2x2 pooling that drops the
# last row and column, a layer without padding) against the NumPy reference over two runs
# (state carried), with Eq. 9's regularisers acting. Channel 0 of the first kernel starts at
# zero, so its neurons all hold the same U: the pooling's ties go to the window's first neuron.
@pytest.mark.parametrize("device", ["runtime", "standalone"])
def test_convolution_layers_follow_the_numpy_reference(device, build_cache):
    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    n_in = int(np.prod(IN_SHAPE))
    shape = decolle.Shape(n_in, (), CLASSES, 40, BATCH, capacity=2000, dt=1e-3, record_state=True,
                          in_shape=IN_SHAPE, conv=CONV)
    assert shape.sizes == (n_in, 27, 4)
    sim = open_simulator(decolle.blueprint("decolle-conv-reference-test", shape, models), device, build_cache)
    rng = np.random.default_rng(8)
    weights = [{"W": rng.uniform(-1, 1, (3, 2, 3, 3)) * 1.5, "b": rng.uniform(-0.1, 0.1, 3)},
               {"W": rng.uniform(-1, 1, (4, 3, 3, 3)) * 1.0, "b": rng.uniform(-0.1, 0.1, 4)}]
    weights[0]["W"][0] = 0
    start = [{k: v.copy() for k, v in w.items()} for w in weights]
    readouts = [{"G": rng.uniform(-0.5, 0.5, (CLASSES, n)) / np.sqrt(n), "b": rng.uniform(-0.1, 0.1, CLASSES)}
                for n in shape.sizes[1:]]
    params = parameters(0, reg_l=0.3, min_activity=0.6) | {"sample_steps": 40, "run_steps": 40 * BATCH}
    optimizer, gates, ref_optimizer, ref_gates = decolle.fresh_optimizer(weights), [0.0, 0.0], None, None
    for run in range(2):
        batch = [BinnedEvents.from_dense(rng.poisson(0.2, (40, n_in)).astype(float)) for _ in range(BATCH)]
        labels = rng.integers(0, CLASSES, BATCH)
        values, timed = event_run_values(pack(batch, shape.capacity), "inputs")
        values |= decolle.run_values(shape, models, params, weights, readouts, optimizer, gates)
        out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
        frames = np.concatenate([s.dense() for s in batch])
        ref = reference.run(params, weights, readouts, frames, labels, ref_optimizer, ref_gates, IN_SHAPE, CONV)
        for l in range(2):
            np.testing.assert_allclose(out[f"layer{l}_record.U"], ref["U"][l], rtol=1e-6, atol=1e-9)
            np.testing.assert_array_equal(out[f"layer{l}_record.S"], ref["S"][l])
            np.testing.assert_allclose(out[f"readout{l}_record.r"], ref["r"][l], rtol=1e-6, atol=1e-9)
            assert 0.02 < ref["S"][l].mean() < 0.9
        weights, optimizer, gates = decolle.state_after(shape, out)
        for l in range(2):
            for name in ("W", "b"):
                np.testing.assert_allclose(weights[l][name], ref["weights"][l][name], rtol=1e-6, atol=1e-12)
                np.testing.assert_allclose(optimizer[l][name]["g"], ref["optimizer"][l][name]["g"], atol=1e-12)
        ref_optimizer, ref_gates = ref["optimizer"], ref["gates"]
        if run == 0:  # the tied channel: equal U in every window at the first step
            first = out["layer0_record.U"][0].reshape(3, 3, 3)
            assert np.ptp(first[0]) == 0
    assert min(np.abs(w["W"] - w0["W"]).max() for w, w0 in zip(weights, start)) > 1e-3  # they learned


def test_convolution_dropout_is_on_the_pooled_readout_path_only(build_cache):
    """With p_drop = 0.5 and learning off, the pooled layers' U and spikes are the reference's
    without dropout; only what the readout sees (dS) is dropped and scaled by 2."""
    models = decolle.compose({role: find_model(name) for role, name in decolle.ROLES.items()})
    n_in = int(np.prod(IN_SHAPE))
    shape = decolle.Shape(n_in, (), CLASSES, 40, BATCH, capacity=2000, dt=1e-3, record_state=True,
                          in_shape=IN_SHAPE, conv=CONV)
    sim = open_simulator(decolle.blueprint("decolle-conv-reference-test", shape, models), "standalone", build_cache)
    rng = np.random.default_rng(9)
    weights = [{"W": rng.uniform(-1, 1, (3, 2, 3, 3)) * 1.5, "b": rng.uniform(-0.1, 0.1, 3)},
               {"W": rng.uniform(-1, 1, (4, 3, 3, 3)), "b": rng.uniform(-0.1, 0.1, 4)}]
    readouts = [{"G": rng.uniform(-0.5, 0.5, (CLASSES, n)) / np.sqrt(n), "b": np.zeros(CLASSES)}
                for n in shape.sizes[1:]]
    batch = [BinnedEvents.from_dense(rng.poisson(0.2, (40, n_in)).astype(float)) for _ in range(BATCH)]
    labels = rng.integers(0, CLASSES, BATCH)
    params = parameters(0) | {"sample_steps": 40, "run_steps": 40 * BATCH, "eta": 0.0}
    values, timed = event_run_values(pack(batch, shape.capacity), "inputs")
    values |= decolle.run_values(shape, models, params | {"p_drop": 0.5}, weights, readouts,
                                 decolle.fresh_optimizer(weights), [0, 0])
    out = sim.run(values, timed | {"sample_label": labels.astype(float)}, seed=0)
    frames = np.concatenate([s.dense() for s in batch])
    ref = reference.run(params, weights, readouts, frames, labels, in_shape=IN_SHAPE, conv=CONV)
    for l in range(2):
        np.testing.assert_allclose(out[f"layer{l}_record.U"], ref["U"][l], rtol=1e-9, atol=1e-12)
        spikes, seen = out[f"layer{l}_record.S"], out[f"layer{l}_record.dS"]
        np.testing.assert_array_equal(spikes, ref["S"][l])
        assert set(np.unique(seen[spikes == 1])) == {0.0, 2.0} and not seen[spikes == 0].any()
        assert abs(float(np.mean(seen[spikes == 1] > 0)) - 0.5) < 0.15
