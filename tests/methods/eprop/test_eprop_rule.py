"""e-prop in generated code, held to a NumPy reference of the same discrete rule."""

import numpy as np
import pytest
from brian2 import ms

from neurosims.methods.eprop import network as eprop
from neurosims.methods.eprop.reference import simulate
from neurosims.simulators import open_simulator

T, SEQUENCES, RUNS = 30, 4, 3  # 360 steps, weights compared after every run of 4 trials

VARIANTS = {
    # NEST's sine-wave settings: LIF, mean squared error, gradient descent, batches of 1
    "lif-mse-gd": dict(classifier=False, batch=1, n_adaptive=0, rule="eprop_nonadaptive",
                       params=dict(tau_m=30 * ms, tau_out=30 * ms, v_th=0.03, t_ref=0 * ms, leaky_input=1.0,
                                   leaky_readout=1.0, eta=2e-2, c_reg=3.0)),
    # the same with symmetric feedback (B = W_out^T)
    "lif-mse-gd-symmetric": dict(classifier=False, batch=1, n_adaptive=0, rule="eprop_nonadaptive",
                                 feedback="symmetric",
                                 params=dict(tau_m=30 * ms, tau_out=30 * ms, v_th=0.03, t_ref=0 * ms,
                                             leaky_input=1.0, leaky_readout=1.0, eta=2e-2, c_reg=3.0)),
    # the same, event-driven, with windows of 7 steps (flushes inside and across trials)
    "lif-mse-gd-event-driven": dict(classifier=False, batch=1, n_adaptive=0, rule="eprop_event_driven",
                                    window_steps=7,
                                    params=dict(tau_m=30 * ms, tau_out=20 * ms, v_th=0.03, t_ref=0 * ms,
                                                leaky_input=1.0, leaky_readout=1.0, eta=2e-2, c_reg=3.0)),
    # NEST's evidence-accumulation settings: LIF + ALIF, softmax, Adam, batches of 2, window
    "alif-softmax-adam": dict(classifier=True, batch=2, n_adaptive=3, rule="eprop",
                              params=dict(adapt_tau=50 * ms, adapt_beta=0.5, t_ref=2 * ms, eta=5e-2, c_reg=3.0)),
    # the same, event-driven, with windows of 7 steps (strong adaptation: Pi falls to 0.11)
    "alif-softmax-adam-event-driven": dict(classifier=True, batch=2, n_adaptive=3, rule="eprop_event_driven",
                                           window_steps=7,
                                           params=dict(adapt_tau=50 * ms, adapt_beta=0.5, t_ref=2 * ms, eta=5e-2,
                                                       c_reg=3.0)),
}


def experiment(classifier: bool):
    """An e-prop experiment's models: the classification ones (softmax, Adam) or the regression ones."""
    from neurosims.experiments.eprop_evidence import EXPERIMENT as classification
    from neurosims.experiments.eprop_pattern import EXPERIMENT as regression

    return classification if classifier else regression


def network(name, device, cache):
    v = VARIANTS[name]
    shape = eprop.Shape(n_in=5, n_rec=6, n_out=2, sequence_steps=T, sequences=SEQUENCES, batch=v["batch"],
                        dt=1e-3, classifier=v["classifier"], window_steps=v.get("window_steps", 100))
    models = experiment(v["classifier"]).load_models({"rule": v["rule"], **({"feedback": "symmetric"}
                                                                            if v.get("feedback") else {})})
    params = {k: p.value for k, p in experiment(v["classifier"]).parameters(models).items()} | v["params"]
    sim = open_simulator(eprop.blueprint(f"eprop-{name}", shape, models), device, cache)
    return eprop.Network(shape, models, sim), params


