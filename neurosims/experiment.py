"""What an experiment is, written once, and the one path that runs any of them.

An experiment reproduces a published task. Its module in experiments/ defines a subclass of
`Experiment` and registers it in experiments/__init__.py. A run goes through its stages in
this order:

  1. configuration  `Config`: a frozen dataclass whose defaults are the paper's protocol;
                    `presets`: named protocols, every value with its source (config.py)
  2. models         `roles`: the model file of each role (`--model ROLE=PATH` swaps one);
                    `compose`: synapses, rules and optimizers joined into what each group
                    runs; `parameters`: the table of their parameters (models/)
  3. blueprint      `blueprint(config, models, params)`: the Brian2 network of one run and
                    what crosses its boundary (blueprint.py)
  4. simulator      runtime mode, or compiled once and run many times (simulators/)
  5. task           `network(config, models, params, simulator, seed)`: the simulator with
                    what the seed draws (initial weights, inputs, targets) and the
                    conversions between the task's arrays and the simulator's
  6. training       `initial_state(net)`; `train(net, state, chunk)`, one chunk of learning;
                    `finished(net, state)`, a stopping criterion; `schedule(config)`, how
                    many chunks and which are measured (run in chunks by training.py)
  7. evaluation     `evaluate(net, state, chunk) -> (metrics, arrays)`; `summarise(history)`
  8. figures        `figures(config, history, before, after) -> {file name: figure}`

`prepare` resolves a command's words through stages 1-3 and checks them; `Prepared.run` goes
through the rest, for any experiment. `sweep`, `export` and `collect` (batch/) use the same
stages. An experiment whose training cannot be replayed by its compiled binary alone says why
in `export_refusal`; the others give `state_from_outputs`, the training state read back from
what the binary wrote.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

from neurosims.errors import NeurosimsError


@dataclass(frozen=True)
class Schedule:
    """The chunks of a training: how many, which are measured (0: before training), and how
    much simulated time one chunk is."""

    chunks: int
    measured: list[int]
    chunk_seconds: float


class Experiment:
    """One reproduced task; see the module docstring for the stages a subclass fills in."""

    name: str  # as `neurosims run NAME` knows it
    learner: str | None = None  # for experiments with several learners
    Config: type
    presets: dict  # name -> config.Preset
    roles: dict[str, str]  # role -> model file (library name) that fills it
    export_refusal: str | None = None  # why `neurosims export` cannot replay the training
    summary_keys: tuple[str, ...]  # the metrics summarise() gives (sweep --plot checks against them)

    @property
    def label(self) -> str:
        return self.name + (f" --learner {self.learner}" if self.learner else "")

    # -- models ---------------------------------------------------------------------------------

    def load_roles(self, overrides: dict[str, str] | None = None) -> dict:
        """The model of each role: the library's, or the user's file (`--model ROLE=PATH`)."""
        from neurosims.models import load_roles

        return load_roles(self.roles, overrides, self.label)

    def load_models(self, overrides: dict[str, str] | None = None) -> dict:
        """What each group runs: the models of the roles, composed."""
        return self.compose(self.load_roles(overrides))

    def compose(self, loaded: dict) -> dict:
        """What each group runs, from the loaded models of the roles."""
        return loaded

    def parameters(self, models: dict) -> dict:
        from neurosims.models import merge_parameters

        return merge_parameters(list(models.values()))

    def check(self, config, params: dict, models: dict) -> None:
        """Structural checks before anything runs or is written (a bad matrix, a bad shape)."""
        self.blueprint(config, models, params)

    # -- the stages every experiment fills in ---------------------------------------------------

    def blueprint(self, config, models: dict, params: dict):
        raise NotImplementedError

    def network(self, config, models: dict, params: dict, simulator, seed: int):
        raise NotImplementedError

    def initial_state(self, net) -> dict:
        raise NotImplementedError

    def train(self, net, state: dict, chunk: int) -> dict:
        raise NotImplementedError

    def finished(self, net, state: dict) -> bool:
        return False

    def schedule(self, config) -> Schedule:
        raise NotImplementedError

    def evaluate(self, net, state: dict, chunk: int) -> tuple[dict, dict]:
        raise NotImplementedError

    def summarise(self, history: list[dict]) -> dict:
        raise NotImplementedError

    def figures(self, config, history: list[dict], before: dict, after: dict) -> dict:
        raise NotImplementedError

    def state_from_outputs(self, net, outputs: dict) -> dict:
        """The training state after a chunk, from the arrays the compiled binary wrote."""
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# From a command's words to a run


def load_experiment(name: str, learner: str | None = None) -> Experiment:
    """The experiment `name`, with `learner` where it has several (the first is the default)."""
    from neurosims.experiments import EXPERIMENTS, LEARNERS

    if name not in EXPERIMENTS:
        raise NeurosimsError(f"unknown experiment {name!r}; available: {', '.join(EXPERIMENTS)}")
    module = EXPERIMENTS[name]
    if learner is not None:
        if name not in LEARNERS:
            raise NeurosimsError(f"experiment {name!r} has one learner; --learner applies to: {', '.join(LEARNERS)}")
        if learner not in LEARNERS[name]:
            raise NeurosimsError(f"unknown learner {learner!r} for {name}; available: {', '.join(LEARNERS[name])}")
        module = LEARNERS[name][learner]
    return importlib.import_module(module).EXPERIMENT


@dataclass
class Prepared:
    """An experiment with its configuration, parameters and models, resolved and checked, and
    the record of what was asked (run.json)."""

    experiment: Experiment
    config: object
    params: dict
    models: dict
    record: dict

    def blueprint(self):
        return self.experiment.blueprint(self.config, self.models, self.params)

    def network(self, simulator, seed: int):
        return self.experiment.network(self.config, self.models, self.params, simulator, seed)

    def trainer(self, net):
        """The experiment's training on `net`, for training.train_in_chunks."""
        from neurosims.training import Trainer

        experiment, schedule = self.experiment, self.experiment.schedule(self.config)
        return Trainer(initial=experiment.initial_state(net),
                       step=lambda state, chunk: experiment.train(net, state, chunk),
                       measure=lambda state, chunk: experiment.evaluate(net, state, chunk),
                       total=schedule.chunks, measure_at=sorted({*schedule.measured, schedule.chunks}),
                       finished=lambda state: experiment.finished(net, state))

    def check_run(self, out: Path, seed: int, device: str, resume: bool):
        """Refuse a run that cannot be made (a bad seed, device or output folder; to resume, a
        folder whose run was defined otherwise). Returns the run's store."""
        from neurosims.simulators import DEVICES
        from neurosims.store import RunStore

        check_seed(seed)
        if device not in DEVICES:
            raise NeurosimsError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
        store = RunStore(out)
        store.check(dict(self.record, seed=seed, device=device), resume)
        return store

    def run(self, out: Path, seed: int, device: str = "standalone", resume: bool = False,
            progress: bool = True, cache_dir=None, figures: bool = True) -> dict:
        """Train and evaluate; write checkpoints, metrics, arrays and figures to `out`.
        Returns the history of measurements, the summary and whether the build was compiled."""
        from neurosims import plots
        from neurosims.simulators import open_simulator
        from neurosims.training import train_in_chunks, write_results

        store = self.check_run(out, seed, device, resume)  # stops here, before compiling, if it must
        sim = open_simulator(self.blueprint(), device, cache_dir, announce=progress)  # a model error stops here
        net = self.network(sim, seed)
        checkpoint = store.start(dict(self.record, seed=seed, device=device), resume)
        try:
            schedule = self.experiment.schedule(self.config)
            _, history = train_in_chunks(store, checkpoint, self.trainer(net), schedule.chunk_seconds,
                                         f"{self.experiment.label} [{device}]", progress)
            summary = self.experiment.summarise(history)
            before, after = write_results(store, history, summary)
            if figures:
                for name, figure in self.experiment.figures(self.config, history, before, after).items():
                    plots.save(figure, store.figures / name)
        finally:
            store.close()
        return {"history": history, "summary": summary, "compiled": sim.compiled}


