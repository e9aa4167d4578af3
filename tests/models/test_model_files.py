"""The model library: every model loads, has consistent units and a complete parameter table;
bad model input is reported in one line naming the file, line and names."""


import pytest
from brian2 import Quantity

from neurosims.cli import format_model
from neurosims.errors import NeurosimsError
from neurosims.models import (KINDS, check_units, combine, find_model, library, load_model_file,
                              parse_quantity)

MODELS = library()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_loads_with_consistent_units(name):
    model = load_model_file(MODELS[name])
    assert model.kind in KINDS
    assert model.citation.strip() and model.summary
    check_units(model)  # raises NeurosimsError on any unit inconsistency


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_parameter_has_unit_description_and_source(name):
    for p in load_model_file(MODELS[name]).parameters.values():
        assert isinstance(p.value, (Quantity, float, int)), p.name
        assert p.unit, p.name
        assert len(p.description) > 5 and len(p.source) > 5, p.name


def test_show_prints_equations_and_parameter_table():
    text = format_model(find_model("spike_coding"))
    assert "dV/dt = -lambda_v*V" in text
    assert "v_th" in text and "source: Brendel et al. 2020" in text


def test_library_lists_the_predictive_coding_models():
    assert {"spike_coding", "leaky_integrated_input", "feedforward_drive", "hebbian_feedforward",
            "fast_recurrent", "voltage_recurrent", "winner_take_all"} <= set(MODELS)


def _copy_with(tmp_path, name, old, new):
    source = MODELS[name].read_text()
    assert old in source
    path = tmp_path / f"{name}.py"
    path.write_text(source.replace(old, new))
    return path


def test_equation_syntax_error_names_file_and_line(tmp_path):
    path = _copy_with(tmp_path, "spike_coding", "dr/dt = -lambda_v*r : 1", "dr/dt = -lambda_v*r) : 1")
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "lambda_v*r)" in ln)
    with pytest.raises(NeurosimsError) as err:
        load_model_file(path)
    message = str(err.value)
    assert f"{path}:{line}:" in message and "dr/dt" in message
    assert "\n" not in message


def test_unit_mismatch_names_variable_and_both_units(tmp_path):
    path = _copy_with(tmp_path, "spike_coding", "I_ff : Hz", "I_ff : volt")
    with pytest.raises(NeurosimsError) as err:
        check_units(load_model_file(path))
    message = str(err.value)
    assert str(path) in message
    assert "'I_ff' has unit V" in message and "has unit Hz" in message


def test_python_syntax_error_in_model_file(tmp_path):
    path = _copy_with(tmp_path, "fast_recurrent", 'KIND = "synapse"', 'KIND = "synapse')
    with pytest.raises(NeurosimsError, match=rf"{path}:\d+: Python syntax error"):
        load_model_file(path)


def test_code_syntax_error_names_line(tmp_path):
    path = _copy_with(tmp_path, "fast_recurrent", 'ON_PRE = "kick_post += Omega"', 'ON_PRE = "kick_post +== Omega"')
    with pytest.raises(NeurosimsError, match=rf"{path}:\d+: cannot parse ON_PRE"):
        load_model_file(path)


def test_unknown_model_lists_the_library():
    with pytest.raises(NeurosimsError, match="unknown model 'lif_typo'; available: .*spike_coding"):
        find_model("lif_typo")


def test_missing_model_file():
    with pytest.raises(NeurosimsError, match="model file not found"):
        find_model("nowhere/my_lif.py")


def test_parameter_without_source_is_refused(tmp_path):
    path = _copy_with(tmp_path, "voltage_recurrent", '"Brendel et al. 2020 code Learning.m (epsr = 0.001)"', '""')
    with pytest.raises(NeurosimsError, match="parameter eps_r has no source"):
        load_model_file(path)


def test_rule_needs_its_synaptic_variable():
    with pytest.raises(NeurosimsError, match="changes F, which synapse model fast_recurrent"):
        combine(find_model("fast_recurrent"), find_model("hebbian_feedforward"))


def test_substitution_makes_a_variant():
    variant = find_model("voltage_recurrent").substitute(eps_r="eps_fast", Omega="W")
    assert "eps_fast" in variant.parameters and "eps_r" not in variant.parameters
    assert "W -= eps_fast" in variant.on_pre
    with pytest.raises(NeurosimsError, match="no such name"):
        find_model("voltage_recurrent").substitute(nothing="x")


def test_parse_quantity_checks_units():
    from brian2 import Hz, ms

    assert parse_quantity("40*Hz", 50 * Hz, "lambda_v") == 40 * Hz
    assert parse_quantity("0.002", 0.001, "eps_r") == 0.002
    with pytest.raises(NeurosimsError, match="unit mismatch for lambda_v: '3\\*ms' has unit second, expected hertz"):
        parse_quantity("3*ms", 50 * Hz, "lambda_v")
    with pytest.raises(NeurosimsError, match="whole number"):
        parse_quantity("2.5", 20, "n_neurons")
    assert parse_quantity("2*ms", 1 * ms, "dt") == 2 * ms


