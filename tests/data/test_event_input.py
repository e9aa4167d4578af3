"""Events enter a compiled network through run_args: another batch of samples runs the same
binary without recompiling, and every channel receives, step by step, exactly the counts of
its samples' binned events (in both Brian2 devices)."""

import numpy as np
import pytest

from neurosims.blueprint import Blueprint
from neurosims.data.events import BinnedEvents, event_run_values, event_timed_arrays, pack
from neurosims.models import find_model
from neurosims.models.schedule import make_group
from neurosims.simulators import open_simulator

CHANNELS, STEPS, BATCH, CAPACITY = 40, 60, 3, 400


def blueprint():
    from brian2 import StateMonitor

    model = find_model("event_stream")

    def build():
        arrays = event_timed_arrays(CAPACITY)
        inputs = make_group(model, CHANNELS, "inputs", dict(arrays))
        return [*arrays.values(), inputs, StateMonitor(inputs, "s_in", record=True, name="counts")]

    return Blueprint(name="event-input-test", build=build, duration=STEPS * BATCH * 1e-3, dt=1e-3,
                     settable=("inputs.ptr", "inputs.run_steps"), timed_arrays=("event_key", "event_count"),
                     outputs=("counts.s_in",), key={"model": "event_stream", "capacity": CAPACITY})


def batch(seed):
    rng = np.random.default_rng(seed)
    return [BinnedEvents.from_dense(rng.poisson(0.03, (STEPS, CHANNELS)).astype(float)) for _ in range(BATCH)]


@pytest.mark.parametrize("device", ["standalone", "runtime"])
def test_every_channel_receives_its_events_and_another_batch_needs_no_recompile(device, build_cache):
    sim = open_simulator(blueprint(), device, build_cache)
    binary = sim.directory / "main" if device == "standalone" else None
    for seed in (1, 2):
        samples = batch(seed)
        values, timed = event_run_values(pack(samples, CAPACITY), "inputs")
        out = sim.run(values, timed, seed=0)
        expected = np.concatenate([s.dense() for s in samples])
        np.testing.assert_array_equal(out["counts.s_in"], expected)  # (steps, channels)
        if binary is not None and seed == 1:
            built = binary.stat().st_mtime_ns
    if binary is not None:
        assert binary.stat().st_mtime_ns == built  # the second batch ran the first batch's binary
    assert expected.sum() > 100
