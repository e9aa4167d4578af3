"""digits-saccades: scikit-learn's handwritten digits recorded as N-MNIST was, by a simulated
event sensor, and written in N-MNIST's own format and folder layout.

N-MNIST (Orchard et al. 2015, Front. Neurosci. 9:437) was recorded by moving an ATIS sensor
along three saccades in front of MNIST digits shown on a monitor. Here each of scikit-learn's
1,797 digits (8x8, grey levels 0-16; real handwriting, shipped in its wheel) is scaled to
24x24 (each pixel 3x3), shown on a 34x34 sensor, and moved along N-MNIST's path: three
saccades of 105 ms through the corners (0, 0) -> (3.5, 7) -> (7, 0) -> (0, 0) pixels, the
path tonic's `stabilize` undoes for real N-MNIST. The sensor is sampled every 1 ms; each
pixel emits an ON (OFF) event whenever its log intensity has risen (fallen) by its contrast
threshold since its last event (0.25, with a pixel-to-pixel spread of 0.03, drawn once from a
fixed seed, as DVS pixels differ). The monitor's black is 0.1 of its white. Not modelled: the
sensor's noise events, refractory period and optics.

The recordings are written once to $NEUROSIMS_CACHE/data/digits-saccades-v1/NMNIST/{Train,Test}/
<digit>/<index>.bin and read back through the same N-MNIST reader as a user's download.
Held-out digits: index % 5 == 0 (360 test, 1,437 training), written into split.json.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import numpy as np

VERSION = "digits-saccades-v1"  # bump when the recordings change
SENSOR = (34, 34, 2)
SCALE = 3
SACCADE_US = 105_000
CORNERS = np.array([(0.0, 0.0), (3.5, 7.0), (7.0, 0.0), (0.0, 0.0)])  # (x, y) pixels
SAMPLE_US = 1000
CONTRAST = 0.5
CONTRAST_SPREAD = 0.03
BLACK = 0.1
OFFSET = 1.0  # the digit's top-left corner on the sensor at the path's start
SEED = 20150101


def test_indices(n: int) -> np.ndarray:
    return np.arange(0, n, 5)


def positions() -> tuple[np.ndarray, np.ndarray]:
    """Sample times (us) and the digit's (x, y) offset at each, along the three saccades."""
    per_saccade = SACCADE_US // SAMPLE_US
    t = np.arange(3 * per_saccade + 1) * SAMPLE_US
    fraction = (t % SACCADE_US) / SACCADE_US
    leg = np.minimum(t // SACCADE_US, 2)
    fraction[t == 3 * SACCADE_US] = 1.0
    xy = CORNERS[leg] + (CORNERS[leg + 1] - CORNERS[leg]) * fraction[:, None]
    return t, xy


MARGIN = 10  # zero border of the canvas the sensor's window slides over


def canvas(images: np.ndarray) -> np.ndarray:
    """The digits (grey 0-1, scaled SCALE x) at OFFSET on zero canvases with a MARGIN border."""
    big = np.kron(images / 16.0, np.ones((SCALE, SCALE)))
    out = np.zeros((len(images), SENSOR[1] + 2 * MARGIN, SENSOR[0] + 2 * MARGIN), dtype=np.float32)
    top = MARGIN + int(OFFSET)
    out[:, top:top + big.shape[1], top:top + big.shape[2]] = big
    return out


def frame(digits: np.ndarray, x: float, y: float) -> np.ndarray:
    """Intensity on the sensor (images, 34, 34) with the digits moved by (x, y) pixels:
    pixel (r, c) sees the digit at (r - y, c - x), interpolated bilinearly."""
    ix, iy = int(np.floor(x)), int(np.floor(y))
    fx, fy = x - ix, y - iy
    height, width = SENSOR[1], SENSOR[0]

    def window(dy, dx):
        top, left = MARGIN - iy - dy, MARGIN - ix - dx
        return digits[:, top:top + height, left:left + width]

    value = ((1 - fx) * (1 - fy) * window(0, 0) + fx * (1 - fy) * window(0, 1)
             + (1 - fx) * fy * window(1, 0) + fx * fy * window(1, 1))
    return BLACK + (1 - BLACK) * value


def record(images: np.ndarray, threshold: np.ndarray) -> list[np.ndarray]:
    """The sensor's events for each digit (images, 8, 8): rows (x, y, t_us, p), in time order.
    The digits are recorded side by side (they move along the same path)."""
    t, xy = positions()
    digits = canvas(np.asarray(images, dtype=np.float32))
    reference = np.log(frame(digits, *xy[0]))
    found = []  # per sample time: (image, y, x, count, polarity)
    for k in range(1, len(t)):
        change = np.log(frame(digits, *xy[k])) - reference
        n = np.floor(np.abs(change) / threshold).astype(np.int64)
        where = np.nonzero(n)
        if not len(where[0]):
            continue
        reference[where] += np.sign(change[where]) * n[where] * threshold[where[1:]]
        found.append((k, *where, n[where], (change[where] > 0).astype(np.int64)))
    k, image, y, x, count, p = (np.concatenate(column) for column in zip(*[
        (np.full(len(f[1]), f[0]), *f[1:]) for f in found])) if found else [np.zeros(0, np.int64)] * 6
    rows = np.column_stack([np.repeat(x, count), np.repeat(y, count), np.repeat(t[k], count),
                            np.repeat(p, count)])
    owner = np.repeat(image, count)  # in time order already; a stable sort keeps it
    order = np.argsort(owner, kind="stable")
    return np.split(rows[order], np.searchsorted(owner[order], np.arange(1, len(images))))


def write_nmnist_file(path: Path, events: np.ndarray):
    """Events (x, y, t_us, p) in N-MNIST's binary format: 5 bytes per event, x, y, then the
    polarity bit and a 23-bit time stamp."""
    x, y, t, p = (events[:, k].astype(np.int64) for k in range(4))
    if len(t) and t.max() >= 2 ** 23:
        raise ValueError("time stamps of 2**23 us or more need N-MNIST's overflow events")
    raw = np.column_stack([x, y, (p << 7) | (t >> 16), (t >> 8) & 255, t & 255]).astype(np.uint8)
    path.write_bytes(raw.tobytes())


def folder(cache: Path) -> Path:
    """The generated recordings, written on first use (once, under a lock; atomically)."""
    root = cache / "data" / VERSION
    if (root / "split.json").exists():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f"{VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "split.json").exists():
            _write(root)
    return root


def _write(root: Path):
    from sklearn.datasets import load_digits

    digits = load_digits()
    images, labels = digits.images, digits.target
    threshold = CONTRAST + CONTRAST_SPREAD * np.random.default_rng(SEED).standard_normal(SENSOR[1::-1])
    threshold = np.maximum(threshold, 0.05)
    partial = root.with_name(f"{root.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    test = set(test_indices(len(images)).tolist())
    for first in range(0, len(images), 200):  # 200 digits at a time: 200 x 34 x 34 per sample time
        recorded = record(images[first:first + 200], threshold)
        for index, events in enumerate(recorded, start=first):
            subset = "Test" if index in test else "Train"
            target = partial / "NMNIST" / subset / str(labels[index])
            target.mkdir(parents=True, exist_ok=True)
            write_nmnist_file(target / f"{index:04d}.bin", events)
    (partial / "split.json").write_text(json.dumps({
        "source": "sklearn.datasets.load_digits", "images": len(images),
        "test": "index % 5 == 0", "n_train": len(images) - len(test), "n_test": len(test)}))
    os.replace(partial, root)
