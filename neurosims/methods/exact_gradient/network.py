"""The exact gradient of a differentiable spiking network (Huh & Sejnowski 2018): theta neurons
with gated synaptic currents (equations/neurons/theta_gated.py), integrated with the forward
Euler method on the simulation grid, and differentiated by backpropagation through that grid
(the discrete adjoint), in NumPy.

For trials b, neurons i and steps n (Euler, as Brian2's `euler` method integrates the model):
    I[n]       = W s[n] + U x[n] + I0
    f[n]       = ((1 - cos theta[n]) + (1 + cos theta[n]) I[n]) / tau_m
    theta[n+1] = theta[n] + dt f[n]
    s[n+1]     = s[n] + dt (-s[n] + g(theta[n]) f[n]) / tau_s
    o[n]       = O s[n]
    loss       = sum_n (mask[n] 0.5 |o[n] - y[n]|^2 + mu sum_i s_i[n]) dt   (mean over trials)
mu >= 0 is a cost on activity (each spike adds 1 to the integral of s_i).
g is the raised-cosine gate of the model file. The gradient with respect to W, U, O and I0
is exact for this discrete system (tests check it against finite differences), and the
forward trajectory is the one Brian2 computes for the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all
from neurosims.experiment import Experiment, Schedule
from neurosims.models import make_group, make_synapses, merge_parameters, structure
from neurosims.training import log_spaced_chunks


@dataclass(frozen=True)
class Constants:
    """Model parameters as plain numbers (seconds, radians)."""

    tau_m: float
    tau_s: float
    gate_width: float
    dt: float


def constants(params: dict, dt) -> Constants:
    """The constants of a theta network from its model parameters (Brian2 quantities)."""
    return Constants(float(params["tau_m"]), float(params["tau_s"]), float(params["gate_width"]), float(dt))


def gate(theta: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """g(theta) and dg/dtheta: a raised cosine of `width` around pi (mod 2 pi), integral 1."""
    phase = np.mod(theta, 2 * np.pi) - np.pi
    inside = np.abs(phase) < width / 2
    arg = 2 * np.pi * phase / width
    g = np.where(inside, (1 + np.cos(arg)) / width, 0.0)
    dg = np.where(inside, -2 * np.pi * np.sin(arg) / width ** 2, 0.0)
    return g, dg


def forward(params: dict, x: np.ndarray, c: Constants, theta0: np.ndarray | None = None) -> dict:
    """Trajectories for inputs x[trial, step, channel]. params: W (N, N, seconds), U (N, K),
    O (M, N, seconds), I0 (N). Returns theta, s (trial, step + 1, N) and o (trial, step, M)."""
    W, U, O, I0 = params["W"], params["U"], params["O"], params["I0"]
    trials, steps, _ = x.shape
    n = W.shape[0]
    theta = np.zeros((trials, steps + 1, n))
    s = np.zeros((trials, steps + 1, n))
    if theta0 is not None:
        theta[:, 0] = theta0
    for k in range(steps):
        current = s[:, k] @ W.T + x[:, k] @ U.T + I0
        cos = np.cos(theta[:, k])
        f = ((1 - cos) + (1 + cos) * current) / c.tau_m
        g, _ = gate(theta[:, k], c.gate_width)
        theta[:, k + 1] = theta[:, k] + c.dt * f
        s[:, k + 1] = s[:, k] + c.dt * (-s[:, k] + g * f) / c.tau_s
    return {"theta": theta, "s": s, "o": s[:, :-1] @ O.T}


def loss(o: np.ndarray, y: np.ndarray, mask: np.ndarray, dt: float, s: np.ndarray | None = None,
         activity: float = 0.0) -> float:
    """0.5 sum over the masked steps of |o - y|^2 dt (+ activity x the integral of s), mean
    over trials. `s`: the trajectory's s[:, :-1] (needed when activity > 0)."""
    value = 0.5 * np.sum(mask[None, :, None] * (o - y) ** 2) * dt
    if activity:
        value += activity * np.sum(s) * dt
    return float(value / o.shape[0])


