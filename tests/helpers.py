"""What many tests use: the command line in a fresh process, and experiments prepared and
opened on a simulator as `neurosims run` does."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def neurosims(*args, cwd=None, check=True):
    """Run the command-line interface in a fresh process."""
    proc = subprocess.run([sys.executable, "-m", "neurosims.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"neurosims {' '.join(map(str, args))} failed:\n{proc.stderr}")
    return proc


def set_args(sets) -> list[str]:
    """--set NAME=VALUE for each of `sets`."""
    return [word for item in sets for word in ("--set", item)]


def prepared(name, preset="quick", sets=(), learner=None, model_files=()):
    from neurosims.experiment import prepare

    return prepare(name, preset, list(sets), list(model_files), learner)


def network(prep, device="standalone", seed=0, cache_dir=None):
    """The experiment's network (its task on a simulator), as a run opens it."""
    from neurosims.simulators import open_simulator

    return prep.network(open_simulator(prep.blueprint(), device, cache_dir), seed)


def bash_alone(tmp_path, folder, *args):
    """Run an exported folder's run_task.sh with a PATH that holds only bash, mkdir, rm, mv
    and cat (no Python)."""
    import shutil

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("bash", "mkdir", "rm", "mv", "cat"):
        if not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    assert subprocess.run(["bash", "-c", "command -v python3 python"], env=env).returncode != 0
    return subprocess.run([str(bin_dir / "bash"), "run_task.sh", *args], cwd=folder, env=env,
                          capture_output=True, text=True)


def peer_or_skip(distribution: str, why: str, load):
    """A reference peer: skipped only where `distribution` is not installed; `load()` (the
    peer's import) raises, and so fails the test, where it is installed but does not import."""
    import importlib.metadata

    import pytest

    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{distribution} is not installed ({why})")
    return load()


def nest_or_skip():
    """neurosims' NEST peer (neurosims/methods/eprop/nest.py), skipped only where nest-simulator
    is not installed; an installed NEST that fails to import fails the test."""

    def load():
        from neurosims.methods.eprop import nest as nest_peer

        nest_peer.import_nest()  # raises when the installed NEST cannot be imported
        return nest_peer

    return peer_or_skip("nest-simulator", "pip install -e '.[test]' installs it", load)
