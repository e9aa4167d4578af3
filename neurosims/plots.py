"""Figure helpers shared by experiments and notebooks; each returns a matplotlib Figure (an
experiment's own figures live in its module)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() in ("", "agg") else None
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurosims.store import atomic_path  # noqa: E402


def save(fig, path: Path) -> Path:
    """Write a figure atomically and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format=Path(path).suffix.lstrip(".") or "png", bbox_inches="tight")
    plt.close(fig)
    return Path(path)


def raster(ax, spike_i: np.ndarray, spike_t: np.ndarray, title: str = ""):
    ax.plot(spike_t, spike_i, "|", color="k", markersize=4)
    ax.set_ylabel("neuron")
    ax.set_title(title)


def trajectories(ax, x: np.ndarray, x_hat: np.ndarray, dt: float, title: str = ""):
    """True signal (lines) and its decoded estimate (dashed), one colour per dimension."""
    t = np.arange(len(x)) * dt
    for d in range(x.shape[1]):
        line, = ax.plot(t, x[:, d], lw=1.5, label=f"x{d + 1}")
        ax.plot(t, x_hat[:, d], "--", color=line.get_color(), lw=1, label=f"decoded x{d + 1}")
    ax.set_xlabel("time (s)")
    ax.set_title(title)


def before_after(before: dict, after: dict, draw, legend: bool = True):
    """Two columns (before and after learning): the raster above, `draw(ax, data, label)` below."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 5.5), sharex=True)
    for col, (label, data) in enumerate((("before learning", before), ("after learning", after))):
        raster(axes[0, col], data["spike_i"], data["spike_t"], f"spikes, {label}")
        draw(axes[1, col], data, label)
        axes[1, col].set_xlabel("time (s)")
    if legend:
        axes[1, 0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def raster_and_decoding(before: dict, after: dict, record_dt: float):
    """Raster and decoded vs true signal, before and after learning (one column each)."""
    return before_after(before, after, lambda ax, data, label: trajectories(
        ax, data["x"], data["x_hat"], record_dt, f"x and decoded x, {label}"))


def metric_unit(name: str) -> str:
    """The unit of a metric, by the names metrics are given: rates in Hz, *_s in seconds;
    the others (errors, distances, losses, correlations, ratios) have none."""
    if name.endswith("_s") or name.endswith("_at_s"):
        return "s"
    if re.search(r"(^|_)rate(_|$)", name) and "error" not in name and "_over_" not in name:  # not a ratio
        return "Hz"
    return ""


def learning_curves(history: list[dict], names: list[str], xlabel: str = "simulated training (s)"):
    """Metrics against simulated training time, on log axes; the measurement before training
    (t = 0) is drawn at half the first later time, which the axis label says."""
    times = np.array([h["time"] for h in history], dtype=float)
    positive = times[times > 0]
    shown = np.where(times > 0, times, positive.min() / 2 if len(positive) else 1.0)
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names), 3))
    for ax, name in zip(np.atleast_1d(axes), names):
        values = np.array([h[name] for h in history], dtype=float)
        ax.plot(shown, values, "o-")
        ax.set_xscale("log")
        finite = values[np.isfinite(values)]
        if len(finite) and np.all(finite > 0):
            ax.set_yscale("log")
        ax.set_xlabel(f"{xlabel}\n(before training drawn at {shown[0]:g})" if times[0] == 0 else xlabel)
        unit = metric_unit(name)
        ax.set_ylabel(name.replace("_", " ") + (f" ({unit})" if unit else ""))
        ax.set_title(name.replace("_", " "))
    fig.tight_layout()
    return fig


def weights_vs_optimum(pairs: list[tuple[np.ndarray, np.ndarray]], labels: list[str],
                       xlabel: str, ylabel: str):
    """Learned weights against their optimum (scaled by the best factor), one panel each."""
    fig, axes = plt.subplots(1, len(pairs), figsize=(4 * len(pairs), 4))
    for ax, (weights, optimum), label in zip(np.atleast_1d(axes), pairs, labels):
        scale = np.sum(weights * optimum) / np.sum(optimum * optimum)
        ax.plot(scale * optimum.ravel(), weights.ravel(), ".", alpha=0.6)
        lim = [min(weights.min(), (scale * optimum).min()), max(weights.max(), (scale * optimum).max())]
        ax.plot(lim, lim, "k--", lw=0.8)
        ax.set_xlabel(f"{xlabel} (x {scale:.2f})")
        ax.set_ylabel(ylabel)
        ax.set_title(label)
    fig.tight_layout()
    return fig


def loss_curve(losses: np.ndarray, xlabel: str, ylabel: str):
    """A loss per iteration (log scale when positive)."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.arange(1, len(losses) + 1), losses, lw=1)
    if len(losses) and np.all(np.isfinite(losses)) and np.all(losses > 0):
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def output_by_condition(before: np.ndarray, after: np.ndarray, names: tuple[str, ...], dt: float,
                        window_start: int, ylabel: str):
    """The output averaged over the trials of each condition (rows of `before`/`after`,
    [condition, step]), before and after learning; the response window is shaded."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
    for ax, traces, label in zip(axes, (before, after), ("before", "after")):
        t = np.arange(traces.shape[1]) * dt
        ax.axvspan(window_start * dt, traces.shape[1] * dt, color="0.9")
        for trace, name in zip(traces, names):
            ax.plot(t, trace, lw=1.2, label=name)
        ax.set_xlabel("time in trial (s)")
        ax.set_title(f"mean output per condition, {label} learning")
    axes[0].set_ylabel(ylabel)
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    return fig


def weight_matrix(ax, weights: np.ndarray, title: str = ""):
    image = ax.imshow(weights, cmap="RdBu_r", vmin=-np.abs(weights).max(), vmax=np.abs(weights).max())
    ax.set_title(title)
    plt.colorbar(image, ax=ax)
