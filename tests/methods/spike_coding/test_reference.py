"""The predictive-coding network in Brian2 (compiled) follows the NumPy reference of the
authors' Learning.m step by step."""

import numpy as np

from neurosims.experiments import predictive_coding as pc
from neurosims.methods.spike_coding.reference import predictive_coding_chunk

from helpers import network, prepared


def test_brian2_network_follows_the_numpy_reference():
    """One chunk of 1000 steps with the noise off and learning on: the same spikes (step and
    neuron) and the same final state (to 1e-6 relative)."""
    net = network(prepared("predictive-coding", sets=["sigma_v=0/sqrt(ms)", "sigma_th=0"]), seed=3)
    start = pc.EXPERIMENT.initial_state(net)
    c = pc.signal(np.random.default_rng(3), net.config)
    end, rec = net.run(start, c, seed=0, learning=True)
    config = net.config
    ref, spikes = predictive_coding_chunk(start, c, net.params, float(config.dt),
                                          int(round(float(config.input_dt / config.dt))))
    steps = np.round(rec["t"] / float(config.dt)).astype(int)
    assert len(spikes) > 100
    assert list(zip(steps.tolist(), rec["i"].tolist())) == spikes
    for name in ("V", "r", "kick", "x", "F", "Omega"):
        np.testing.assert_allclose(end[name], ref[name], rtol=1e-6, atol=1e-9, err_msg=name)
