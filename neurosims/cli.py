"""The `neurosims` command line (argument parsing; every refusal of bad input is one line).

    neurosims models                      list the model library
    neurosims models show NAME|PATH       equations, step schedule and parameter table of a model
    neurosims models schedule             when each field of a model file runs in a time step
    neurosims run EXPERIMENT [--preset P] [--set name=value ...] [--seed N] [--learner L]
                  [--device runtime|standalone] [--model ROLE=PATH] [--out DIR] [--resume]
    neurosims sweep | export | collect    many runs: Dask, or a portable build for clusters
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from neurosims.errors import NeurosimsError
from neurosims.simulators import import_brian


DATA_HELP = ("data, for the experiments that read it: decolle: braille, digits-saccades, nmnist:DIR, "
             "dvsgesture:DIR, shd:DIR (DIR in tonic's layout); erbp: digits, mnist:DIR (the four IDX files); "
             "never downloaded; the same as --set data=SPEC")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except NeurosimsError as err:
        print(f"neurosims: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`neurosims models | head`)
        sys.stdout = open(os.devnull, "w")  # nothing more to flush at exit
        return 0
    except KeyboardInterrupt:
        print("neurosims: interrupted; rerun with --resume to continue from the last checkpoint",
              file=sys.stderr)
        return 130
    except Exception as err:  # not a refusal of the user's input: a fault of neurosims
        if os.environ.get("NEUROSIMS_TRACEBACK"):
            raise
        print(f"neurosims: internal error: {type(err).__name__}: {' '.join(str(err).split())} (a fault of "
              "neurosims, not of your input; NEUROSIMS_TRACEBACK=1 shows where)", file=sys.stderr)
        return 1


DESCRIPTION = """Spiking networks that learn with local plasticity rules: Brian2 models from a
library you can edit, compiled once to C++ and run many times, in experiments that reproduce
published tasks."""

EXAMPLES = """examples:
  neurosims run --list                                 the experiments
  neurosims run predictive-coding --preset quick       train and evaluate; results in ~/neurosims-runs
  neurosims run balance --set n_neurons=20 --seed 3 --out runs/b3
  neurosims run delayed-memory --learner exact --preset tiny
  neurosims models show spike_coding                   a model's equations, code and parameters
  neurosims sweep predictive-coding --grid eps_r=1e-3,2e-3 --seeds 1-5 --out sweeps/eps
