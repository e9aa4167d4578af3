"""Event datasets read through tonic: the real N-MNIST recording with its known counts, the
generated digits-saccades read back by the N-MNIST reader, the Braille recordings encoded to
events, binning equal to tonic's ToFrame, and every bad folder or file refused in one line."""

import json
from pathlib import Path

import numpy as np
import pytest
import tonic

from neurosims.data import open_events
from neurosims.data.events import BinnedEvents, pack
from neurosims.errors import NeurosimsError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SAMPLE = SHARED / "nmnist" / "sample_nmnist.bin"
BRAILLE = SHARED / "braille" / "braille_letters.npz"
needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is absent (the shared data folder)")
needs_braille = pytest.mark.skipif(not BRAILLE.exists(), reason=f"{BRAILLE} is absent (the shared data folder)")


def nmnist_folder(tmp_path, files: dict) -> Path:
    """A folder in tonic's N-MNIST layout holding the given {relative path: bytes}."""
    for name, content in files.items():
        path = tmp_path / "NMNIST" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return tmp_path


@needs_sample
def test_the_real_nmnist_recording_reads_with_its_known_counts(tmp_path):
    events = tonic.io.read_mnist_file(str(SAMPLE), dtype=tonic.datasets.NMNIST.dtype)
    assert len(events) == 4325
    assert (events["p"] == 1).sum() + (events["p"] == 0).sum() == 4325
    assert sorted([(events["p"] == 0).sum(), (events["p"] == 1).sum()]) == [2145, 2180]
    assert (events["t"] < 100_000).sum() == 1369 and events["t"].min() == 654 and events["t"].max() == 311_175
    # the same file through neurosims' dataset, in tonic's layout
    root = nmnist_folder(tmp_path, {"Train/3/00001.bin": SAMPLE.read_bytes(), "Test/3/00002.bin": SAMPLE.read_bytes()})
    data = open_events(f"nmnist:{root}")
    sample, label = data.train[0]
    assert label == 3 and data.channels == 2048 and data.steps == 300
    cropped = data.train.events(0)
    assert cropped["x"].max() < 32 and cropped["y"].max() < 32
    assert 4000 < sample.count.sum() < 4325  # the crop drops the border's events
    first = open_events(f"nmnist:{root}", first_saccade=True).train[0][0]
    assert first.steps == 100 and first.count.sum() == (cropped["t"] < 100_000).sum()


@needs_sample
def test_binning_equals_tonics_to_frame():
    events = tonic.io.read_mnist_file(str(SAMPLE), dtype=tonic.datasets.NMNIST.dtype)
    binned = BinnedEvents.from_events(events, (34, 34, 2), 1000.0, 320)
    frames = tonic.transforms.ToFrame(sensor_size=(34, 34, 2), time_window=1000.0, start_time=0,
                                      end_time=320_000)(events)
    np.testing.assert_array_equal(binned.dense(), frames.reshape(len(frames), -1)[:320])
    assert len(binned) < 0.01 * binned.dense().size  # entries: about the events, not steps x channels


def test_a_batch_packs_every_entry_once_in_channel_order():
    rng = np.random.default_rng(0)
    samples = [BinnedEvents.from_dense(rng.poisson(0.02, (50, 40)).astype(float)) for _ in range(3)]
    packed = pack(samples, capacity=2000)
    n = sum(len(s) for s in samples)
    assert np.all(np.diff(packed.key[:n]) > 0) and np.all(packed.key[n:] == -1)
    replay = np.zeros((150, 40))  # what the event input does, step by step
    pointer = packed.start.astype(int).copy()
    for now in range(150):
        for c in range(40):
            if pointer[c] < len(packed.key) and packed.key[pointer[c]] == c * 150 + now:
                replay[now, c] = packed.count[pointer[c]]
                pointer[c] += 1
    np.testing.assert_array_equal(replay, np.concatenate([s.dense() for s in samples]))
    with pytest.raises(NeurosimsError, match=f"has {n} event entries, more than the build's capacity of 10"):
        pack(samples, capacity=10)