def gradient(params: dict, x: np.ndarray, y: np.ndarray, mask: np.ndarray, c: Constants,
             trajectory: dict | None = None, activity: float = 0.0) -> tuple[float, dict]:
    """The loss and its exact gradient with respect to W, U, O and I0 (backpropagation
    through the Euler steps)."""
    W, U, O, I0 = params["W"], params["U"], params["O"], params["I0"]
    tr = trajectory or forward(params, x, c)
    theta, s, o = tr["theta"], tr["s"], tr["o"]
    trials, steps, _ = x.shape
    value = loss(o, y, mask, c.dt, s[:, :-1], activity)
    error = mask[None, :, None] * (o - y) * c.dt / trials  # d loss / d o[n]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["O"] = np.einsum("bnm,bni->mi", error, s[:, :-1])
    lam_theta = np.zeros_like(theta[:, 0])  # d loss / d theta[n + 1]
    lam_s = np.zeros_like(s[:, 0])  # d loss / d s[n + 1]
    for k in range(steps - 1, -1, -1):
        current = s[:, k] @ W.T + x[:, k] @ U.T + I0
        cos, sin = np.cos(theta[:, k]), np.sin(theta[:, k])
        f = ((1 - cos) + (1 + cos) * current) / c.tau_m
        df_dtheta = sin * (1 - current) / c.tau_m
        df_dI = (1 + cos) / c.tau_m
        g, dg = gate(theta[:, k], c.gate_width)
        delta = (lam_theta * c.dt + lam_s * c.dt * g / c.tau_s) * df_dI  # d loss / d I[n]
        grads["W"] += delta.T @ s[:, k]
        grads["U"] += delta.T @ x[:, k]
        grads["I0"] += delta.sum(axis=0)
        new_theta = lam_theta * (1 + c.dt * df_dtheta) + lam_s * c.dt * (dg * f + g * df_dtheta) / c.tau_s
        lam_s = lam_s * (1 - c.dt / c.tau_s) + delta @ W + error[:, k] @ O + activity * c.dt / trials
        lam_theta = new_theta
    return value, grads


PARAMS = ("W", "U", "O", "I0")


def adam_state(start: dict) -> dict:
    """Weights `start` with Adam's moments at 0 and no update made."""
    return dict(start, **{f"m_{k}": np.zeros_like(v) for k, v in start.items()},
                **{f"v_{k}": np.zeros_like(v) for k, v in start.items()}, n_updates=np.array(0.0))


def adam_step(state: dict, grads: dict, steps: dict, learning_rate: float, frozen: tuple[str, ...] = ()) -> dict:
    """One update with Adam (Kingma & Ba 2015) on the exact gradient. Each matrix moves by
    about `learning_rate` x steps[k] per update, so that matrices of different scales learn
    alike; the matrices named in `frozen` keep their values."""
    n = float(state["n_updates"]) + 1
    new = {"n_updates": np.array(n)}
    for k in PARAMS:
        if k in frozen:
            continue
        m = 0.9 * state[f"m_{k}"] + 0.1 * grads[k]
        v = 0.999 * state[f"v_{k}"] + 0.001 * grads[k] ** 2
        rate = learning_rate * steps[k] * np.sqrt(1 - 0.999 ** n) / (1 - 0.9 ** n)
        new |= {k: state[k] - rate * m / (np.sqrt(v) + 1e-16), f"m_{k}": m, f"v_{k}": v}
    return dict(state, **new)


# ---------------------------------------------------------------------------------------------
# The same network in Brian2 (runtime or compiled), to hold the NumPy trajectory to it and to
# run trained weights

MODELS = {"neuron": "theta_gated", "input": "analog_input", "recurrent": "gated_coupling",
          "drive": "analog_drive", "readout": "linear_readout"}


def blueprint(name: str, n: int, k: int, m: int, steps: int, dt: float, models: dict, record: bool = True):
    """N theta neurons, K input channels, M readouts; one run = `steps` steps of one trial."""
    from brian2 import SpikeMonitor, StateMonitor, TimedArray, second


    def build():
        x_in = TimedArray(np.zeros((steps, k)), dt=dt * second, name="x_in")
        ns = {"x_in": x_in}
        inputs = make_group(models["input"], k, "inputs", ns)
        neurons = make_group(models["neuron"], n, "neurons", ns, method="euler")
        readout = make_group(models["readout"], m, "readout", ns)
        recurrent = make_synapses(models["recurrent"], neurons, neurons, "recurrent", ns)
        recurrent.connect(**all_to_all(n, n))
        drive = make_synapses(models["drive"], inputs, neurons, "drive", ns)
        drive.connect(**all_to_all(k, n))
        out = make_synapses(models["readout_synapses"], neurons, readout, "out", ns)
        out.connect(**all_to_all(n, m))
        objects = [x_in, inputs, neurons, readout, recurrent, drive, out,
                   StateMonitor(readout, "I_syn", record=True, when="end", name="output"),
                   SpikeMonitor(neurons, name="spikes")]
        if record:
            objects.append(StateMonitor(neurons, ["theta", "s"], record=True, when="start", name="state"))
        return objects

    params = merge_parameters([models["neuron"]])
    settable = ("neurons.theta", "neurons.s", "neurons.I0", "neurons.turns", "recurrent.w", "drive.u", "out.w",
                *(f"neurons.{p}" for p in params))
    outputs = ("output.I_syn", "spikes.i", "spikes.t") + (("state.theta", "state.s") if record else ())
    return Blueprint(name=name, build=build, duration=steps * dt, dt=dt, settable=settable,
                     timed_arrays=("x_in",), outputs=outputs,
                     sources={"neurons": str(models["neuron"].path)},
                     key={"n": n, "k": k, "m": m, "record": record,
                          "models": {r: structure(mo) for r, mo in models.items()}})


