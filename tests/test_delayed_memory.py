"""Delayed-memory XOR trials follow the card's protocol."""

import numpy as np

from neurosims.experiments import delayed_memory


def test_trials_follow_the_protocol():
    """Two 50 ms pulses 500 ms apart, each on the positive or the negative group only; the go
    group fires in the response window only, which starts 50 ms after the second pulse; label
    1 exactly when the signs differ; all four sign pairs occur, named by their condition."""
    config = delayed_memory.Config()
    assert config.steps == 1050 and config.window_steps == 200  # trials of at least 1 s
    x, target, labels, conditions = delayed_memory.trials(np.random.default_rng(0), config, 400)
    positive, negative, go, noise = (x[:, :, g * 10:(g + 1) * 10] for g in range(4))
    windows = [slice(200, 250), slice(750, 800)]
    assert config.pulse_steps == windows
    pulse_steps = np.zeros(config.steps, bool)
    for w in windows:
        pulse_steps[w] = True
    assert (positive + negative)[:, ~pulse_steps].sum() == 0
    signs = []
    for w in windows:
        pos, neg = positive[:, w].sum(axis=(1, 2)), negative[:, w].sum(axis=(1, 2))
        assert np.all((pos == 0) | (neg == 0)) and np.all(pos + neg > 0)
        signs.append(pos > 0)
    np.testing.assert_array_equal(labels, (signs[0] != signs[1]).astype(int))
    np.testing.assert_array_equal(conditions, 2 * (~signs[0]) + (~signs[1]))  # 0: (+,+) ... 3: (-,-)
    assert set(conditions) == {0, 1, 2, 3}
    assert go[:, :850].sum() == 0 and go[:, 850:].mean() > 0.02
    assert np.all(target[np.arange(400), :, labels] == 1)
