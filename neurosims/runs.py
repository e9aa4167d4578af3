"""From a command's words to a run: the experiment, its models, config, parameters and the
record of what was asked. Used by `neurosims run`, by sweep tasks on Dask workers (which get
these plain words, never Brian2 objects) and by notebooks."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from neurosims.errors import NeurosimsError


@functools.cache
def import_brian():
    """Import Brian2 for a command or a sweep worker, once per process: its INFO messages and
    setuptools' deprecation noise are not for users, and its garbage collections should be cheap."""
    import gc
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    import brian2

    # Brian2 collects garbage before every run (its checks for unused objects); with Brian2,
    # SymPy and Matplotlib imported a collection costs ~90 ms. Their objects live as long as
    # the process, so they are moved out of the collector's reach, once.
    gc.freeze()
    brian2.BrianLogger.log_level_warn()
    brian2.BrianLogger.suppress_name("unused_brian_object")  # after an error we report ourselves
    brian2.prefs.logging.std_redirection = False


def load_experiment(name: str, learner: str | None = None) -> ModuleType:
    """The module of experiment `name`, with `learner` where the experiment has several."""
    from neurosims.experiments import EXPERIMENTS, LEARNERS

    if name not in EXPERIMENTS:
        raise NeurosimsError(f"unknown experiment {name!r}; available: {', '.join(EXPERIMENTS)}")
    if learner is None:
        return importlib.import_module(EXPERIMENTS[name])
    if name not in LEARNERS:
        raise NeurosimsError(f"experiment {name!r} has one learner; --learner applies to: {', '.join(LEARNERS)}")
    if learner not in LEARNERS[name]:
        raise NeurosimsError(f"unknown learner {learner!r} for {name}; available: {', '.join(LEARNERS[name])}")
    return importlib.import_module(LEARNERS[name][learner])


@dataclass
class Prepared:
    """Everything a run needs, resolved and checked."""

    name: str
    experiment: ModuleType
    config: object
    params: dict
    models: dict
    description: dict

    def blueprint(self):
        return self.experiment.blueprint(self.config, self.models)

    def run(self, out: Path, seed: int, device: str = "standalone", resume: bool = False,
            progress: bool = True, cache_dir=None, figures: bool = True) -> dict:
        return self.experiment.run(self.config, self.params, Path(out), seed=seed, device=device,
                                   models=self.models, resume=resume, progress=progress,
                                   cache_dir=cache_dir, description=dict(self.description, seed=seed,
                                                                         device=device),
                                   figures=figures)


def prepare(name: str, preset: str = "default", sets: list[str] = (), model_files: list[str] = (),
            learner: str | None = None) -> Prepared:
    """Resolve `neurosims run NAME --preset P --set ... --model ROLE=PATH --learner L` without
    running it."""
    from neurosims.config import describe, resolve  # imports Brian2: after import_brian

    experiment = load_experiment(name, learner)
    overrides = {}
    for item in model_files:
        role, sep, path = item.partition("=")
        if not sep or not path:
            raise NeurosimsError(f"--model expects ROLE=PATH, got {item!r}")
        overrides[role.strip()] = path.strip()
    models = experiment.load_models(overrides)
    config, params = resolve(experiment.Config, experiment.PRESETS, preset, list(sets),
                             experiment.parameters(models))
    experiment.blueprint(config, models)  # structural checks (e.g. a bad matrix) before any run
    description = {"experiment": name, "preset": preset, **({"learner": learner} if learner else {}),
                   "models": {role: str(m.path) for role, m in models.items()},
                   **describe(config, params)}
    return Prepared(name, experiment, config, params, models, description)