def trials(name, seed=3):
    v = VARIANTS[name]
    rng = np.random.default_rng(seed)
    W = {"in": rng.normal(0.4, 0.3, (6, 5)), "rec": rng.normal(0, 0.3, (6, 6)), "out": rng.normal(0, 0.5, (2, 6))}
    np.fill_diagonal(W["rec"], 0.0)
    if name.startswith("lif"):
        W = {k: w * 0.15 for k, w in W.items()} | {"in": 0.5 * W["in"]}  # v_th 0.03, not 0.6
    B = rng.normal(0, 1, (6, 2))
    x = (rng.random((RUNS, SEQUENCES, T, 5)) < 0.2).astype(float)
    if v["classifier"]:
        labels = rng.integers(0, 2, (RUNS, SEQUENCES))
        target = np.zeros((RUNS, SEQUENCES, T, 2))
        target[np.arange(RUNS)[:, None], np.arange(SEQUENCES)[None], :, labels] = 1.0
        window = (np.arange(T) >= T - 10).astype(float)
    else:
        target = np.sin(np.linspace(0, 2 * np.pi, T))[None, None, :, None] * np.ones((RUNS, SEQUENCES, 1, 2))
        window = np.ones(T)
    adaptive = (np.arange(6) >= 6 - v["n_adaptive"]).astype(float)
    return W, B, adaptive, x, target, window


@pytest.mark.parametrize("name", VARIANTS)
@pytest.mark.parametrize("device", ["runtime", "standalone"])
def test_weights_follow_the_numpy_reference(name, device, build_cache):
    """Weight trajectories over 3 runs x 4 trials x 30 steps (360 steps), optimizer state
    carried between runs, equal to the reference to 1e-6 relative."""
    net, params = network(name, device, build_cache)
    W, B, adaptive, x, target, window = trials(name)
    v = VARIANTS[name]
    weights, optimizer = W, net.initial_optimizer_state()
    ref_weights, ref_state = W, None
    spikes = 0
    for run in range(RUNS):
        weights, optimizer, rec = net.run(weights, optimizer, B, adaptive, params, x[run], target[run], window,
                                          seed=0, learning=True, average_over_window=v["classifier"])
        ref_weights, ref_state, ref_y = simulate(ref_weights, B, adaptive, eprop.plain_numbers(params, 1e-3), x[run],
                                                 target[run], window, v["classifier"], v["batch"], adam=v["classifier"],
                                                 average=v["classifier"], optimizer=ref_state,
                                                 symmetric=v.get("feedback") == "symmetric")
        spikes += len(rec["i"])
        np.testing.assert_allclose(rec["y"], ref_y, rtol=1e-6, atol=1e-12)
        for k in ("in", "rec", "out"):
            np.testing.assert_allclose(weights[k], ref_weights[k], rtol=1e-6, atol=1e-12)
    assert spikes > 50  # the rule had something to learn from
    for k in ("in", "rec", "out"):  # and it did change every weight matrix substantially
        assert np.max(np.abs(weights[k] - W[k])) > 1e-3


def test_nonadaptive_rule_equals_the_full_rule_for_lif(build_cache):
    """The LIF-only rule is the eprop rule with its adaptation term removed: same weights."""
    W, B, adaptive, x, target, window = trials("lif-mse-gd")
    results = []
    for rule in ("eprop", "eprop_nonadaptive"):
        shape = eprop.Shape(n_in=5, n_rec=6, n_out=2, sequence_steps=T, sequences=SEQUENCES, batch=1, dt=1e-3,
                            classifier=False)
        models = experiment(False).load_models({"rule": rule})
        defaults = {k: p.value for k, p in experiment(False).parameters(models).items()}
        params = defaults | VARIANTS["lif-mse-gd"]["params"]
        net = eprop.Network(shape, models, open_simulator(eprop.blueprint("eprop-rules", shape, models), "runtime"))
        results.append(net.run(W, {}, B, adaptive, params, x[0], target[0], window, 0, True)[0])
    for k in ("in", "rec", "out"):
        np.testing.assert_allclose(results[0][k], results[1][k], rtol=1e-12)


