"""What a newcomer meets first: help with examples, the version, whole sentences in the lists,
a word while the first build compiles, units in the summary."""

import re

from helpers import neurosims


def test_help_has_examples_and_the_version_is_printed():
    from neurosims import __version__

    text = neurosims("--help").stdout
    assert "examples:" in text and "neurosims run predictive-coding --preset quick" in text
    assert neurosims("--version").stdout.strip() == f"neurosims {__version__}"
    run_help = neurosims("run", "--help").stdout
    assert "default (the default)" in run_help
    assert "a folder made by `neurosims export`" in neurosims("collect", "--help").stdout


def test_lists_give_whole_sentences():
    for line in neurosims("run", "--list").stdout.splitlines():
        if not line.startswith(" "):
            assert line.rstrip().endswith("."), line
    for line in neurosims("models").stdout.splitlines():
        assert line.rstrip().endswith((".", ")")), line


def test_the_first_build_is_announced_with_its_time(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, NEUROSIMS_CACHE=str(tmp_path / "cache"))
    args = [sys.executable, "-m", "neurosims.cli", "run", "predictive-coding", "--preset", "tiny", "--no-figures",
            "--set", "training=2*second", "--set", "n_checkpoints=1"]
    first = subprocess.run([*args, "--out", tmp_path / "a"], capture_output=True, text=True, env=env)
    assert "neurosims: compiling predictive-coding into " in first.stderr
    assert re.search(r"neurosims: compiled in \d+\.\d s", first.stderr)
    second = subprocess.run([*args, "--out", tmp_path / "b"], capture_output=True, text=True, env=env)
    assert second.returncode == 0 and "compiling" not in second.stderr
