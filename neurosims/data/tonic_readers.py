"""tonic's readers of N-MNIST, DVSGesture and SHD, for folders in tonic's layout, never
downloading.

tonic's dataset classes download their archive when their existence check fails (it asks for
the downloaded zip and a minimum number of files). These subclasses check what reading needs
(the folder or file, and at least one sample) and raise one line naming the path instead; the
reading itself is tonic's. Each sample file is checked before tonic reads it, so that a
truncated or corrupt file is one line naming it, not a NumPy error from deep inside tonic.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import tonic

from neurosims.errors import NeurosimsError

NEVER = "neurosims never downloads: download the dataset yourself and pass the folder you saved it to"


class OfflineNMNIST(tonic.datasets.NMNIST):
    """N-MNIST in tonic's layout: SAVE_TO/NMNIST/{Train,Test}/<digit>/<id>.bin."""

    def _check_exists(self) -> bool:
        folder = Path(self.location_on_system, self.folder_name)
        if not folder.is_dir():
            raise NeurosimsError(f"{folder}: no such folder (N-MNIST in tonic's layout: "
                                 f"DIR/NMNIST/Train/<digit>/*.bin and DIR/NMNIST/Test/...); {NEVER}")
        if next(folder.rglob("*.bin"), None) is None:
            raise NeurosimsError(f"{folder}: holds no .bin files (N-MNIST samples)")
        return True

    def download(self):  # never reached: _check_exists raises first
        raise NeurosimsError(f"{self.location_on_system}: no N-MNIST data; {NEVER}")

    def __getitem__(self, index):
        check_nmnist_file(self.data[index], self.sensor_size)
        return super().__getitem__(index)


def check_nmnist_file(path, sensor_size=(34, 34, 2)):
    """A file in N-MNIST's format: 5 bytes per event, x and y on the sensor, time stamps in
    order (after the reader's overflow markers, y == 240)."""
    size = os.path.getsize(path)
    if size == 0 or size % 5:
        raise NeurosimsError(f"{path}: truncated or not an N-MNIST file ({size} bytes, not a whole "
                             f"number of 5-byte events)")
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 5)
    events = raw[raw[:, 1] != 240]
    width, height, _ = sensor_size
    if len(events) and (events[:, 0].max() >= width or events[:, 1].max() >= height):
        raise NeurosimsError(f"{path}: corrupt (an event at x = {events[:, 0].max()}, y = {events[:, 1].max()}, "
                             f"outside the {width}x{height} sensor)")


class OfflineDVSGesture(tonic.datasets.DVSGesture):
    """DVSGesture in tonic's layout: SAVE_TO/DVSGesture/ibmGesture{Train,Test}/userNN_LIGHT/<class>.npy."""

    def _check_exists(self) -> bool:
        folder = Path(self.location_on_system, self.folder_name)
        if not folder.is_dir():
            raise NeurosimsError(f"{folder}: no such folder (DVSGesture in tonic's layout: "
                                 f"DIR/DVSGesture/ibmGestureTrain/userNN_LIGHT/<class>.npy); {NEVER}")
        if next(folder.rglob("*.npy"), None) is None:
            raise NeurosimsError(f"{folder}: holds no .npy files (DVSGesture samples)")
        return True

    def download(self):
        raise NeurosimsError(f"{self.location_on_system}: no DVSGesture data; {NEVER}")

    def __getitem__(self, index):
        path = self.data[index]
        try:
            events = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as error:
            raise NeurosimsError(f"{path}: truncated or not a NumPy file ({error})") from None
        if events.ndim != 2 or events.shape[1] != 4 or not np.issubdtype(events.dtype, np.number):
            raise NeurosimsError(f"{path}: corrupt (events of shape {events.shape} and type {events.dtype}, "
                                 f"expected (N, 4) numbers: x, y, p, t in ms)")
        return super().__getitem__(index)


class OfflineSHD(tonic.datasets.SHD):
    """SHD in tonic's layout: SAVE_TO/SHD/shd_train.h5 and shd_test.h5."""

    def _check_exists(self) -> bool:
        import h5py

        path = Path(self.location_on_system, self.data_filename)
        if not path.is_file():
            raise NeurosimsError(f"{path}: no such file (SHD in tonic's layout: DIR/SHD/shd_train.h5 and "
                                 f"shd_test.h5); {NEVER}")
        try:
            with h5py.File(path, "r") as file:
                n = len(file["labels"])
                if len(file["spikes/times"]) != n or len(file["spikes/units"]) != n:
                    raise NeurosimsError(f"{path}: corrupt (labels and spikes differ in number)")
        except (OSError, KeyError) as error:
            raise NeurosimsError(f"{path}: truncated or not an SHD file ({error})") from None
        if n == 0:
            raise NeurosimsError(f"{path}: holds no samples")
        return True

    def download(self):
        raise NeurosimsError(f"{self.location_on_system}: no SHD data; {NEVER}")


# tonic names a dataset's folder after its class (SAVE_TO/NMNIST, ...): keep the names
for _offline, _name in ((OfflineNMNIST, "NMNIST"), (OfflineDVSGesture, "DVSGesture"), (OfflineSHD, "SHD")):
    _offline.__name__ = _name