def brian_runs(sim, weights: dict, parameter_values: dict, x: np.ndarray) -> tuple[np.ndarray, int]:
    """Weights run by the simulator of `blueprint` on the trials x[trial, step, channel], one
    trial per run, from theta = 0: the outputs [trial, step, readout] and the spike count."""
    outputs, spikes = [], 0
    theta0 = np.zeros(weights["W"].shape[0])
    for trial in x:
        out = sim.run(brian_values(weights, parameter_values, theta0), {"x_in": trial}, seed=0)
        outputs.append(out["output.I_syn"])
        spikes += len(out["spikes.i"])
    return np.stack(outputs), spikes


def brian_values(params: dict, parameter_values: dict, theta0: np.ndarray) -> dict:
    """run_args of the Brian2 network for weight matrices W[post, pre], U, O and I0."""
    n = params["W"].shape[0]
    values = {"neurons.theta": theta0, "neurons.s": np.zeros(n), "neurons.I0": params["I0"],
              "neurons.turns": np.floor((theta0 + np.pi) / (2 * np.pi)),
              "recurrent.w": params["W"].T.ravel(), "drive.u": params["U"].T.ravel(), "out.w": params["O"].T.ravel()}
    return values | {f"neurons.{p}": float(np.asarray(v)) for p, v in parameter_values.items()}


# ---------------------------------------------------------------------------------------------
# Experiments trained by the exact gradient


class ExactGradientExperiment(Experiment):
    """A theta network trained with Adam on the exact gradient, one batch per chunk, in NumPy;
    the trained weights are re-run in Brian2. A subclass gives Config (with iterations,
    learning_rate, n_checkpoints), presets, `step_scale` ({matrix: Adam step, None for its
    initial s.d.}), `channels` (input channels, readouts), and `Network(config, params,
    simulator, seed)`: the task, whose `initial` holds the initial weights, whose
    `gradient(weights, chunk)` is the exact gradient on the chunk's batch and whose
    `evaluate(weights, final)` measures the weights (re-run in Brian2 when `final`)."""

    roles = MODELS
    step_scale: dict
    Network: type
    export_refusal = ("it is trained in NumPy by the exact gradient; its compiled network only re-runs "
                      "the trained weights")

    def compose(self, loaded):
        return loaded | {"readout_synapses": loaded["recurrent"]}

    def parameters(self, models):
        return merge_parameters([models["neuron"]])

    def channels(self, config) -> tuple[int, int]:
        """The number of input channels and of readouts."""
        raise NotImplementedError

    def blueprint(self, config, models, params):
        inputs, readouts = self.channels(config)
        return blueprint(self.label.replace(" --learner ", "-"), config.n_neurons, inputs, readouts, config.steps,
                         float(config.dt), models, record=False)

    def network(self, config, models, params, simulator, seed):
        return self.Network(config, params, simulator, seed)

    def schedule(self, config):
        return Schedule(config.iterations, log_spaced_chunks(config.iterations, config.n_checkpoints),
                        config.batch * config.steps * float(config.dt))

    def evaluate(self, net, state, chunk):
        return net.evaluate({k: state[k] for k in PARAMS}, final=chunk == net.config.iterations)

    def initial_state(self, net):
        return adam_state(net.initial)

    def train(self, net, state, chunk):
        steps = {k: self.step_scale[k] or float(np.std(v)) for k, v in net.initial.items()}
        grads = net.gradient({k: state[k] for k in PARAMS}, chunk)
        return adam_step(state, grads, steps, net.config.learning_rate, self.frozen(net.config))

    def frozen(self, config) -> tuple[str, ...]:
        """Matrices that keep their initial values."""
        return ()
