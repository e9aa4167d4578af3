"""Tactile Braille letters (Müller-Cleve et al. 2022, arXiv:2205.15864): 27 letters x 50
repetitions recorded by the 12 taxels of a robotic fingertip sliding over each letter, turned
into events by a sigma-delta encoder, as the dataset's paper does.

The file is the arrays' form of the recordings distributed with Zenke's SpyTorch tutorial 5
(`braille_letters.npz`: taxel_data (1350, 77, 12) raw values 0-255, lower = more pressure,
NaN after `lengths`; label; repetition; letters). It is not part of neurosims: pass its path
(`--data braille:PATH`), or it is looked for in $NEUROSIMS_DATA/braille/ and in the shared
data folder next to a source checkout (../shared/data/braille/).

Encoder: per taxel, the pressure signal (255 - raw) is compared with a reference level that
starts at the first sample; each time the signal has risen (fallen) by `threshold` above
(below) the reference, an ON (OFF) event is emitted and the reference moves by `threshold`.
Crossing times are interpolated linearly between samples. One sample is 2 ms
(`SAMPLE_US`), the time scale the SpyTorch tutorial gives the recordings; its own comment says
the true scale should be checked against the dataset paper, so take absolute times with care.
The threshold of 1 sensor unit encodes every change the 8-bit sensor resolves.

Channels: taxel x polarity, in tonic's layout (sensor size (12, 1, 2): channel = p*12 + taxel).
Split by repetition, fixed: repetitions 0-39 train (1,080 trials), 40-49 test (270).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from neurosims.errors import NeurosimsError

SENSOR = (12, 1, 2)
SAMPLE_US = 2000.0
THRESHOLD = 1.0
TEST_REPETITIONS = range(40, 50)
DTYPE = np.dtype([("x", int), ("t", int), ("p", int)])


def default_path() -> Path | None:
    """The recordings' file where it is found without being named, else None."""
    candidates = []
    if os.environ.get("NEUROSIMS_DATA"):
        candidates.append(Path(os.environ["NEUROSIMS_DATA"]) / "braille" / "braille_letters.npz")
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "data" / "braille" / "braille_letters.npz")
    return next((p for p in candidates if p.is_file()), None)


def read(path: Path) -> dict:
    """The recordings' arrays, checked."""
    try:
        with np.load(path, allow_pickle=False) as file:
            data = {k: file[k] for k in ("taxel_data", "lengths", "label", "repetition", "letters")}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise NeurosimsError(f"{path}: truncated or not a .npz file ({error})") from None
    except KeyError as error:
        raise NeurosimsError(f"{path}: not the Braille recordings (no array {error})") from None
    taxels = data["taxel_data"]
    n = len(taxels)
    if taxels.ndim != 3 or taxels.shape[2] != SENSOR[0] or any(len(data[k]) != n for k in ("lengths", "label", "repetition")):
        raise NeurosimsError(f"{path}: corrupt (taxel_data of shape {taxels.shape}, expected (trials, samples, 12) "
                             f"with a length, label and repetition per trial)")
    return data


def encode(signal: np.ndarray, threshold: float = THRESHOLD, sample_us: float = SAMPLE_US) -> np.ndarray:
    """Sigma-delta events of one trial (samples, taxels): structured (x = taxel, t in us, p),
    in time order."""
    rows = []
    for taxel in range(signal.shape[1]):
        s = signal[:, taxel]
        reference = s[0]
        for k in range(1, len(s)):
            previous = s[k - 1]
            while s[k] - reference >= threshold or reference - s[k] >= threshold:
                up = s[k] > reference
                reference += threshold if up else -threshold
                fraction = (reference - previous) / (s[k] - previous)  # where the level is crossed
                rows.append((taxel, int(round((k - 1 + fraction) * sample_us)), int(up)))
    events = np.array(rows, dtype=DTYPE) if rows else np.zeros(0, DTYPE)
    return events[np.argsort(events["t"], kind="stable")]


def trials(path: Path, threshold: float = THRESHOLD) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, tuple]:
    """Every trial's events, its label, its repetition, and the letters."""
    data = read(path)
    events = []
    for taxels, length in zip(data["taxel_data"], data["lengths"]):
        pressure = 255.0 - taxels[:int(length)].astype(np.float64)
        if not np.all(np.isfinite(pressure)):
            raise NeurosimsError(f"{path}: corrupt (a trial has missing values before its length)")
        events.append(encode(pressure, threshold))
    return events, data["label"].astype(int), data["repetition"].astype(int), tuple(str(x) for x in data["letters"])