def test_digits_saccades_are_nmnist_files_read_back_by_the_nmnist_reader():
    from neurosims.cache import cache_root
    from neurosims.data import digits_saccades

    data = open_events("digits-saccades")
    root = digits_saccades.folder(cache_root())
    split = json.loads((root / "split.json").read_text())
    assert (len(data.train), len(data.test)) == (split["n_train"], split["n_test"]) == (1437, 360)
    files = sorted((root / "NMNIST").rglob("*.bin"))
    assert len(files) == 1797
    # read by tonic's own reader, as a user's N-MNIST download is
    events = tonic.io.read_mnist_file(str(files[0]), dtype=tonic.datasets.NMNIST.dtype)
    assert 2000 < len(events) < 8000  # N-MNIST's samples: about 4,000
    assert set(np.unique(events["p"])) == {0, 1} and events["t"].max() < 316_000
    assert np.all(np.diff(events["t"]) >= 0)
    # all three saccades move the digit: events in each third
    assert all(((events["t"] >= a) & (events["t"] < a + 105_000)).sum() > 300 for a in (0, 105_000, 210_000))
    sample, label = data.test[0]
    assert label == 0 and sample.channels == 2048 and sample.count.sum() > 1000
    assert set(data.test.labels) == set(range(10))


@needs_braille
def test_braille_letters_become_events_split_by_repetition():
    data = open_events(f"braille:{BRAILLE}")
    assert (len(data.train), len(data.test)) == (1080, 270) and len(data.classes) == 27
    assert data.channels == 24 and data.steps == 156
    counts = [data.train[k][0].count.sum() for k in range(0, 1080, 40)]
    assert min(counts) > 0
    # the encoder: a signal rising 0 -> 3.5 crosses 1, 2, 3 (3 ON events, reference 3); falling to 1.5
    # it is 1.5 below the reference: one OFF event where it crosses 2 (reference 2, 0.5 above)
    from neurosims.data.braille import encode

    events = encode(np.array([[0.0], [3.5], [1.5]]), threshold=1.0, sample_us=1000.0)
    np.testing.assert_array_equal(events["p"], [1, 1, 1, 0])
    np.testing.assert_allclose(events["t"], [286, 571, 857, 1750], atol=1)


@pytest.mark.parametrize("spec, message", [
    ("mnist", "unknown data 'mnist'; choose from braille, digits-saccades, nmnist"),
    ("nmnist", "--data nmnist needs the folder it is in: --data nmnist:DIR"),
    ("digits-saccades:/tmp", "takes no path"),
])
def test_a_bad_data_name_is_one_line(spec, message):
    with pytest.raises(NeurosimsError, match=message):
        open_events(spec)


def test_bad_folders_and_files_are_one_line_naming_the_path_and_nothing_is_downloaded(tmp_path, monkeypatch):
    import tonic.download_utils

    def no_network(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(tonic.datasets.nmnist.Dataset, "download", no_network)
    monkeypatch.setattr(tonic.download_utils, "download_url", no_network)
    missing = tmp_path / "nothing"
    with pytest.raises(NeurosimsError, match=f"{missing}/NMNIST/Train: no such folder"):
        open_events(f"nmnist:{missing}")
    (tmp_path / "empty" / "NMNIST" / "Train" / "1").mkdir(parents=True)
    (tmp_path / "empty" / "NMNIST" / "Test").mkdir(parents=True)
    with pytest.raises(NeurosimsError, match="NMNIST/Train: holds no .bin files"):
        open_events(f"nmnist:{tmp_path / 'empty'}")
    good = bytes([1, 2, 0, 0, 10]) * 3
    root = nmnist_folder(tmp_path / "bad", {"Train/1/a.bin": good[:-2], "Train/1/b.bin": bytes([200, 2, 0, 0, 10]),
                                            "Test/1/c.bin": good})
    data = open_events(f"nmnist:{root}")
    with pytest.raises(NeurosimsError, match=r"a.bin: truncated or not an N-MNIST file \(13 bytes"):
        data.train[0]
    with pytest.raises(NeurosimsError, match=r"b.bin: corrupt \(an event at x = 200"):
        data.train[1]
    assert data.test[0][0].count.sum() == 3
    with pytest.raises(NeurosimsError, match="DVSGesture/ibmGestureTrain: no such folder"):
        open_events(f"dvsgesture:{missing}")
    with pytest.raises(NeurosimsError, match="SHD/shd_train.h5: no such file"):
        open_events(f"shd:{missing}")
    (tmp_path / "shd" / "SHD").mkdir(parents=True)
    (tmp_path / "shd" / "SHD" / "shd_train.h5").write_bytes(b"not hdf5")
    with pytest.raises(NeurosimsError, match="shd_train.h5: truncated or not an SHD file"):
        open_events(f"shd:{tmp_path / 'shd'}")
    with pytest.raises(NeurosimsError, match="no such file"):
        open_events(f"braille:{missing}.npz")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(NeurosimsError, match="broken.npz: truncated or not a .npz file"):
        open_events(f"braille:{broken}")
