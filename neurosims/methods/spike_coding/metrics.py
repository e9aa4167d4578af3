"""Measures of spike-based representations (Bourdoukan et al. 2012; Brendel et al. 2020)."""

from __future__ import annotations

import numpy as np


def fit_decoder(rates: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Least-squares linear decoder D (N x J) with target ~ rates @ D.

    rates: (T, N) filtered spike trains; target: (T, J).
    """
    decoder, *_ = np.linalg.lstsq(rates, target, rcond=None)
    return decoder


def decoding_error(target: np.ndarray, estimate: np.ndarray) -> float:
    """sum_j var(x_j - x_hat_j) / sum_j var(x_j): 0 is perfect, 1 is no better than the mean."""
    return float(np.sum(np.var(target - estimate, axis=0)) / np.sum(np.var(target, axis=0)))


def mean_rate(spike_count: int, n_neurons: int, duration: float) -> float:
    """Mean firing rate per neuron in Hz."""
    return spike_count / (n_neurons * duration)


def isi_cv(spike_indices: np.ndarray, spike_times: np.ndarray, n_neurons: int,
           min_intervals: int = 5) -> float:
    """Mean coefficient of variation of inter-spike intervals over neurons that fired enough
    (at least `min_intervals` intervals); NaN when none did."""
    cvs = []
    for n in range(n_neurons):
        times = np.sort(spike_times[spike_indices == n])
        intervals = np.diff(times)
        if len(intervals) >= min_intervals:
            cvs.append(np.std(intervals) / np.mean(intervals))
    return float(np.mean(cvs)) if cvs else float("nan")


def distance_to_optimum(weights: np.ndarray, optimum: np.ndarray) -> float:
    """||W - s W*||^2 / ||W||^2 with the best scale s = <W, W*> / <W*, W*>."""
    scale = np.sum(weights * optimum) / np.sum(optimum * optimum)
    return float(np.sum((weights - scale * optimum) ** 2) / np.sum(weights ** 2))
