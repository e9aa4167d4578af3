"""Configuration: preset values get the same unit check as --set values, model parameters in a
preset need a source, and the record of a run says where every value came from."""

import json

import pytest
from brian2 import ms, second

from neurosims.config import Preset, Setting, resolve
from neurosims.errors import NeurosimsError
from neurosims.experiments import eprop_pattern

from helpers import neurosims


def resolve_pattern(presets, preset, sets=()):
    experiment = eprop_pattern.EXPERIMENT
    return resolve(experiment.Config, presets, preset, list(sets), experiment.parameters(experiment.load_models()))


@pytest.mark.parametrize("values, message", [
    ({"tau_m": Setting(30, "a unit forgotten")},
     r"unit mismatch for tau_m \(preset bad\): 30 has unit 1, expected second"),
    ({"trial": 2}, r"unit mismatch for trial \(preset bad\): 2 has unit 1, expected second"),
    ({"iterations": 2.5}, r"iterations \(preset bad\) must be a whole number"),
    ({"eta": 1e-3}, "preset bad sets model parameter eta without a source"),
    ({"no_such_name": 1}, "unknown parameter 'no_such_name'"),
])
def test_preset_values_are_checked_like_set_values(values, message):
    """Before, a preset's tau_m=30 was taken as 30 s without a word."""
    with pytest.raises(NeurosimsError, match=message):
        resolve_pattern({"bad": Preset("a careless preset", values)}, "bad")


def test_every_value_records_where_it_came_from():
    presets = {"mine": Preset("for this test", {"iterations": 40, "tau_m": Setting(25 * ms, "my measurement")})}
    config, params, sources = resolve_pattern(presets, "mine", ["trial=0.5*second"])
    assert config.iterations == 40 and config.trial == 0.5 * second and params["tau_m"] == 25 * ms
    assert sources["iterations"] == "preset mine: for this test"
    assert sources["tau_m"] == "preset mine: my measurement"
    assert sources["trial"] == "--set"
    assert sources["n_neurons"].startswith("default of neurosims.experiments.eprop_pattern.Config")
    assert sources["gamma"].endswith("eprop_iaf.py: Bellec et al. 2020, Methods (gamma_pd = 0.3)")


def test_run_json_holds_each_value_and_its_source(tmp_path):
    neurosims("run", "predictive-coding", "--preset", "tiny", "--quiet", "--no-figures", "--set", "eps_r=2e-3",
              "--out", tmp_path / "run")
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["params"]["eps_r"] == 0.002 and run["sources"]["eps_r"] == "--set"
    assert run["config"]["training"] == "12. s" and run["sources"]["training"].startswith("preset tiny: ")
    assert run["sources"]["lambda_v"].endswith("spike_coding.py: Bourdoukan et al. 2012, Eq. 1; "
                                                "Brendel et al. 2020 code Learning.m (lambd = 50)")
