"""Experiments reproducing published tasks; ``neurosims run NAME`` runs one."""

EXPERIMENTS = {
    "predictive-coding": "neurosims.experiments.predictive_coding",
    "balance": "neurosims.experiments.balance",
    "eprop-pattern": "neurosims.experiments.eprop_pattern",
    "eprop-evidence": "neurosims.experiments.eprop_evidence",
    "delayed-memory": "neurosims.experiments.delayed_memory",
    "fast-coding": "neurosims.experiments.fast_coding",
}

# Experiments with more than one learner (`neurosims run NAME --learner L`); the first is the default.
LEARNERS = {
    "delayed-memory": {"eprop": "neurosims.experiments.delayed_memory",
                       "exact": "neurosims.experiments.delayed_memory_exact"},
}
