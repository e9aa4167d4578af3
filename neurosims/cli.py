"""The `neurosims` command: parses arguments and dispatches; every bad input is one line.

    neurosims models                      list the model library
    neurosims models show NAME|PATH       equations and parameter table of one model
    neurosims run EXPERIMENT [--preset P] [--set name=value ...] [--seed N]
                  [--device runtime|standalone] [--model ROLE=PATH] [--out DIR] [--resume]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import warnings
from pathlib import Path

from neurosims.errors import NeurosimsError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except NeurosimsError as err:
        print(f"neurosims: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neurosims: interrupted; rerun with --resume to continue from the last checkpoint",
              file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neurosims", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    models = commands.add_parser("models", help="list the model library, or show one model")
    models.add_argument("action", nargs="?", choices=["show"], help="show one model")
    models.add_argument("name", nargs="?", help="model name or path of a model file")
    models.set_defaults(handler=_models)

    run = commands.add_parser("run", help="run an experiment")
    run.add_argument("experiment", help="experiment name (see `neurosims run --list`)", nargs="?")
    run.add_argument("--list", action="store_true", help="list the experiments")
    run.add_argument("--preset", default="default", help="named preset: quick, default, paper")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="override a config field or model parameter, e.g. eps_r=2e-3 or dt=0.2*ms")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--device", default="standalone", choices=["runtime", "standalone"],
                     help="Brian2 runtime mode or compiled C++ (default)")
    run.add_argument("--model", action="append", default=[], metavar="ROLE=PATH",
                     help="use your own model file for one role, e.g. neuron=my_neuron.py")
    run.add_argument("--out", type=Path, help="output folder (default: a new folder under "
                     "~/neurosims-runs)")
    run.add_argument("--resume", action="store_true", help="continue the run in --out from its "
                     "last checkpoint")
    run.add_argument("--quiet", action="store_true", help="no progress display")
    run.set_defaults(handler=_run)
    return parser


def _models(args) -> int:
    from neurosims.models import find_model, library, load_model_file

    if args.action is None:
        rows = [(name, load_model_file(path)) for name, path in library().items()]
        for name, model in sorted(rows, key=lambda r: (r[1].kind, r[0])):
            print(f"{model.kind:<11} {name:<26} {model.summary}")
        return 0
    if not args.name:
        raise NeurosimsError("`neurosims models show` needs a model name or file")
    print(format_model(find_model(args.name)))
    return 0


def format_model(model) -> str:
    """A model as text: summary, citation, equations, code, parameter table (generated from the
    file, never written twice)."""
    lines = [f"{model.name} ({model.kind}) - {model.path}", "", model.description.strip(), "",
             f"Citation: {model.citation}", "", "Equations:"]
    lines += ["  " + ln.strip() for ln in model.equations.strip().splitlines()] or ["  (none)"]
    for field in ("threshold", "reset", "refractory", "on_pre", "on_post"):
        code = getattr(model, field)
        if code:
            lines += [f"{field}:"] + ["  " + ln.strip() for ln in code.strip().splitlines()]
    lines += ["", "Parameters:"]
    if not model.parameters:
        lines.append("  (none)")
    width = max([len(p) for p in model.parameters] + [4])
    for p in model.parameters.values():
        lines.append(f"  {p.name:<{width}}  {str(p.value):<22} {p.description}")
        lines.append(f"  {'':<{width}}  {'':<22} source: {p.source}")
    return "\n".join(lines)


def _experiment(name: str):
    from neurosims.experiments import EXPERIMENTS

    if name not in EXPERIMENTS:
        raise NeurosimsError(f"unknown experiment {name!r}; available: {', '.join(EXPERIMENTS)}")
    return importlib.import_module(EXPERIMENTS[name])


def _run(args) -> int:
    from neurosims.experiments import EXPERIMENTS

    if args.list or not args.experiment:
        for name, module in EXPERIMENTS.items():
            doc = importlib.import_module(module).__doc__.strip().splitlines()[0]
            print(f"{name:<20} {doc}")
        return 0
    _quiet_brian()
    from neurosims.config import describe, resolve

    experiment = _experiment(args.experiment)
    overrides = {}
    for item in args.model:
        role, sep, path = item.partition("=")
        if not sep or not path:
            raise NeurosimsError(f"--model expects ROLE=PATH, got {item!r}")
        overrides[role.strip()] = path.strip()
    models = experiment.load_models(overrides)
    config, params = resolve(experiment.Config, experiment.PRESETS, args.preset, args.set,
                             experiment.parameters(models))
    out = args.out or Path.home() / "neurosims-runs" / f"{args.experiment}-{time.strftime('%Y%m%d-%H%M%S')}"
    description = {"experiment": args.experiment, "preset": args.preset, "seed": args.seed,
                   "device": args.device, "models": {r: str(m.path) for r, m in models.items()},
                   **describe(config, params)}
    print(f"neurosims: {args.experiment}, preset {args.preset}, seed {args.seed}, "
          f"{args.device}; writing to {out}", file=sys.stderr)
    result = experiment.run(config, params, out, seed=args.seed, device=args.device, models=models,
                            resume=args.resume, progress=not args.quiet, description=description)
    print(f"neurosims: done. Summary ({out / 'metrics.json'}):")
    for key, value in result["summary"].items():
        print(f"  {key:<24} {value:.4g}" if isinstance(value, float) else f"  {key:<24} {value}")
    print(f"  figures in {out / 'figures'}")
    return 0


def _quiet_brian():
    """Brian2's INFO messages and setuptools' deprecation noise are not for users."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    import brian2

    brian2.BrianLogger.log_level_warn()
    brian2.BrianLogger.suppress_name("unused_brian_object")  # after an error we report ourselves
    brian2.prefs.logging.std_redirection = False


if __name__ == "__main__":
    sys.exit(main())
