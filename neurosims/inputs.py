"""Input signals for experiments."""

from __future__ import annotations

import numpy as np
from brian2 import Quantity
from scipy.ndimage import gaussian_filter1d


def smoothed_noise(rng: np.random.Generator, duration: Quantity, dims: int, amplitude: Quantity,
                   smoothing: Quantity, step: Quantity) -> np.ndarray:
    """White noise N(0,1) per `step` times `amplitude`, smoothed by a Gaussian of s.d.
    `smoothing` (zero outside the sequence, as a 'same' convolution); shape (steps, dims), in
    the unit of `amplitude` without it. The input of Bourdoukan et al.'s code (Brendel et al.
    2020, Learning.m)."""
    steps = int(round(float(duration / step)))
    white = rng.standard_normal((steps, dims)) * float(amplitude)
    return gaussian_filter1d(white, float(smoothing / step), axis=0, mode="constant")
