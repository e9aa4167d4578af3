"""Static image datasets, for networks whose input neurons turn pixel intensities into spikes:

    digits      scikit-learn's handwritten digits (8x8, grey levels 0-16; real, shipped in its
                wheel), index % 5 == 0 held out (the split of digits-saccades)
    mnist:DIR   MNIST as the four standard IDX files a user has downloaded (LeCun et al.
                1998): train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
                t10k-labels-idx1-ubyte, each optionally .gz, in DIR or in DIR/MNIST/raw
                (torchvision's layout); the standard 60,000 / 10,000 split

Intensities are scaled to 0-1. Nothing is ever downloaded.

IDX (the MNIST files' format): a big-endian header of two zero bytes, a type byte (0x08:
unsigned bytes), the number of dimensions, then one 4-byte size per dimension; the values
follow, row-major.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neurosims.errors import NeurosimsError

NAMES = ("digits", "mnist")
IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
PIXELS = {"digits": 64, "mnist": 784}


@dataclass(frozen=True)
class ImageDataset:
    name: str
    source: str
    pixels: int  # per image (flattened row-major)
    split: str  # how train and test are split, in words
    train_x: np.ndarray  # (samples, pixels), intensities 0-1
    train_y: np.ndarray  # (samples,) class 0-9
    test_x: np.ndarray
    test_y: np.ndarray

    n_classes = 10


def parse_image_spec(spec: str) -> tuple[str, Path | None]:
    name, _, path = spec.partition(":")
    if name not in NAMES:
        raise NeurosimsError(f"unknown image data {name!r}; choose from digits, mnist:DIR")
    if name == "mnist" and not path:
        raise NeurosimsError("--data mnist needs the folder holding its IDX files: --data mnist:DIR")
    if name == "digits" and path:
        raise NeurosimsError("--data digits takes no path (scikit-learn ships it)")
    return name, Path(path).expanduser() if path else None


def open_images(spec: str) -> ImageDataset:
    name, path = parse_image_spec(spec)
    if name == "digits":
        from sklearn.datasets import load_digits

        digits = load_digits()
        x, y = digits.data / 16.0, digits.target.astype(int)
        test = np.arange(len(y)) % 5 == 0
        return ImageDataset("digits", "sklearn.datasets.load_digits", 64, "index % 5 == 0 held out",
                            x[~test], y[~test], x[test], y[test])
    folder = path / "MNIST" / "raw" if (path / "MNIST" / "raw").is_dir() else path
    if not folder.is_dir():
        raise NeurosimsError(f"{path}: no such folder (MNIST's IDX files)")
    arrays = {}
    for split, (images, labels) in IDX_FILES.items():
        x, y = read_idx(_find(folder, images)), read_idx(_find(folder, labels))
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise NeurosimsError(f"{folder}: {images} holds {x.shape}, {labels} {y.shape}: expected "
                                 f"(n, rows, columns) images and n labels")
        if y.size and y.max() > 9:
            raise NeurosimsError(f"{folder / labels}: labels must be 0-9, found {int(y.max())}")
        arrays[split] = (x.reshape(len(x), -1) / 255.0, y.astype(int))
    pixels = arrays["train"][0].shape[1]
    if arrays["test"][0].shape[1] != pixels:
        raise NeurosimsError(f"{folder}: training images have {pixels} pixels, test images "
                             f"{arrays['test'][0].shape[1]}")
    return ImageDataset("mnist", str(folder), pixels, "MNIST's own training and test files",
                        *arrays["train"], *arrays["test"])


def _find(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    raise NeurosimsError(f"{folder}: {stem} (or {stem}.gz) not found; MNIST needs the four IDX files "
                         f"{', '.join(f for pair in IDX_FILES.values() for f in pair)}")


def read_idx(path: Path) -> np.ndarray:
    """The array an IDX file of unsigned bytes holds."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError) as err:
        raise NeurosimsError(f"{path}: cannot be read ({err})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise NeurosimsError(f"{path}: not an IDX file (it must start with two zero bytes)")
    if raw[2] != 0x08:
        raise NeurosimsError(f"{path}: IDX type 0x{raw[2]:02x}, only unsigned bytes (0x08) are read")
    dims = raw[3]
    header = 4 + 4 * dims
    if dims < 1 or len(raw) < header:
        raise NeurosimsError(f"{path}: IDX header with {dims} dimensions is cut short")
    shape = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(dims))
    if len(raw) - header != int(np.prod(shape)):
        raise NeurosimsError(f"{path}: the header says {shape} ({int(np.prod(shape))} bytes), the file holds "
                             f"{len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def write_idx(path: Path, array: np.ndarray):
    """An array of unsigned bytes as an IDX file (tests; a user's own small MNIST-like sets)."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.tobytes()
    Path(path).write_bytes(gzip.compress(data) if str(path).endswith(".gz") else data)
