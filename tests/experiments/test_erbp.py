"""eRBP's quick preset (64-100-10 on 500 digits, two epochs of 250 ms samples): the test error
falls and the error neurons fall silent as the network learns; 8-bit weights learn too and
stay on their grid; MNIST's IDX files are read from a folder; bad data is one line."""

import json

import numpy as np
import pytest

from helpers import neurosims
from neurosims.data.images import write_idx
from neurosims.store import read_npz


def test_quick_preset_learns_the_digits(quick_run):
    """Measured (seed 0): test error 0.907 -> 0.380 on 150 held-out digits after 1,000 samples
    (chance 0.9); the error neurons' rate 57.8 -> 10.2 Hz; 67% of synaptic events changed a
    weight; the non-spiking network trained by random back-propagation on the same 500
    samples: 0.087."""
    out = quick_run("erbp")
    metrics = json.loads((out / "metrics.json").read_text())
    summary, history = metrics["summary"], metrics["history"]
    assert summary["samples_trained"] == 1000
    assert summary["test_error_before"] >= 0.8
    assert summary["test_error_after"] <= 0.45
    assert summary["rate_error_after"] <= 0.4 * summary["rate_error_before"]
    assert 0.2 < summary["update_fraction"] < 1.0
    assert summary["rbp_test_error"] <= 0.15
    assert len(history) >= 3 and all(h["rate_0"] > 1 for h in history)
    for name in ("test_error.png", "rasters.png", "rasters_before.png"):
        assert (out / "figures" / name).exists()


def test_eight_bit_weights_learn_and_stay_on_their_grid(tmp_path):
    """The tiny preset with plasticity/erbp_quantized: every weight one of the 256 levels of its
    connection's range after training, and learning moved them (the accuracy of 8-bit
    learning is measured on the default preset: README). The quick preset's 8-bit run
    (`pytest -m long`) measured 0.307 against 0.380 with 64-bit weights (seed 0)."""
    out = tmp_path / "run"
    neurosims("run", "erbp", "--preset", "tiny", "--set", "quantized=true", "--quiet", "--no-figures", "--out", out)
    from neurosims.experiment import prepare

    state = read_npz(out / "checkpoint.npz")
    prep = prepare("erbp", "tiny", ["quantized=true"], [])
    initial = prep.experiment.initial_state(prep.network(None, seed=0))
    for l, w_max in enumerate((0.75, 1.0)):
        levels = state[f"W{l}"] / (2 * w_max / 256)
        np.testing.assert_allclose(levels, np.round(levels), atol=1e-6)
        assert levels.min() >= -128 and levels.max() <= 127
        assert np.mean(state[f"W{l}"] != initial[f"W{l}"]) > 0.05  # learning moved them, level by level
    history = json.loads((out / "metrics.json").read_text())["history"]
    assert history[-1]["update_fraction"] > 0.1


@pytest.mark.long  # two builds and a quick run of their own (47 s): `pytest -m long`
def test_eight_bit_weights_learn_as_well_on_the_quick_preset(tmp_path, quick_run):
    """Measured (seed 0): 0.380 (64-bit) and 0.307 (8-bit) on 150 held-out digits."""
    out = tmp_path / "run"
    neurosims("run", "erbp", "--preset", "quick", "--set", "quantized=true", "--quiet", "--no-figures", "--out", out)
    summary = json.loads((out / "metrics.json").read_text())["summary"]
    full = json.loads((quick_run("erbp") / "metrics.json").read_text())["summary"]
    assert summary["test_error_after"] <= full["test_error_after"] + 0.10


