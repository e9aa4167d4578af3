"""Events binned to time steps, kept sparse, and a batch of samples packed for the compiled
network's event input (equations/inputs/event_stream.py).

A recording's events (tonic's structured arrays: x, y, p, t in microseconds) become, at a time
step dt, the list of (step, channel, count) with count > 0: memory grows with the events, not
with steps x channels (an N-MNIST sample: about 4,000 entries instead of 300 x 2048 frame
values). The channel of an event is tonic's frame layout, p*(H*W) + y*W + x, so that
`dense()` equals tonic's `ToFrame` output reshaped to (steps, channels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.errors import NeurosimsError


@dataclass(frozen=True)
class BinnedEvents:
    """One sample's events at a time step: entries sorted by step, then channel."""

    steps: int
    channels: int
    step: np.ndarray  # int32
    channel: np.ndarray  # int32
    count: np.ndarray  # float64, > 0

    @classmethod
    def from_events(cls, events: np.ndarray, sensor_size: tuple[int, int, int], dt_us: float,
                    steps: int) -> "BinnedEvents":
        """Events in [0, steps*dt) counted per step and channel; later events are dropped."""
        width, height, polarities = sensor_size
        step = np.floor(np.asarray(events["t"], dtype=np.float64) / dt_us).astype(np.int64)
        x = np.asarray(events["x"], dtype=np.int64)
        y = np.asarray(events["y"], dtype=np.int64) if "y" in events.dtype.names else np.zeros_like(x)
        p = np.asarray(events["p"], dtype=np.int64) if polarities > 1 else np.zeros_like(x)
        keep = (step >= 0) & (step < steps)
        channel = p * (width * height) + y * width + x
        key, count = np.unique(step[keep] * (width * height * polarities) + channel[keep], return_counts=True)
        per_step = width * height * polarities
        return cls(steps, per_step, (key // per_step).astype(np.int32), (key % per_step).astype(np.int32),
                   count.astype(np.float64))

    @classmethod
    def from_dense(cls, frames: np.ndarray) -> "BinnedEvents":
        """From (steps, channels) counts."""
        step, channel = np.nonzero(frames)
        return cls(frames.shape[0], frames.shape[1], step.astype(np.int32), channel.astype(np.int32),
                   np.asarray(frames[step, channel], dtype=np.float64))

    def dense(self) -> np.ndarray:
        """(steps, channels) counts, for references and peers that take frames."""
        frames = np.zeros((self.steps, self.channels))
        frames[self.step, self.channel] = self.count
        return frames

    def __len__(self) -> int:
        return len(self.count)


@dataclass(frozen=True)
class PackedEvents:
    """A batch of samples run one after another, as the event input reads them: `key`
    (channel*total_steps + step, ascending) and `count` for each entry, padded to the build's
    capacity with key -1, and `start`, the index of each channel's first entry."""

    key: np.ndarray
    count: np.ndarray
    start: np.ndarray
    total_steps: int


def pack(samples: list[BinnedEvents], capacity: int) -> PackedEvents:
    """Samples b = 0, 1, ... occupy steps [b*steps, (b+1)*steps) of one run."""
    steps, channels = samples[0].steps, samples[0].channels
    if any(s.steps != steps or s.channels != channels for s in samples):
        raise NeurosimsError("the samples of a batch must have the same steps and channels")
    total = steps * len(samples)
    key = np.concatenate([s.channel.astype(np.float64) * total + s.step + b * steps
                          for b, s in enumerate(samples)])
    count = np.concatenate([s.count for s in samples])
    if len(key) > capacity:
        raise NeurosimsError(f"a batch of {len(samples)} samples has {len(key)} event entries, more than "
                             f"the build's capacity of {capacity} (raise the experiment's event_capacity)")
    order = np.argsort(key, kind="stable")
    key, count = key[order], count[order]
    start = np.searchsorted(key, np.arange(channels, dtype=np.float64) * total).astype(np.float64)
    padding = capacity - len(key)
    return PackedEvents(np.concatenate([key, -np.ones(padding)]), np.concatenate([count, np.zeros(padding)]),
                        start, total)


def event_timed_arrays(capacity: int) -> dict:
    """The two arrays the event input (equations/inputs/event_stream.py) reads, for a
    blueprint's build(): TimedArrays indexed by entry (a step of one second), `capacity`
    entries, set before every run."""
    from brian2 import TimedArray, second

    return {"event_key": TimedArray(-np.ones(capacity), dt=1 * second, name="event_key"),
            "event_count": TimedArray(np.zeros(capacity), dt=1 * second, name="event_count")}


def event_run_values(packed: PackedEvents, group: str) -> tuple[dict, dict]:
    """(values, timed arrays) that put a packed batch into the event input `group` for one run."""
    values = {f"{group}.ptr": packed.start, f"{group}.run_steps": float(packed.total_steps)}
    return values, {"event_key": packed.key, "event_count": packed.count}
