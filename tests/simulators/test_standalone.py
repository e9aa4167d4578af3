"""The compiled simulator: compile once and run many with run_args, runtime and standalone
agree, a run writes only its outputs and a missing output is an error, and the fallback to
Brian2's own compilation."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neurosims.errors import NeurosimsError
from neurosims.experiments import predictive_coding as pc

from helpers import network, prepared

# One chunk in a fresh process: prints whether it compiled, and what it computed.
CHUNK_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import brian2; brian2.BrianLogger.log_level_warn()
    from neurosims.experiment import prepare
    from neurosims.experiments import predictive_coding as pc
    from neurosims.simulators import open_simulator
    cache, eps_r, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    prep = prepare("predictive-coding", "quick", [f"eps_r={eps_r}"])
    net = prep.network(open_simulator(prep.blueprint(), "standalone", cache), 0)
    state, rec = net.run(pc.EXPERIMENT.initial_state(net), pc.signal(np.random.default_rng(0), prep.config), seed,
                         learning=True)
    print(json.dumps({"compiled": net.sim.compiled, "directory": str(net.sim.directory),
                      "omega": float(state["Omega"].sum()), "spikes": rec["t"].tolist()}))
""")


def _chunk_in_new_process(cache, eps_r, seed):
    proc = subprocess.run([sys.executable, "-c", CHUNK_SCRIPT, str(cache), str(eps_r), str(seed)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _compiled_files(directory):
    files = [directory / "main", *sorted(directory.glob("**/*.o"))]
    return {str(f): f.stat().st_mtime_ns for f in files}


def test_second_run_reuses_the_binary_with_run_args(tmp_path):
    cache = tmp_path / "builds"
    first = _chunk_in_new_process(cache, 1e-3, 1)
    assert first["compiled"]
    directory = cache / first["directory"].split("/")[-1]
    before = _compiled_files(directory)
    assert len(before) > 5  # the binary and its object files
    assert "neurosims_once.o" in " ".join(before)  # code objects compiled together, in units
    assert not list(directory.glob("code_objects/*.o"))
    import brian2

    if brian2.__version__.startswith("2.9."):  # 2.10 reads the CPU clock once per run itself
        assert "once, not at every step" in (directory / "network.cpp").read_text()

    # another process, another learning rate and seed: same build, no compiler
    second = _chunk_in_new_process(cache, 5e-3, 2)
    assert not second["compiled"]
    assert second["directory"] == first["directory"]
    assert _compiled_files(directory) == before
    assert len(list(cache.iterdir())) == 2  # one build folder and its lock file
    # the run_args took effect: another learning rate, other weights; another seed, other spikes
    assert second["omega"] != pytest.approx(first["omega"], rel=1e-6)
    assert second["spikes"] != first["spikes"]
    # and the same values and seed reproduce the first run exactly
    assert _chunk_in_new_process(cache, 1e-3, 1) == dict(first, compiled=False)


def test_two_processes_building_the_same_key_build_once(tmp_path):
    cache = tmp_path / "builds"
    procs = [subprocess.Popen([sys.executable, "-c", CHUNK_SCRIPT, str(cache), "1e-3", "1"],
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    assert sorted(r["compiled"] for r in results) == [False, True]
    assert results[0]["spikes"] == results[1]["spikes"]


def test_structural_change_gets_its_own_build():
    key = lambda sets: prepared("predictive-coding", sets=sets).blueprint().build_key()  # noqa: E731
    assert key([]) != key(["n_neurons=10"])
    # parameter values are run-time values, not part of the build
    assert key([]) == key(["eps_r=0.01", "lambda_v=40*Hz"])


def deterministic_chunk(device):
    """One chunk of the predictive-coding network with its noise off, learning on."""
    net = network(prepared("predictive-coding", sets=["sigma_v=0/sqrt(ms)", "sigma_th=0"]), device, seed=3)
    start = pc.EXPERIMENT.initial_state(net)
    c = pc.signal(np.random.default_rng(3), net.config)
    end, rec = net.run(start, c, seed=0, learning=True)
    return net, start, c, end, rec


def test_runtime_and_standalone_agree_on_a_deterministic_network():
    *_, end_s, rec_s = deterministic_chunk("standalone")
    *_, end_r, rec_r = deterministic_chunk("runtime")
    assert len(rec_s["t"]) > 100
    np.testing.assert_array_equal(rec_s["i"], rec_r["i"])
    np.testing.assert_allclose(rec_s["t"], rec_r["t"])
    for name in ("V", "F", "Omega"):
        np.testing.assert_allclose(end_s[name], end_r[name], rtol=1e-9, atol=1e-12)


def test_a_run_writes_only_its_outputs():
    """Brian2 writes every array of the network after a run; the build keeps only the files
    the simulator reads (and Brian2's last_run_info.txt)."""
    net = network(prepared("predictive-coding"))
    net.run(pc.EXPERIMENT.initial_state(net), pc.signal(np.random.default_rng(1), net.config), seed=0, learning=True)
    written = {p.name for p in (net.sim._work_dir() / "results").iterdir()}
    expected = {spec["file"] for spec in net.sim.manifest["outputs"].values()}
    assert written == expected | {"last_run_info.txt"}
    assert len(expected) == 11


def test_a_profiled_build_times_its_code_objects(tmp_path):
    """profile=True: a build of its own whose runs time every code object (Brian2's
    profiling); the times add up to no more than the run's compiled loop, and the same
    network without profiling reports none."""
    from neurosims.simulators.standalone import StandaloneSimulator

    prep = prepared("predictive-coding")
    plain = network(prep, cache_dir=tmp_path)
    profiled = prep.network(StandaloneSimulator(prep.blueprint(), tmp_path, profile=True), 0)
    assert profiled.sim.directory != plain.sim.directory
    x = pc.signal(np.random.default_rng(1), prep.config)
    for net in (plain, profiled):
        net.run(pc.EXPERIMENT.initial_state(net), x, seed=0, learning=True)
    times = profiled.sim.profile()
    assert len(times) > 5 and all(t >= 0 for t in times.values())
    assert 0 < sum(times.values()) <= profiled.sim.last_run_seconds() * 1.05
    assert any("neurons" in name for name in times)
    with pytest.raises(NeurosimsError, match="no profile"):
        plain.sim.profile()


def test_wrong_input_shape_is_refused():
    net = network(prepared("predictive-coding"))
    with pytest.raises(NeurosimsError, match=r"input c_in has shape \(10, 2\), the build expects \(1000, 2\)"):
        net.run(pc.EXPERIMENT.initial_state(net), np.zeros((10, 2)), seed=0, learning=True)


def test_code_objects_that_cannot_share_a_unit_are_compiled_as_brian2_does(tmp_path):
    """The build compiles code objects together, each in a namespace of its own. A model's own
    C++ whose header has no include guard then declares a second `neurosims_offset` inside
    that namespace, which nothing defines (a link error): the build falls back to compiling
    the sources one by one, as Brian2 does, and the network computes what it should."""
    import brian2

    from neurosims.blueprint import Blueprint
    from neurosims.simulators.standalone import StandaloneSimulator

    (tmp_path / "offset.h").write_text("extern double neurosims_offset;\n")
    (tmp_path / "offset.cpp").write_text('#include "offset.h"\ndouble neurosims_offset = 3.0;\n')

    def build():
        offset = brian2.Function(lambda: 3.0, arg_units=[], return_unit=1)
        offset.implementations.add_implementation(
            "cpp", "double offset() { return neurosims_offset; }",
            compiler_kwds={"headers": ['"offset.h"'], "sources": [str(tmp_path / "offset.cpp")],
                           "include_dirs": [str(tmp_path)]})
        return [brian2.NeuronGroup(2, "dv/dt = offset() / second : 1", name="cells",
                                   namespace={"offset": offset})]

    blueprint = Blueprint("fallback", build, duration=0.01, dt=1e-4, settable=("cells.v",),
                          timed_arrays=(), outputs=("cells.v",), key={})
    sim = StandaloneSimulator(blueprint, cache_dir=tmp_path / "builds")
    out = sim.run({"cells.v": np.array([0.0, 1.0])}, {}, seed=0)
    np.testing.assert_allclose(out["cells.v"], [0.03, 1.03])  # 3 per second for 10 ms
    assert "compiling as Brian2 does" in (sim.directory / "build.log").read_text()
    assert (sim.directory / "code_objects" / "cells_stateupdater_codeobject.o").exists()