def mnist_folder(folder, images, labels, test_images, test_labels, gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for name, array in (("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels),
                        ("t10k-images-idx3-ubyte", test_images), ("t10k-labels-idx1-ubyte", test_labels)):
        write_idx(folder / f"{name}{suffix}", array)
    return folder


def test_mnist_idx_files_are_read_and_run(tmp_path):
    """A folder holding MNIST's four IDX files (here 8x8 images: scikit-learn's digits written
    in that format) runs the tiny preset."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images * 255 / 16).astype(np.uint8)
    folder = mnist_folder(tmp_path / "mnist" / "MNIST" / "raw", images[:60], digits.target[:60],
                          images[60:80], digits.target[60:80], gz=True)
    out = tmp_path / "run"
    neurosims("run", "erbp", "--preset", "tiny", "--data", f"mnist:{tmp_path / 'mnist'}", "--set", "n_train=40",
              "--quiet", "--no-figures", "--out", out)
    run = json.loads((out / "run.json").read_text())
    assert run["config"]["data"] == f"mnist:{tmp_path / 'mnist'}"
    history = json.loads((out / "metrics.json").read_text())["history"]
    assert len(history) >= 2 and 0 <= history[-1]["test_error"] <= 1
    assert folder.is_dir()


@pytest.mark.parametrize("files, data, message", [
    ({}, "mnist", "--data mnist needs the folder holding its IDX files: --data mnist:DIR"),
    ({}, "mnist:{tmp}/nothing", "{tmp}/nothing: no such folder"),
    ({"train-images-idx3-ubyte": b"\x00\x00\x08\x03"}, "mnist:{tmp}/m",
     "{tmp}/m/train-images-idx3-ubyte: IDX header with 3 dimensions is cut short"),
    ({"train-images-idx3-ubyte": b"PK\x03\x04rest"}, "mnist:{tmp}/m",
     "{tmp}/m/train-images-idx3-ubyte: not an IDX file"),
    ({"train-images-idx3-ubyte": bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 7])}, "mnist:{tmp}/m",
     "{tmp}/m/train-images-idx3-ubyte: the header says (1, 2, 2) (4 bytes), the file holds 1"),
    ({"train-images-idx3-ubyte": bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7])}, "mnist:{tmp}/m",
     "{tmp}/m: train-labels-idx1-ubyte (or train-labels-idx1-ubyte.gz) not found"),
    ({}, "digits-saccade", "unknown data 'digits-saccade'; erbp reads images (digits, mnist:DIR) or event data"),
    ({}, "nmnist", "--data nmnist needs the folder it is in: --data nmnist:DIR"),
])
def test_bad_data_is_refused_before_compiling(files, data, message, tmp_path):
    from neurosims.errors import NeurosimsError
    from neurosims.experiment import prepare

    for name, content in files.items():
        (tmp_path / "m").mkdir(exist_ok=True)
        (tmp_path / "m" / name).write_bytes(content)
    with pytest.raises(NeurosimsError) as err:
        prepare("erbp", "tiny", [f"data={data.format(tmp=tmp_path)}"], [])
    assert message.format(tmp=tmp_path) in str(err.value)


def test_bad_data_on_the_command_line_is_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "train-images-idx3-ubyte").write_bytes(b"PK\x03\x04rest")
    proc = neurosims("run", "erbp", "--preset", "tiny", "--data", f"mnist:{tmp_path / 'm'}",
                     "--out", tmp_path / "run", check=False)
    assert proc.returncode == 2 and f"{tmp_path}/m/train-images-idx3-ubyte: not an IDX file" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.long  # two builds of its own (45 s): `pytest -m long`
def test_event_data_drives_the_data_neurons_event_for_event(tmp_path):
    """digits-saccades at 16x16 (event data): every binned event of a held-out sample is one
    spike of its data neuron (the measured rate equals the rate counted from the dataset), and
    the network learns from them (weights change on a share of the events)."""
    from neurosims.experiment import prepare

    out = tmp_path / "run"
    sets = ["--set", "downsample=2", "--set", "test_duration=250*ms"]
    neurosims("run", "erbp", "--preset", "tiny", "--data", "digits-saccades", *sets, "--quiet", "--no-figures",
              "--out", out)
    last = json.loads((out / "metrics.json").read_text())["history"][-1]
    prep = prepare("erbp", "tiny", ["data=digits-saccades", "downsample=2", "test_duration=250*ms"], [])
    net = prep.network(None, seed=0)
    entries = sum(len(s.step) for s in net.data.samples("test", net.test_index))
    assert last["rate_data"] == pytest.approx(entries / (len(net.test_index) * 0.25 * 512), rel=1e-9)
    assert last["rate_data"] > 1 and 0.1 < last["update_fraction"] < 1
