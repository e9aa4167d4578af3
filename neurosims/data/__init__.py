"""Event datasets: `--data NAME[:PATH]`, read through tonic and binned to the time step.

    braille[:FILE]        tactile Braille letters, real recordings, sigma-delta events (braille.py)
    digits-saccades       scikit-learn's digits recorded like N-MNIST, written in N-MNIST's
                          format and read by the N-MNIST reader (digits_saccades.py)
    nmnist:DIR            N-MNIST in tonic's layout (DIR/NMNIST/Train/...), cropped 34x34 -> 32x32
    dvsgesture:DIR        DVSGesture in tonic's layout, 128x128 -> 32x32 (summed)
    shd:DIR               Spiking Heidelberg Digits in tonic's layout (DIR/SHD/shd_train.h5)

Nothing is ever downloaded. Each sample comes as BinnedEvents (events.py): (step, channel,
count) entries, so memory follows the events, not steps x channels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from neurosims.data.events import BinnedEvents
from neurosims.errors import NeurosimsError

NAMES = ("braille", "digits-saccades", "nmnist", "dvsgesture", "shd")
NEEDS_PATH = ("nmnist", "dvsgesture", "shd")
SENSORS = {"braille": (12, 1, 2), "digits-saccades": (32, 32, 2), "nmnist": (32, 32, 2), "dvsgesture": (32, 32, 2),
           "shd": (700, 1, 1)}  # after each dataset's transforms (before `downsample`)
N_CLASSES = {"braille": 27, "digits-saccades": 10, "nmnist": 10, "dvsgesture": 11, "shd": 20}
DURATION_US = {"braille": 156_000, "digits-saccades": 300_000, "nmnist": 300_000, "dvsgesture": 1_800_000,
               "shd": 1_000_000}  # per sample: DECOLLE's 300 steps (N-MNIST), its 1800-step DVSGesture test


class Samples:
    """(BinnedEvents, label) of each sample of one split, read when asked for."""

    def __init__(self, read: Callable[[int], tuple[np.ndarray, int]], labels: np.ndarray,
                 sensor_size: tuple[int, int, int], dt_us: float, steps: int):
        self._read, self.labels = read, np.asarray(labels, dtype=int)
        self._factor = 1
        self.sensor_size, self.dt_us, self.steps = sensor_size, dt_us, steps

    def __len__(self) -> int:
        return len(self.labels)

    def events(self, index: int) -> np.ndarray:
        """The sample's events after the dataset's transforms, before binning."""
        return self._read(index)[0]

    def __getitem__(self, index: int) -> tuple[BinnedEvents, int]:
        events, label = self._read(index)
        if self._factor != 1:
            events = events.copy()
            events["x"] //= self._factor
            events["y"] //= self._factor
        return BinnedEvents.from_events(events, self.sensor_size, self.dt_us, self.steps), int(label)

    def coarsen(self, factor: int, sensor_size: tuple[int, int, int]):
        """Sum blocks of factor x factor pixels into one channel (after the dataset's transforms)."""
        self._factor, self.sensor_size = factor, sensor_size


@dataclass(frozen=True)
class EventDataset:
    name: str
    source: str  # the file or folder read
    sensor_size: tuple[int, int, int]  # (width, height, polarities) after the transforms
    classes: tuple[str, ...]
    dt_us: float
    steps: int
    split: str  # how train and test are split, in words
    train: Samples
    test: Samples

    @property
    def channels(self) -> int:
        return int(np.prod(self.sensor_size))

    def record(self) -> dict:
        """What run.json keeps of it."""
        return {"name": self.name, "source": self.source, "sensor_size": list(self.sensor_size),
                "channels": self.channels, "classes": len(self.classes), "dt_us": self.dt_us,
                "steps": self.steps, "split": self.split, "n_train": len(self.train), "n_test": len(self.test)}


def parse_spec(spec: str) -> tuple[str, Path | None]:
    name, _, path = spec.partition(":")
    if name not in NAMES:
        raise NeurosimsError(f"unknown data {name!r}; choose from {', '.join(NAMES)} (nmnist, dvsgesture and "
                             f"shd as NAME:DIR, the folder tonic's layout is in)")
    if name in NEEDS_PATH and not path:
        raise NeurosimsError(f"--data {name} needs the folder it is in: --data {name}:DIR (tonic's layout)")
    if name == "digits-saccades" and path:
        raise NeurosimsError("--data digits-saccades takes no path (it is generated into the neurosims cache)")
    return name, Path(path).expanduser() if path else None


SACCADES = ("nmnist", "digits-saccades")  # recorded along N-MNIST's three saccades


def default_duration_us(spec: str, first_saccade: bool = False) -> float:
    """A sample's length where none is given: the dataset's own (the first saccade: 100 ms)."""
    name = parse_spec(spec)[0]
    return 100_000.0 if first_saccade and name in SACCADES else float(DURATION_US[name])


def sensor_size(spec: str, downsample: int = 1) -> tuple[int, int, int]:
    """The (width, height, polarities) a network reading `spec` sees, known without reading it;
    `downsample` applies to the camera datasets (and does not to the others)."""
    width, height, polarities = SENSORS[parse_spec(spec)[0]]
    if height == 1:
        return width, height, polarities  # not a camera: downsample does not apply
    if downsample != 1:
        if width % downsample or height % downsample:
            raise NeurosimsError(f"downsample {downsample} does not divide the {width}x{height} sensor")
    return width // downsample, height // downsample, polarities


def open_events(spec: str, dt_us: float = 1000.0, duration_us: float | None = None,
                first_saccade: bool = False, downsample: int = 1) -> EventDataset:
    """The dataset `spec` names, binned at dt_us over duration_us per sample (None or 0: the
    dataset's own length); `downsample` sums blocks of downsample x downsample pixels and
    `first_saccade` keeps the first 100 ms, where they apply (camera data, N-MNIST-like data)."""
    name, path = parse_spec(spec)
    first_saccade = first_saccade and name in SACCADES
    sensor = sensor_size(spec, downsample)
    duration_us = duration_us or default_duration_us(spec, first_saccade)
    steps = int(round(duration_us / dt_us))
    if steps < 1:
        raise NeurosimsError(f"a sample of {duration_us} us is shorter than the time step ({dt_us} us)")
    data = OPENERS[name](path, dt_us, steps, first_saccade)
    if sensor != data.sensor_size:  # downsampled
        for split in (data.train, data.test):
            split.coarsen(downsample, sensor)
        data = dataclasses.replace(data, sensor_size=sensor)
    return data


def _nmnist_like(name: str, save_to: Path, dt_us, steps, first_saccade, split: str) -> EventDataset:
    import tonic

    from neurosims.data.tonic_readers import OfflineNMNIST

    if save_to.name == "NMNIST" and (save_to / "Train").is_dir():
        save_to = save_to.parent  # the NMNIST folder itself was given
    crop = tonic.transforms.CenterCrop(sensor_size=OfflineNMNIST.sensor_size, size=(32, 32))
    subsets = [OfflineNMNIST(str(save_to), train=train, first_saccade_only=first_saccade, transform=crop)
               for train in (True, False)]
    train, test = (Samples(s.__getitem__, s.targets, (32, 32, 2), dt_us, steps) for s in subsets)
    return EventDataset(name, str(save_to), (32, 32, 2), tuple(OfflineNMNIST.classes), dt_us, steps, split,
                        train, test)


def _nmnist(path, dt_us, steps, first_saccade):
    return _nmnist_like("nmnist", path, dt_us, steps, first_saccade, "N-MNIST's own Train and Test folders")


def _digits_saccades(path, dt_us, steps, first_saccade):
    from neurosims.cache import cache_root
    from neurosims.data import digits_saccades

    root = digits_saccades.folder(cache_root())
    return _nmnist_like("digits-saccades", root, dt_us, steps, first_saccade,
                        "scikit-learn digits with index % 5 == 0 held out (split.json)")


def _dvsgesture(path, dt_us, steps, first_saccade):
    import tonic

    from neurosims.data.tonic_readers import OfflineDVSGesture

    if path.name == "DVSGesture":
        path = path.parent
    down = tonic.transforms.Downsample(spatial_factor=0.25)  # 4x4 pixels summed into one channel
    subsets = [OfflineDVSGesture(str(path), train=train, transform=down) for train in (True, False)]
    train, test = (Samples(s.__getitem__, s.targets, (32, 32, 2), dt_us, steps) for s in subsets)
    return EventDataset("dvsgesture", str(path), (32, 32, 2), tuple(OfflineDVSGesture.classes), dt_us, steps,
                        "DVSGesture's own train and test users", train, test)


def _shd(path, dt_us, steps, first_saccade):
    import h5py

    from neurosims.data.tonic_readers import OfflineSHD

    if path.name == "SHD":
        path = path.parent
    subsets = [OfflineSHD(str(path), train=train) for train in (True, False)]
    splits = []
    for s in subsets:
        with h5py.File(Path(s.location_on_system, s.data_filename), "r") as file:
            labels = np.asarray(file["labels"][()])
        splits.append(Samples(s.__getitem__, labels, OfflineSHD.sensor_size, dt_us, steps))
    classes = tuple(c.decode() if isinstance(c, bytes) else str(c) for c in subsets[0].classes)
    return EventDataset("shd", str(path), OfflineSHD.sensor_size, classes, dt_us, steps,
                        "SHD's own train and test speakers", *splits)


def _braille(path, dt_us, steps, first_saccade):
    from neurosims.data import braille

    path = path or braille.default_path()
    if path is None:
        raise NeurosimsError("the Braille recordings were not found: pass --data braille:FILE "
                             "(braille_letters.npz) or set NEUROSIMS_DATA to the folder holding braille/")
    if not path.is_file():
        raise NeurosimsError(f"{path}: no such file (the Braille recordings, braille_letters.npz)")
    events, labels, repetition, letters = braille.trials(path)
    test = np.isin(repetition, braille.TEST_REPETITIONS)
    splits = []
    for keep in (~test, test):
        index = np.flatnonzero(keep)
        splits.append(Samples(lambda k, index=index: (events[index[k]], labels[index[k]]), labels[index],
                              braille.SENSOR, dt_us, steps))
    return EventDataset("braille", str(path), braille.SENSOR, letters, dt_us, steps,
                        "repetitions 0-39 train, 40-49 test", *splits)


OPENERS = {"braille": _braille, "digits-saccades": _digits_saccades, "nmnist": _nmnist,
           "dvsgesture": _dvsgesture, "shd": _shd}
