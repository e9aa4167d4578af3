"""Export a compiled experiment as a folder that runs on cluster nodes without Python.

    neurosims export predictive-coding --preset quick --seeds 1-20 --out DIR
    cd DIR && sbatch slurm_array.sh            # or: bash run_task.sh SEED results/seed-SEED
    neurosims collect DIR                      # the same table as `neurosims sweep`

The folder holds the binary built for a portable x86-64 target with its static arrays, and,
per seed, the plan of the training: one line per chunk with the seed of that chunk's noise
and the binary's command-line values (run_args). Plans are recorded by running the
experiment's own training steps against a recorder instead of the binary, so the exported
task does what `neurosims run` does: the state read back after each chunk (the files the
binary writes) is the state handed to the next one. Inputs, being drawn in Python, are
written out, each array once until it changes. `run_task.sh` needs bash, mkdir, rm, mv and cat;
`collect` reads each finished task's final state back through the experiment's
`state_from_outputs` and evaluates it with the same binary, where Python is.

Only an experiment whose training is a fixed series of compiled runs can be exported (one
run per chunk, its values known before the run); the others say why in `export_refusal`, and
export refuses them before it compiles or writes anything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from neurosims.errors import NeurosimsError
from neurosims.experiment import prepare
from neurosims.simulators.standalone import StandaloneSimulator, read_outputs
from neurosims.store import write_json

PREV, TASK = "@PREV@", "@TASK@"


class PlanRecorder:
    """Stands in for a simulator: records each run's values and returns the state it was given
    (the plan refers to the binary's results for it), with recordings of zeros of the shape a
    run writes (no spikes)."""

    def __init__(self, sim: StandaloneSimulator):
        self.sim, self.blueprint, self.compiled, self.device = sim, sim.blueprint, False, "standalone"
        self.calls = []

    def run(self, values: dict, timed: dict, seed: int) -> dict:
        self.calls.append((values, timed, seed))
        out = {}
        for name, spec in self.sim.manifest["outputs"].items():
            if name in values:
                out[name] = np.asarray(values[name], dtype=spec["dtype"]).ravel()
            else:
                rows = spec.get("rows") or 0
                out[name] = np.zeros((rows, spec["columns"]) if spec["columns"] else rows, spec["dtype"])
        return out


def export(experiment: str, preset: str, sets: list[str], seeds: list[int], out: Path,
           cache_dir: Path | None = None, model_files: list[str] = (), learner: str | None = None) -> Path:
    """The folder `out`: the experiment's portable build and, per seed, the plan of its training."""
    out = Path(out)
    prepared = prepare(experiment, preset, sets, model_files, learner)
    refusal = prepared.experiment.export_refusal
    if refusal:
        raise NeurosimsError(f"{prepared.experiment.label} cannot be exported: {refusal}")
    if out.exists() and not out.is_dir():
        raise NeurosimsError(f"export folder {out} is a file; choose another --out")
    if out.exists() and any(out.iterdir()):
        raise NeurosimsError(f"export folder {out} is not empty; choose another --out")
    sim = StandaloneSimulator(prepared.blueprint(), cache_dir, portable=True)
    staging = out.with_name(out.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    build = staging / "build"
    build.mkdir(parents=True)
    shutil.copy2(sim.directory / "main", build / "main")
    shutil.copytree(sim.directory / "static_arrays", build / "static_arrays")
    write_json(build / "manifest.json", sim.manifest)

    state_names = [n for n in sim.manifest["settable"] if n in sim.manifest["outputs"]]
    for seed in seeds:
        recorder = PlanRecorder(sim)
        trainer = prepared.trainer(prepared.network(recorder, seed))
        state = trainer.initial
        for chunk in range(1, trainer.total + 1):
            state = trainer.step(state, chunk)
        _write_plan(staging / "tasks" / f"seed-{seed}", recorder.calls, state_names, sim.manifest)

    _write_parameters(staging / "parameters.txt", sim.manifest, prepared)
    _write_scripts(staging, experiment, seeds)
    write_json(staging / "export.json", {"experiment": experiment, "preset": preset, "sets": list(sets),
                                         "models": list(model_files), "learner": learner,
                                         "seeds": seeds, "description": prepared.record})
    staging.rename(out)  # a complete folder or none
    return out


def _write_plan(task: Path, calls: list, state_names: list[str], manifest: dict):
    (task / "initial").mkdir(parents=True)
    (task / "inputs").mkdir()
    (task / "fixed").mkdir()
    outputs, settable = manifest["outputs"], manifest["settable"]
    first_values = calls[0][0]
    for name in state_names:  # chunk 1 reads its state as if from a previous chunk's results
        np.asarray(first_values[name], dtype=settable[name]["dtype"]).ravel().tofile(
            task / "initial" / outputs[name]["file"])
    written = {}  # name -> (array, file): an array that stays the same is written once
    lines = []

    def once(name, array, chunk, folder):
        if name not in written or not np.array_equal(written[name][0], array):
            written[name] = (array, f"{folder}/{name}-{chunk}.dat")
            array.tofile(task / written[name][1])
        return f"{TASK}/{written[name][1]}"

    for chunk, (values, timed, seed) in enumerate(calls, start=1):
        args = []
        for name, value in values.items():
            spec = settable[name]
            if name in state_names:
                args.append(f"{name}={PREV}/{outputs[name]['file']}")
            elif spec["scalar"]:
                args.append(f"{name}={np.asarray(value, dtype=spec['dtype']).item()!r}")
            else:
                args.append(f"{name}={once(name, np.asarray(value, dtype=spec['dtype']).ravel(), chunk, 'fixed')}")
        for name, value in timed.items():
            array = np.asarray(value, dtype=manifest["timed_arrays"][name]["dtype"])
            args.append(f"{name}.values={once(name, array, chunk, 'inputs')}")
        lines.append(f"{seed} " + " ".join(args))
    (task / "plan.txt").write_text("\n".join(lines) + "\n")


def _write_parameters(path: Path, manifest: dict, prepared):
    """'name group.var[,group.var]' for every model parameter a task can override."""
    targets = {}
    for name in manifest["settable"]:
        group, _, var = name.partition(".")
        if var in prepared.params:
            targets.setdefault(var, []).append(name)
    path.write_text("".join(f"{k} {','.join(v)}\n" for k, v in sorted(targets.items())))


RUN_TASK = r"""#!/usr/bin/env bash
# Run one exported neurosims task with the compiled binary alone (no Python):
#   bash run_task.sh SEED OUTDIR [NAME=VALUE ...]
# Every training chunk of the seed's plan runs in order; the state the binary writes after a
# chunk is the state the next chunk reads. NAME=VALUE (names in parameters.txt, plain numbers
# in SI units) replaces a model parameter in every chunk. The final state is left in
# OUTDIR/final; `neurosims collect` reads it back.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"; [[ "$here" == "${BASH_SOURCE[0]}" ]] && here="."
here="$(cd "$here" && pwd)"
if [[ $# -lt 2 ]]; then echo "usage: bash run_task.sh SEED OUTDIR [NAME=VALUE ...]" >&2; exit 2; fi
seed="$1"; out="$2"; shift 2
task="$here/tasks/seed-$seed"
if [[ ! -f "$task/plan.txt" ]]; then echo "run_task.sh: no task for seed $seed in $here/tasks" >&2; exit 2; fi
extra=()
for item in "$@"; do
  name="${item%%=*}"; value="${item#*=}"; targets=""
  while read -r pname ptargets; do
    if [[ "$pname" == "$name" ]]; then targets="$ptargets"; fi
  done < "$here/parameters.txt"
  if [[ -z "$targets" ]]; then echo "run_task.sh: unknown parameter $name (see parameters.txt)" >&2; exit 2; fi
  for target in ${targets//,/ }; do extra+=("$target=$value"); done
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
printf '%s\n' "$@" > "$out/overrides.txt"
rm -f "$out/done"
prev="$task/initial"; chunk=0
while read -r run_seed line; do
  chunk=$((chunk + 1))
  results="$out/chunk-$((chunk % 2))"
  rm -rf "$results"; mkdir -p "$results"
  read -r -a words <<< "$line"  # the plan's words; the folders put into them may hold spaces
  args=()
  for word in "${words[@]}"; do word="${word//@PREV@/$prev}"; args+=("${word//@TASK@/$task}"); done
  (cd "$here/build" && NEUROSIMS_SEED="$run_seed" ./main --results_dir "$results/" "${args[@]}" \
      ${extra[@]+"${extra[@]}"} > "$out/stdout.txt" 2> "$out/stderr.txt") \
      || { echo "run_task.sh: chunk $chunk: the binary failed" >&2; exit 1; }
  if [[ -s "$out/stderr.txt" ]]; then echo "run_task.sh: chunk $chunk: $(cat "$out/stderr.txt")" >&2; exit 1; fi
  prev="$results"
done < "$task/plan.txt"
rm -rf "$out/final"; mv "$prev" "$out/final"; rm -rf "$out/chunk-0" "$out/chunk-1"
echo "$chunk" > "$out/done"
"""

SLURM = """#!/usr/bin/env bash
# A SLURM job array over the exported seeds: submit from this folder with `sbatch slurm_array.sh`
# (extra NAME=VALUE arguments go to every task). Results land in results/seed-SEED.
#SBATCH --job-name=neurosims-{experiment}
#SBATCH --array={array}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=logs/%A_%a.out
here="${{SLURM_SUBMIT_DIR:-$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)}}"
mkdir -p "$here/logs"
bash "$here/run_task.sh" "$SLURM_ARRAY_TASK_ID" "$here/results/seed-$SLURM_ARRAY_TASK_ID" "$@"
"""


def _write_scripts(folder: Path, experiment: str, seeds: list[int]):
    (folder / "run_task.sh").write_text(RUN_TASK)
    (folder / "slurm_array.sh").write_text(SLURM.format(experiment=experiment,
                                                        array=",".join(map(str, seeds))))
    for name in ("run_task.sh", "slurm_array.sh"):
        (folder / name).chmod(0o755)


def collect(folder: Path) -> list[dict]:
    """Evaluate every finished task of an exported folder (its final state, with the exported
    binary) and write results.csv and results_long.csv, as `neurosims sweep` does."""
    from neurosims.batch.sweep import write_table

    folder = Path(folder)
    if not (folder / "export.json").exists():
        raise NeurosimsError(f"{folder} is not an exported neurosims folder (no export.json)")
    info = json.loads((folder / "export.json").read_text())
    rows = []
    for seed in info["seeds"]:
        task_out = folder / "results" / f"seed-{seed}"
        row = {"task": f"seed-{seed}", "seed": seed, "folder": str(task_out)}
        if not (task_out / "done").exists():
            rows.append(dict(row, status="missing"))
            continue
        overrides = [ln for ln in (task_out / "overrides.txt").read_text().splitlines() if ln.strip()]
        prepared = prepare(info["experiment"], info["preset"], info["sets"] + overrides, info.get("models", []),
                           info.get("learner"))
        sim = StandaloneSimulator(prepared.blueprint(), directory=folder / "build")
        net = prepared.network(sim, seed)
        trainer = prepared.trainer(net)
        state = prepared.experiment.state_from_outputs(net, read_outputs(task_out / "final", sim.manifest))
        chunk_seconds = prepared.experiment.schedule(prepared.config).chunk_seconds
        history = []
        for chunk, s in ((0, trainer.initial), (trainer.total, state)):
            result, _ = trainer.measure(s, chunk)
            history.append({"chunk": chunk, "time": chunk * chunk_seconds, **result})
        rows.append(dict(row, status="done", overrides=" ".join(overrides),
                         **prepared.experiment.summarise(history)))
    write_table(folder, rows, [])
    return rows