def test_model_text_shows_every_code_field_with_when_it_runs():
    """`neurosims models show` prints all the code a model runs, from the file, each field with
    its row of the step schedule, in the order they run."""
    text = format_model(find_model("eprop_iaf"))
    order = ["START_OF_STEP (start, at the start of every step", "EVERY_WINDOW (start,", "NEW_SEQUENCE (start,",
             "PER_STEP (after_groups, every step, after integration", "END_OF_STEP (end,"]
    positions = [text.index(field) for field in order]
    assert positions == sorted(positions)
    assert "THRESHOLD:" in text and "g += L_post*ebar" in format_model(find_model("eprop"))
    adam = format_model(find_model("adam"))
    assert "ON_UPDATE (start, at every weight update" in adam and "Learning rates (0: no learning): eta" in adam


def test_a_rule_says_which_parameters_turn_its_learning_off(tmp_path):
    """A plasticity rule or optimizer declares LEARNING_RATES; one that changes its synaptic
    variable itself must name at least one, and only parameters it defines."""
    missing = _copy_with(tmp_path, "voltage_recurrent", 'LEARNING_RATES = ("eps_r",)  # 0: no learning\n', "")
    with pytest.raises(NeurosimsError, match="a plasticity model must declare LEARNING_RATES"):
        load_model_file(missing)
    empty = _copy_with(tmp_path, "voltage_recurrent", 'LEARNING_RATES = ("eps_r",)', "LEARNING_RATES = ()")
    with pytest.raises(NeurosimsError, match="changes Omega itself, so LEARNING_RATES must name"):
        load_model_file(empty)
    unknown = _copy_with(tmp_path, "voltage_recurrent", 'LEARNING_RATES = ("eps_r",)', 'LEARNING_RATES = ("eta",)')
    with pytest.raises(NeurosimsError, match="LEARNING_RATES names eta, which PARAMETERS does not define"):
        load_model_file(unknown)
    assert find_model("voltage_recurrent").substitute(eps_r="eps_fast").learning_rates == ("eps_fast",)
    assert find_model("eprop").learning_rates == ()  # a gradient only: the optimizer applies it


def test_learning_off_is_what_the_rule_declares_not_a_parameter_name(tmp_path):
    """A user's own recurrent rule whose learning rate has another name (eps_rec): with
    learning off (an evaluation) its weights stay, with learning on they move. Before rules
    declared their learning rates, evaluation switched off only the names eps_r, eps_f, ...,
    and this rule kept learning while the network was measured."""
    import numpy as np

    from neurosims.experiments import predictive_coding as pc

    from helpers import network, prepared

    source = MODELS["voltage_recurrent"].read_text().replace("eps_r", "eps_rec")
    mine = tmp_path / "my_recurrent_rule.py"
    mine.write_text(source)
    net = network(prepared("predictive-coding", "tiny", model_files=[f"recurrent_rule={mine}"]))
    start = pc.EXPERIMENT.initial_state(net)
    c = pc.signal(np.random.default_rng(0), net.config)
    evaluated, rec = net.run(start, c, seed=0, learning=False)
    assert len(rec["i"]) > 100
    np.testing.assert_array_equal(evaluated["Omega"], start["Omega"])
    np.testing.assert_array_equal(evaluated["F"], start["F"])
    trained, _ = net.run(start, c, seed=0, learning=True)
    assert np.max(np.abs(trained["Omega"] - start["Omega"])) > 1e-3


def test_a_passed_unit_check_is_remembered_across_processes_and_a_failed_one_is_not(tmp_path, monkeypatch):
    """The mark a passed check leaves in the cache lets a new process skip the check (here: the
    in-process memory cleared and Brian2's Network made to fail); a unit error leaves no mark."""
    import brian2

    from neurosims.models import files

    monkeypatch.setenv("NEUROSIMS_CACHE", str(tmp_path / "cache"))
    model = find_model("erbp_two_compartment")
    monkeypatch.setattr(files, "_PASSED_UNIT_CHECK", set())
    check_units(model)
    assert len(list((tmp_path / "cache" / "unit-checks").iterdir())) == 1
    monkeypatch.setattr(files, "_PASSED_UNIT_CHECK", set())

    def no_network(*args, **kwargs):
        raise AssertionError("the check ran again")

    monkeypatch.setattr(brian2, "Network", no_network)
    check_units(model)  # skipped: its mark is there
    monkeypatch.undo()
    monkeypatch.setenv("NEUROSIMS_CACHE", str(tmp_path / "cache"))
    bad = tmp_path / "bad.py"
    bad.write_text(model.path.read_text().replace("dI/dt = -I/tau_syn : volt", "dI/dt = -I/tau_syn : amp"))
    for _ in range(2):  # refused both times: a failed check is not remembered
        with pytest.raises(NeurosimsError, match="bad.py"):
            check_units(load_model_file(bad))
    assert len(list((tmp_path / "cache" / "unit-checks").iterdir())) == 1