@pytest.mark.parametrize("device", ["runtime", "standalone"])
def test_no_learning_leaves_weights_and_adam_unchanged(device, build_cache):
    """With learning off (eta = 0, the optimizer's declared learning rate) neither the weights
    nor Adam's moments and count of updates change, whatever the run's trials."""
    net, params = network("alif-softmax-adam", device, build_cache)
    W, B, adaptive, x, target, window = trials("alif-softmax-adam")
    _, trained, _ = net.run(W, net.initial_optimizer_state(), B, adaptive, params, x[0], target[0], window, 0,
                            learning=True, average_over_window=True)
    assert trained["n_updates"] == SEQUENCES // VARIANTS["alif-softmax-adam"]["batch"]
    weights, optimizer, _ = net.run(W, trained, B, adaptive, params, x[1], target[1], window, 0,
                                    learning=False, average_over_window=True)
    for k in W:
        np.testing.assert_array_equal(weights[k], W[k])
    assert optimizer["n_updates"] == trained["n_updates"]
    for moment in ("m_adam", "v_adam"):
        for group in eprop.PLASTIC:
            np.testing.assert_array_equal(optimizer[moment][group], trained[moment][group])


def test_the_event_driven_window_follows_the_time_constants(build_cache):
    """The event-driven rule rescales by powers that grow over its window as
    exp(window dt / min(tau_m, tau_out)). With tau_out = 2 ms a window of 100 steps (fixed at
    build time before) let them reach e^50 and the rule's weight changes were 1.7% off the
    per-step rule's (measured); the window now follows the values (10 steps here) and the two
    rules agree to rounding."""
    from helpers import network, prepared

    assert eprop.event_window({"tau_m": 30 * ms, "tau_out": 30 * ms}, 1e-3) == 100
    assert eprop.event_window({"tau_m": 20 * ms, "tau_out": 20 * ms}, 1e-3) == 100
    assert eprop.event_window({"tau_m": 30 * ms, "tau_out": 2 * ms}, 1e-3) == 10
    weights = {}
    for rule in ("eprop_event_driven", "eprop_nonadaptive"):
        net = network(prepared("eprop-pattern", "tiny", ["tau_out=2*ms", "iterations_per_run=2"],
                               model_files=[f"rule={rule}"]), cache_dir=build_cache)
        assert net.net.shape.window_steps == 10
        start = net.task["weights"]
        weights[rule], _ = net.run(start, learning=True, seed=0)
    for k in ("in", "rec"):
        change = np.max(np.abs(weights["eprop_nonadaptive"][k] - start[k]))
        assert change > 1e-3
        assert np.max(np.abs(weights["eprop_event_driven"][k] - weights["eprop_nonadaptive"][k])) < 1e-9 * change


def test_the_event_driven_rule_equals_the_per_step_rule_for_alif(build_cache):
    """delayed-memory's tiny network (LIF + ALIF, adapt_beta 0.3: the window falls to 30
    steps so that the adaptation responses Pi stay above e^-5), one run of training: the
    event-driven and the per-step eprop rule give the same weights to 1e-9 of the change."""
    from helpers import network, prepared

    assert eprop.event_window({"tau_m": 20 * ms, "tau_out": 20 * ms, "adapt_tau": 2000 * ms, "adapt_beta": 0.3,
                               "gamma": 0.3, "v_th": 0.6}, 1e-3) == 30
    weights = {}
    for rule in ("eprop_event_driven", "eprop"):
        net = network(prepared("delayed-memory", "tiny", [], model_files=[f"rule={rule}"]), cache_dir=build_cache)
        start = net.weights
        weights[rule], _, _ = net.run(start, net.net.initial_optimizer_state(), 0, 1, learning=True)
    for k in ("in", "rec"):
        change = np.max(np.abs(weights["eprop"][k] - start[k]))
        assert change > 1e-3
        assert np.max(np.abs(weights["eprop_event_driven"][k] - weights["eprop"][k])) < 1e-9 * change


def test_the_event_driven_rule_refuses_adaptation_it_cannot_follow():
    """Where one step can shrink the adaptation eligibility to 0 or below (adapt_beta gamma /
    v_th >= exp(-dt/adapt_tau)), the event-driven rule would divide by 0: one line, before
    anything is built."""
    from neurosims.errors import NeurosimsError

    from helpers import prepared

    with pytest.raises(NeurosimsError, match="event-driven e-prop rule needs"):
        prepared("eprop-evidence", "tiny", ["adapt_beta=3.0"])
    prepared("eprop-evidence", "tiny", ["adapt_beta=3.0"], model_files=["rule=eprop"])  # the per-step rule can