LARGEST_SEED = 2**32 - 1


def check_seed(seed) -> int:
    """A seed is a whole number from 0 to 2**32 - 1 (what the compiled binary reads)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= LARGEST_SEED:
        raise NeurosimsError(f"the seed must be a whole number from 0 to {LARGEST_SEED}, not {seed!r}")
    return seed


def prepare(name: str, preset: str = "default", sets: list[str] = (), model_files: list[str] = (),
            learner: str | None = None) -> Prepared:
    """Resolve `neurosims run NAME --preset P --set ... --model ROLE=PATH --learner L` and check
    it, without running anything."""
    from neurosims.config import describe, resolve

    experiment = load_experiment(name, learner)
    overrides = {}
    for item in model_files:
        role, sep, path = item.partition("=")
        if not sep or not role.strip() or not path.strip():
            raise NeurosimsError(f"--model expects ROLE=PATH, got {item!r}")
        overrides[role.strip()] = path.strip()
    loaded = experiment.load_roles(overrides)
    models = experiment.compose(loaded)
    config, params, sources = resolve(experiment.Config, experiment.presets, preset, list(sets),
                                      experiment.parameters(models))
    experiment.check(config, params, models)
    record = {"experiment": name, "learner": experiment.learner, "preset": preset,
              "models": {role: str(m.path) for role, m in loaded.items()},
              "model_hashes": {role: hashlib.sha256(m.path.read_bytes()).hexdigest()[:16] for role, m in loaded.items()},
              **describe(config, params, sources)}
    return Prepared(experiment, config, params, models, record)
