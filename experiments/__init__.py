"""Experiments reproducing published tasks; ``neurosims run NAME`` runs one.

Each module defines its experiment (a neurosims.experiment.Experiment) as EXPERIMENT. The
tests that hold every experiment to the same contract (run, resume, export and collect, bad
input) are parametrized over `variants()`: an experiment added here is covered by them.
"""

EXPERIMENTS = {
    "predictive-coding": "neurosims.experiments.predictive_coding",
    "balance": "neurosims.experiments.balance",
    "eprop-pattern": "neurosims.experiments.eprop_pattern",
    "eprop-evidence": "neurosims.experiments.eprop_evidence",
    "delayed-memory": "neurosims.experiments.delayed_memory",
    "fast-coding": "neurosims.experiments.fast_coding",
    "decolle": "neurosims.experiments.decolle",
    "erbp": "neurosims.experiments.erbp",
    "superspike": "neurosims.experiments.superspike",
    "rflo": "neurosims.experiments.rflo",
    "ostl": "neurosims.experiments.ostl",
    "rule-alignment": "neurosims.experiments.rule_alignment",
}

# Experiments with more than one learner (`neurosims run NAME --learner L`); the first is the default.
LEARNERS = {
    "delayed-memory": {"eprop": "neurosims.experiments.delayed_memory",
                       "exact": "neurosims.experiments.delayed_memory_exact"},
}


def variants() -> list[tuple[str, str | None]]:
    """Every experiment and learner: (name, None) for an experiment with one learner."""
    return [(name, learner) for name in EXPERIMENTS for learner in (LEARNERS.get(name) or [None])]
