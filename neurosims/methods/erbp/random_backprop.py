"""The non-spiking comparison of eRBP (Neftci et al. 2017, Section 3): a network of the same
shape trained by random back-propagation in NumPy, on the same split.

eRBP sends the output error to every hidden layer through its own fixed random matrix (the
error neurons project to each hidden layer's dendrites), so the comparison is the same
scheme with rates: direct random feedback (Noekland 2016; the paper's RBP with the error
broadcast to all layers):

    h_l = relu(W_l h_{l-1} + b_l),  y = W_L h_{L-1} + b_L
    e = softmax(y) - onehot(label)                      (cross-entropy's gradient at y)
    delta_l = (B_l e) * relu'(W_l h_{l-1} + b_l)          (B_l fixed, random)
    W_l -= eta delta_l h_{l-1}^T   (mini-batches, averaged)

Choices the paper does not state for its GPU networks, each with its reason: ReLU hidden
units (the spiking neuron's rate is a rectified function of its input); softmax cross-entropy
at the output (the usual classifier loss); B_l uniform +-1/sqrt(10) and W_l uniform
+-1/sqrt(fan-in) (the scales of the spiking network's fixed feedback and initial weights,
up to units); mini-batches of 32 at eta 0.05, 100 epochs (converged on digits: the test
error no longer falls).
"""

from __future__ import annotations

import numpy as np


def train(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, hidden: tuple[int, ...],
          seed: int = 0, epochs: int = 100, eta: float = 0.05, batch: int = 32, n_classes: int = 10) -> dict:
    """Train on (x, y); the test error after every epoch and the final one."""
    rng = np.random.default_rng([seed, 7])
    sizes = (x.shape[1], *hidden, n_classes)
    weights = [rng.uniform(-1, 1, (n, m)) / np.sqrt(m) for m, n in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n) for n in sizes[1:]]
    feedback = [rng.uniform(-1, 1, (n, n_classes)) / np.sqrt(n_classes) for n in hidden]
    onehot = np.eye(n_classes)[y]
    errors = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for first in range(0, len(x), batch):
            k = order[first:first + batch]
            activity, drive = [x[k]], []
            for w, b in zip(weights, biases):
                drive.append(activity[-1] @ w.T + b)
                activity.append(np.maximum(drive[-1], 0) if len(drive) < len(weights) else drive[-1])
            e = _softmax(activity[-1]) - onehot[k]
            deltas = [(e @ f.T) * (a > 0) for f, a in zip(feedback, drive[:-1])] + [e]
            for l, delta in enumerate(deltas):
                weights[l] -= eta * delta.T @ activity[l] / len(k)
                biases[l] -= eta * delta.mean(axis=0)
        errors.append(float(np.mean(predict(weights, biases, x_test) != y_test)))
    return {"test_error": errors[-1], "test_error_per_epoch": errors, "weights": weights, "biases": biases}


def predict(weights, biases, x: np.ndarray) -> np.ndarray:
    a = x
    for l, (w, b) in enumerate(zip(weights, biases)):
        a = a @ w.T + b
        if l < len(weights) - 1:
            a = np.maximum(a, 0)
    return a.argmax(axis=1)


def _softmax(y: np.ndarray) -> np.ndarray:
    z = np.exp(y - y.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
