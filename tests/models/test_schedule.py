"""The step schedule: one network with every field of the model-file format, each field's code
stamping a counter, runs them in the order of the table in models/schedule.py."""

import dataclasses

import numpy as np

from neurosims.models import STEP, combine, load_model_file, make_group, make_synapses

STAMPED = [row for row in STEP if row.name not in ("EQUATIONS", "THRESHOLD")]


def stamp(row) -> str:
    """The name of the variable a row's code writes its turn into."""
    return f"at_{row.name.lower()}_{row.holder}".replace("_pre", "_presyn").replace("_post", "_postsyn")


def code(row) -> str:
    counter = "k" if row.holder == "group" else "k_post"
    return f"{counter} += 1\n{stamp(row)} = {counter}"


def model_file(path, kind, rows, extra=""):
    """A model file whose every field of `rows` stamps its turn."""
    variables = "\n".join(f"{stamp(row)} : 1" for row in rows)
    fields = "\n".join(f"{row.name} = {code(row)!r}" for row in rows)
    path.write_text(f'"""A {kind} that stamps when its code runs."""\nKIND = "{kind}"\nCITATION = "test"\n'
                    f'EQUATIONS = """\n{variables}\n{extra}"""\n{fields}\nPARAMETERS = {{}}\n'
                    + ('POST = "k : 1"\n' if kind != "neuron" else "")
                    + ('SYNAPSE = "w : 1"\nLEARNING_RATES = ()\n' if kind in ("plasticity", "optimizer") else ""))
    return load_model_file(path)


def test_every_field_runs_in_the_order_of_the_table(tmp_path):
    from brian2 import Network, ms, prefs

    prefs.codegen.target = "numpy"
    by_kind = {kind: [row for row in STAMPED if kind in row.models.split(", ")]
               for kind in ("neuron", "synapse", "plasticity", "optimizer")}
    # a synapse and its rule share their step code (one block per field): the rule stamps
    # only its own pathways
    by_kind["plasticity"] = [row for row in by_kind["plasticity"] if row.holder.startswith("learn_")]
    neuron = model_file(tmp_path / "stamping_neuron.py", "neuron", by_kind["neuron"], "k : 1\n")
    neuron = dataclasses.replace(neuron, threshold="True")  # a spike every step
    synapse = model_file(tmp_path / "stamping_synapse.py", "synapse", by_kind["synapse"], "w : 1\n")
    rule = model_file(tmp_path / "stamping_rule.py", "plasticity", by_kind["plasticity"])
    optimizer = model_file(tmp_path / "stamping_optimizer.py", "optimizer", by_kind["optimizer"])
    step = 0.1 * ms  # every periodic field runs at every step
    cell = make_group(neuron, 1, "cell", {}, sequence=step, window=step, dt=step)
    syn = make_synapses(combine(combine(synapse, rule), optimizer), cell, cell, "syn", {}, sequence=step,
                        update_every=step, window=step, dt=step)
    syn.connect()
    Network(cell, syn).run(3 * step, namespace={})  # the last step: every field, in its turn
    turns = {}
    for row in STAMPED:
        group = cell if row.holder == "group" else syn
        turns[stamp(row)] = float(np.asarray(getattr(group, stamp(row)))[0])
    assert len(STAMPED) == 16
    ran = sorted(turns, key=turns.get)
    assert ran == [stamp(row) for row in STAMPED]
    assert len(set(turns.values())) == len(turns)  # each ran once in the step
    last = float(np.asarray(cell.k)[0])
    assert last - min(turns.values()) == len(turns) - 1  # and all of them in the last step


def test_the_table_is_printed_by_the_command_line():
    from neurosims.cli import format_schedule

    text = format_schedule()
    for row in STEP:
        assert row.name in text and row.example in text
    assert text.index("START_OF_STEP") < text.index("ON_UPDATE") < text.index("END_OF_STEP")
