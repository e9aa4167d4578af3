"""Static image datasets: scikit-learn's digits with the held-out split of digits-saccades, and
MNIST's IDX format written and read back (plain and gzipped, torchvision's layout too)."""

import numpy as np

from neurosims.data.images import open_images, read_idx, write_idx


def test_digits_split_and_scale():
    data = open_images("digits")
    assert (len(data.train_y), len(data.test_y), data.pixels) == (1437, 360, 64)
    assert data.train_x.min() == 0 and data.train_x.max() == 1
    assert set(np.unique(data.test_y)) == set(range(10))


def test_idx_files_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    for name in ("a-idx3-ubyte", "a-idx3-ubyte.gz"):
        write_idx(tmp_path / name, images)
        np.testing.assert_array_equal(read_idx(tmp_path / name), images)
    # the header as MNIST's own files write it: magic 0x00000803, then big-endian sizes
    assert (tmp_path / "a-idx3-ubyte").read_bytes()[:16] == bytes.fromhex("00000803" "00000007" "0000001c" "0000001c")


def test_mnist_folder_in_torchvision_layout(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    for name, array in (("train-images-idx3-ubyte", x), ("train-labels-idx1-ubyte", y),
                        ("t10k-images-idx3-ubyte", x[:2]), ("t10k-labels-idx1-ubyte", y[:2])):
        write_idx(raw / name, array)
    data = open_images(f"mnist:{tmp_path}")
    assert data.pixels == 784 and len(data.train_y) == 5 and len(data.test_y) == 2
    np.testing.assert_allclose(data.train_x[2], x[2].ravel() / 255.0)
    np.testing.assert_array_equal(data.train_y, y)