"""


def _parser() -> argparse.ArgumentParser:
    from neurosims import __version__

    parser = argparse.ArgumentParser(prog="neurosims", description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"neurosims {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    models = commands.add_parser("models", help="list the model library, or show one model")
    models.add_argument("action", nargs="?", choices=["show", "schedule"],
                        help="show one model, or the step schedule of the model-file fields")
    models.add_argument("name", nargs="?", help="model name (see `neurosims models`) or path of a model file")
    models.set_defaults(handler=_models)

    run = commands.add_parser("run", help="run an experiment")
    run.add_argument("experiment", help="experiment name (see `neurosims run --list`)", nargs="?")
    run.add_argument("--list", action="store_true", help="list the experiments")
    run.add_argument("--preset", default="default",
                     help="named preset: tiny, quick, default (the default), paper")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="override a config field or model parameter, e.g. eps_r=2e-3 or dt=0.2*ms")
    run.add_argument("--learner", help="the learner, for experiments with several (delayed-memory: eprop, exact)")
    run.add_argument("--data", metavar="SPEC", help=DATA_HELP)
    run.add_argument("--seed", type=int, default=0, help="random seed, 0 to 2**32 - 1 (default 0)")
    run.add_argument("--device", default="standalone", choices=["runtime", "standalone"],
                     help="Brian2 runtime mode or compiled C++ (default)")
    run.add_argument("--model", action="append", default=[], metavar="ROLE=PATH",
                     help="use your own model file for one role, e.g. neuron=my_neuron.py")
    run.add_argument("--out", type=Path, help="output folder (default: a new folder under "
                     "~/neurosims-runs)")
    run.add_argument("--resume", action="store_true", help="continue the run in --out from its "
                     "last checkpoint")
    run.add_argument("--quiet", action="store_true", help="no progress display")
    run.add_argument("--no-figures", action="store_true", help="write metrics and arrays only")
    run.set_defaults(handler=_run)

    sweep = commands.add_parser("sweep", help="run an experiment over a grid of values and seeds on Dask")
    _experiment_arguments(sweep)
    sweep.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                       help="values to sweep (repeat for a grid)")
    sweep.add_argument("--seeds", default="0", help="seeds: 1-20 or 1,4,9 (default 0)")
    sweep.add_argument("--cluster", default="local",
                       help="local (default), slurm, pbs, or a scheduler address tcp://host:port")
    sweep.add_argument("--cluster-config", type=Path, help="JSON options for the SLURM/PBS cluster "
                       "(dask-jobqueue's arguments, e.g. cores, memory, queue, walltime)")
    sweep.add_argument("--workers", type=int, default=2, help="number of workers (default 2)")
    sweep.add_argument("--retries", type=int, default=2, help="retries of a failed task (default 2)")
    sweep.add_argument("--out", type=Path, help="sweep folder (default: a new folder under ~/neurosims-runs)")
    sweep.add_argument("--plot", metavar="METRIC", help="draw METRIC against the first swept parameter")
    sweep.add_argument("--plot-param", metavar="NAME", help="the swept parameter for --plot's x axis")
    sweep.set_defaults(handler=_sweep)

    export = commands.add_parser("export", help="export a compiled experiment for nodes without Python")
    _experiment_arguments(export)
    export.add_argument("--seeds", default="0", help="seeds to prepare tasks for: 1-20 or 1,4,9")
    export.add_argument("--out", type=Path, required=True, help="the folder to create")
    export.set_defaults(handler=_export)

    collect = commands.add_parser("collect", help="read an exported folder's results into a table")
    collect.add_argument("folder", type=Path, help="a folder made by `neurosims export`")
    collect.set_defaults(handler=_collect)
    return parser


def _experiment_arguments(parser):
    """The experiment, preset, --set values, learner and model files of a batch (sweep,
    export): quick by default."""
    parser.add_argument("experiment", help="experiment name (see `neurosims run --list`)")
    parser.add_argument("--preset", default="quick", help="named preset (default quick)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for every task")
    parser.add_argument("--learner", help="the learner, for experiments with several")
    parser.add_argument("--data", metavar="SPEC", help=DATA_HELP)
    parser.add_argument("--model", action="append", default=[], metavar="ROLE=PATH",
                        help="use your own model file for one role, in every task")


def _sets(args) -> list[str]:
    """The --set values, with --data as the value of the config field `data`."""
    return list(args.set) + ([f"data={args.data}"] if args.data else [])


def _models(args) -> int:
    from neurosims.models import find_model, library, load_model_file

    if args.action is None:
        rows = [(name, load_model_file(path)) for name, path in library().items()]
        for name, model in sorted(rows, key=lambda r: (r[1].kind, r[0])):
            print(f"{model.kind:<11} {name:<26} {model.summary}")
        return 0
    if args.action == "schedule":
        print(format_schedule())
        return 0
    if not args.name:
        raise NeurosimsError("`neurosims models show` needs a model name or file")
    print(format_model(find_model(args.name)))
    return 0


def format_schedule() -> str:
    """The step schedule (models/schedule.py) as a table: field, models, slot, when, example."""
    from neurosims.models import STEP

    lines = ["One time step runs these rows from top to bottom (Brian2's slot and order within it).",
             "Code run once per window, trial or weight update runs in the first step of each, t = 0 included.", ""]
    lines.append(f"{'field':<17} {'models':<20} {'slot':<18} when it runs")
    for row in STEP:
        lines.append(f"{row.name:<17} {row.models:<20} {f'{row.when} {row.order:+d}':<18} {row.runs}")
        lines.append(f"{'':<57} e.g. {row.example}")
    return "\n".join(lines)


def format_model(model) -> str:
    """A model as text: summary, citation, equations, code with when it runs in a time step,
    parameter table (generated from the file, never written twice)."""
    from neurosims.models.schedule import rows_of

    lines = [f"{model.name} ({model.kind}) - {model.path}", "", model.description.strip(), "",
             f"Citation: {model.citation}", "", "Equations:"]
    lines += ["  " + ln.strip() for ln in model.equations.strip().splitlines()] or ["  (none)"]
    for field in ("THRESHOLD", "REFRACTORY"):
        if getattr(model, field.lower()):
            lines += [f"{field}:", "  " + getattr(model, field.lower()).strip()]
    rows = rows_of(model)
    if rows:
        lines += ["", "Code, in the order it runs in a time step (see models/schedule.py):"]
    for row in rows:
        lines += [f"{row.name} ({row.when}, {row.runs}):"]
        lines += ["  " + ln.strip() for ln in getattr(model, row.name.lower()).strip().splitlines()]
    if model.learning_rates:
        lines += ["", f"Learning rates (0: no learning): {', '.join(model.learning_rates)}"]
    lines += ["", "Parameters:"]
    if not model.parameters:
        lines.append("  (none)")
    width = max([len(p) for p in model.parameters] + [4])
    for p in model.parameters.values():
        lines.append(f"  {p.name:<{width}}  {str(p.value):<22} {p.description}")
        lines.append(f"  {'':<{width}}  {'':<22} source: {p.source}")
    return "\n".join(lines)


def _run(args) -> int:
    from neurosims.experiments import EXPERIMENTS, LEARNERS
    from neurosims.models.model import first_sentence

    if args.list or not args.experiment:
        for name, module in EXPERIMENTS.items():
            print(f"{name:<20} {first_sentence(importlib.import_module(module).__doc__)}")
            if name in LEARNERS:
                print(f"{'':<20} learners (--learner): {', '.join(LEARNERS[name])}; the first is the default")
        return 0
    import_brian()
    from neurosims.experiment import prepare

    prepared = prepare(args.experiment, args.preset, _sets(args), args.model, args.learner)
    out = args.out or Path.home() / "neurosims-runs" / f"{args.experiment}-{time.strftime('%Y%m%d-%H%M%S')}"
    prepared.check_run(out, args.seed, args.device, args.resume)
    learner = f", learner {args.learner}" if args.learner else ""
    print(f"neurosims: {args.experiment}{learner}, preset {args.preset}, seed {args.seed}, "
          f"{args.device}; writing to {out}", file=sys.stderr)
    result = prepared.run(out, seed=args.seed, device=args.device, resume=args.resume,
                          progress=not args.quiet, figures=not args.no_figures)
    print(f"neurosims: done. Summary ({out / 'metrics.json'}):")
    from neurosims.plots import metric_unit

    for key, value in result["summary"].items():
        shown = f"{value:.4g}" if isinstance(value, float) else f"{value}"
        unit = metric_unit(key) if not isinstance(value, bool) else ""
        print(f"  {key:<24} {shown}{' ' + unit if unit else ''}")
    if not args.no_figures:
        print(f"  figures in {out / 'figures'}")
    return 0


def _sweep(args) -> int:
    import_brian()
    from neurosims.batch.sweep import parse_grid, parse_seeds, plot_metric, run_sweep

    grid, seeds = parse_grid(args.grid), parse_seeds(args.seeds)
    if args.workers < 1 or args.retries < 0:
        raise NeurosimsError("--workers must be at least 1 and --retries at least 0")
    out = args.out or Path.home() / "neurosims-runs" / f"sweep-{args.experiment}-{time.strftime('%Y%m%d-%H%M%S')}"
    rows = run_sweep(args.experiment, args.preset, _sets(args), grid, seeds, out, cluster=args.cluster,
                     workers=args.workers, retries=args.retries, cluster_config=args.cluster_config,
                     model_files=args.model, learner=args.learner, plot=args.plot, plot_param=args.plot_param)
    failed = [r for r in rows if r["status"] != "done"]
    print(f"neurosims sweep: {len(rows) - len(failed)} of {len(rows)} tasks done; table {out / 'results.csv'}")
    for row in failed:
        print(f"  failed {row['task']}: {row.get('error', '')}")
    if args.plot:
        print(f"  figure {plot_metric(out, args.plot, args.plot_param)}")
    return 1 if failed else 0


def _export(args) -> int:
    import_brian()
    from neurosims.batch.export import export
    from neurosims.batch.sweep import parse_seeds

    folder = export(args.experiment, args.preset, _sets(args), parse_seeds(args.seeds), args.out,
                    model_files=args.model, learner=args.learner)
    print(f"neurosims export: {folder}\n  one task:  bash {folder / 'run_task.sh'} SEED OUTDIR\n"
          f"  SLURM:     cd {folder} && sbatch slurm_array.sh\n  then:      neurosims collect {folder}")
    return 0


def _collect(args) -> int:
    import_brian()
    from neurosims.batch.export import collect

    rows = collect(args.folder)
    done = sum(r["status"] == "done" for r in rows)
    print(f"neurosims collect: {done} of {len(rows)} tasks finished; table {args.folder / 'results.csv'}")
    return 0 if done == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
