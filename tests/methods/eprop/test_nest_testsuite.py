"""e-prop held to the original TensorFlow implementation and to NEST, on the two networks of
NEST 3.10's own e-prop tests (test_eprop_bsshslm_2020_plasticity.py): the same weights, input
spikes, targets, optimizer and batch (neurosims/methods/eprop/nest_testsuite.py draws them as
those tests do), run by neurosims' compiled network.

The reference losses below are the ones NEST's tests hold NEST to, from the source file named
above (nest-simulator 3.10): per-iteration losses of the TensorFlow implementation
(INM-6/eligibility_propagation@7df7d2627, TensorFlow 1.15, float32) and of NEST itself (the
batch of 2, for which no TensorFlow losses are given). The tolerances are those tests': 1e-7
(regression) and 1e-6 (classification) relative to TensorFlow, 1e-8 to NEST's stored losses.
The last test runs NEST in the same process when it is installed."""

import numpy as np
import pytest

from neurosims.methods.eprop import network as eprop
from neurosims.methods.eprop import nest_testsuite as suite
from neurosims.simulators import open_simulator

from helpers import nest_or_skip

TF_REGRESSION = [101.964363098144, 103.466735839843, 103.340606689453, 103.680244445800, 104.412780761718]
TF_CLASSIFICATION = [0.741152524948, 0.740388214588, 0.665785133838, 0.663644134998, 0.729429066181]
NEST_CLASSIFICATION_BATCH_2 = [0.702163370672, 0.735555303152, 0.740354864111, 0.683882815282, 0.707841122268]

# name: (the case, the rule: None for the experiment's default, the event-driven one)
CASES = {"regression": (suite.regression, None),
         "classification-1": (lambda: suite.classification(1), None),
         "classification-1-per-step": (lambda: suite.classification(1), "eprop"),
         "classification-2": (lambda: suite.classification(2), None)}


@pytest.fixture(scope="module")
def runs():
    """Each case drawn, run once by neurosims (standalone, compiled) and kept for the tests."""
    done = {}

    def get(name):
        if name not in done:
            draw, rule = CASES[name]
            case = draw()
            prep = suite.prepared(case, rule)
            sim = open_simulator(eprop.blueprint(f"nest-testsuite-{name}", suite.shape(case), prep.models),
                                 "standalone")
            done[name] = case, prep, suite.run(case, prep, sim)
        return done[name]

    return get


def test_regression_losses_equal_tensorflow(runs):
    case, _, result = runs("regression")
    loss = suite.per_iteration(result["loss"], case)
    assert loss[0] > 100  # the untrained network, far from the target
    np.testing.assert_allclose(loss, TF_REGRESSION, rtol=1e-7)
    assert np.max(np.abs(result["weights"]["in"] - case["weights"]["in"])) > 1e-3  # it learned


@pytest.mark.parametrize("name", ["classification-1", "classification-1-per-step"])
def test_classification_losses_equal_tensorflow(runs, name):
    """With the event-driven rule (eprop-evidence's default) and with the per-step one."""
    case, _, result = runs(name)
    np.testing.assert_allclose(suite.per_iteration(result["loss"], case), TF_CLASSIFICATION, rtol=1e-6)
    assert np.max(np.abs(result["weights"]["rec"] - case["weights"]["rec"])) > 1e-3


def test_classification_in_batches_equals_nest_reference(runs):
    case, _, result = runs("classification-2")
    np.testing.assert_allclose(suite.per_iteration(result["loss"], case), NEST_CLASSIFICATION_BATCH_2, rtol=1e-8)


def test_the_cases_are_the_tests_tasks():
    """What NEST's tests draw: 5% input spikes and none in step 0; a target starting at 0 with
    maximum magnitude 1; seven cues of one side per trial, recall in the last 150 ms, noise."""
    reg = suite.regression()
    assert reg["x"].shape == (5, 1000, 100) and not reg["x"][:, 0].any()
    assert 0.045 < reg["x"].mean() < 0.055
    assert reg["target"][0, 0, 0] == 0 and np.isclose(np.abs(reg["target"]).max(), 1.0)
    cls = suite.classification(2)
    assert cls["x"].shape == (10, 2250, 40) and cls["window"].sum() == 150
    recall = cls["x"][:, -150:, 20:30].mean()
    assert 0.03 < recall < 0.05 and cls["x"][:, :-150, 20:30].sum() == 0
    assert set(np.unique(cls["target"].sum(axis=2))) == {1.0}
    assert np.all(cls["weights"]["rec"].diagonal() == 0)


@pytest.mark.parametrize("name", ["regression", "classification-1", "classification-2"])
def test_neurosims_equals_nest_run_beside_it(runs, name):
    """NEST 3.10 on the same case in the same process: losses to 1e-12 relative, the readout in
    the learning window to 1e-12 (NEST records 0 for the softmax outside it), the weights after
    5 updates to 1e-12 (classification) or 1e-5 (regression: the input synapses' known
    difference of neurosims/methods/eprop/nest.py, measured 2e-6)."""
    nest_peer = nest_or_skip()
    case, prep, result = runs(name)
    nest = nest_peer.run(case["weights"], case["feedback"], case["x"], case["target"],
                         eprop.plain_numbers(prep.params, 1e-3), case["window"], case["batch"], case["adaptive"],
                         case["classifier"])
    np.testing.assert_allclose(result["loss"], nest["loss"], rtol=1e-12)
    inside = case["window"] > 0.5
    np.testing.assert_allclose(result["y"][:, inside], nest["y"][:, inside], atol=1e-12)
    for k in ("in", "rec", "out"):
        np.testing.assert_allclose(result["weights"][k], nest["weights"][k], atol=1e-12 if case["classifier"] else 1e-5)



def test_the_one_difference_from_nest_is_the_known_one(build_cache):
    """A batch of 32 trials, one update: NEST's input synapses whose presynaptic input spikes
    in step 1 of a following trial compute their gradient before the last step's learning
    signal arrives (neurosims/methods/eprop/nest.py); those weights, and only those, differ
    (measured 5e-5 for the inputs 30, 33 and 38 of this case; every other weight to 2e-13)."""
    nest_peer = nest_or_skip()
    case = suite.classification(32, 1)
    prep = suite.prepared(case)
    sim = open_simulator(eprop.blueprint("nest-testsuite-batch-32", suite.shape(case), prep.models), "standalone")
    ours = suite.run(case, prep, sim)
    nest = nest_peer.run(case["weights"], case["feedback"], case["x"], case["target"],
                         eprop.plain_numbers(prep.params, 1e-3), case["window"], 32, case["adaptive"], True)
    np.testing.assert_allclose(ours["loss"], nest["loss"], rtol=1e-12)
    late = np.zeros(case["x"].shape[2], dtype=bool)
    late[np.nonzero(case["x"][1:, 1])[1]] = True  # spiking in step 1 of trials 1..31
    assert late.sum() >= 1
    difference = np.abs(ours["weights"]["in"] - nest["weights"]["in"])
    assert difference[:, late].max() > 1e-7  # the known difference is there
    assert difference[:, ~late].max() < 1e-12  # and nothing else
    for k in ("rec", "out"):
        np.testing.assert_allclose(ours["weights"][k], nest["weights"][k], atol=1e-12)
