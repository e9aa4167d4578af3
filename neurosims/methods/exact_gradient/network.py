"""The exact gradient of a differentiable spiking network (Huh & Sejnowski 2018): theta neurons
with gated synaptic currents (equations/neurons/theta_gated.py), integrated by the exact phase
map for an input held constant over each step, and differentiated by backpropagation through
those steps (the discrete adjoint), in NumPy.

For trials b, neurons i and steps n:
    I[n]       = W s[n] + U x[n] + I0                  (held over the step)
    theta[n+1] = Phi(theta[n], I[n])                  (the theta neuron's exact flow over dt)
    s[n+1]     = rho s[n] + kappa (G(theta[n+1]) - G(theta[n]))
    o[n]       = O s[n]
    loss       = sum_n mask[n] 0.5 |o[n] - y[n]|^2 dt + cost/2 (r - r_target)^2   (mean over trials)
Phi: with v = tan(theta/2) the theta neuron is tau_m dv/dt = v^2 + I, a Riccati equation whose
flow for constant I is a Moebius map of v, i.e. a linear map of (sin theta/2, cos theta/2);
theta advances by 2 atan2(cross, dot) with
    cross = sigma u ((1 - cos theta) + I (1 + cos theta))/2,  dot = c + sigma u (I - 1) sin(theta)/2,
u = dt/tau_m, z = I u^2, c = cos(sqrt z), sigma = sin(sqrt z)/sqrt z (cosh, sinh for z < 0;
both analytic in I, so one formula holds above, at and below the onset of firing). It is exact
for any dt at which theta moves by less than 2 pi per step.
G is the gate's cumulative charge (the integral of g over theta; 1 per full passage through
the active zone around pi), so a step delivers the charge its passage covers however the step
falls; rho = exp(-dt/tau_s) and kappa = (1 - rho)/dt, so the charge of a spike summed over
the following steps, sum s dt, is exactly 1 (as in the continuous model). This replaced
forward Euler: at dt = 1 ms Euler samples the 0.5 rad gate in two or three steps, and the
gradient of a 1 s trial through those samples was ~1e12 with a direction that changed under
1e-6 relative changes of the weights (issue 20); the map is the same at every step size.
r is the trial's mean rate (the optional rate penalty). The gradient with respect to W, U, O and I0 is exact for this
discrete system (tests check it against finite differences), and Brian2 runs the same map
(the model file's PER_STEP code), so its trajectory is NumPy's.
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
    tau_s: float | np.ndarray  # one value, or one per neuron
    gate_width: float
    dt: float

    @property
    def rho(self):
        return np.exp(-self.dt / np.asarray(self.tau_s))

    @property
    def kappa(self):
        return (1 - self.rho) / self.dt


def constants(params: dict, dt, slow: np.ndarray | None = None) -> Constants:
    """The constants of a theta network from its model parameters (Brian2 quantities); with
    `slow` (one flag per neuron), the flagged neurons' synapses have tau_slow."""
    tau_s = float(params["tau_s"]) if slow is None else np.where(slow, float(params["tau_slow"]), float(params["tau_s"]))
    return Constants(float(params["tau_m"]), tau_s, float(params["gate_width"]), float(dt))


def gate(theta: np.ndarray, width: float) -> np.ndarray:
    """g(theta): a raised cosine of `width` around pi (mod 2 pi), integral 1."""
    phase = np.mod(theta, 2 * np.pi) - np.pi
    return np.where(np.abs(phase) < width / 2, (1 + np.cos(2 * np.pi * phase / width)) / width, 0.0)


def charge(theta: np.ndarray, width: float) -> np.ndarray:
    """G(theta), the integral of the gate from theta = 0: the completed turns plus the share
    of the current turn's active zone passed."""
    turns = np.floor(theta / (2 * np.pi))
    phase = theta - 2 * np.pi * turns - np.pi
    inside = np.abs(phase) < width / 2
    return turns + np.clip(phase / width + 0.5, 0, 1) + inside * np.sin(2 * np.pi * phase / width) / (2 * np.pi)


def spike_trains(theta: np.ndarray) -> np.ndarray:
    """Spikes (theta crossing pi) per trial, step and neuron, from phases theta[trial, step + 1, N]."""
    return np.diff(np.floor((theta + np.pi) / (2 * np.pi)), axis=1) > 0


def _cos_sinc(z: np.ndarray):
    """c = cos(sqrt z), sigma = sin(sqrt z)/sqrt z and d sigma/dz, analytic in z (cosh and
    sinh below 0; Taylor series near 0, where the closed forms lose precision)."""
    small = np.abs(z) < 1e-2
    r = np.sqrt(np.abs(z)) + small
    above = z > 0
    c = np.where(above, np.cos(r), np.cosh(r))
    sigma = np.where(above, np.sin(r), np.sinh(r)) / r
    dsigma = (c - sigma) / (2 * np.where(small, 1.0, z))
    c = np.where(small, 1 - z / 2 + z ** 2 / 24 - z ** 3 / 720 + z ** 4 / 40320, c)
    sigma = np.where(small, 1 - z / 6 + z ** 2 / 120 - z ** 3 / 5040 + z ** 4 / 362880, sigma)
    dsigma = np.where(small, -1 / 6 + z / 60 - z ** 2 / 1680 + z ** 3 / 90720, dsigma)
    return c, sigma, dsigma


def phase_map(theta: np.ndarray, current: np.ndarray, c: Constants, derivatives: bool = False):
    """Phi(theta, I): theta after one step of constant input I; with `derivatives`, also
    dPhi/dtheta and dPhi/dI."""
    u = c.dt / c.tau_m
    cos_z, sigma, dsigma = _cos_sinc(current * u * u)
    cos, sin = np.cos(theta), np.sin(theta)
    drive = ((1 - cos) + current * (1 + cos)) / 2
    cross = u * sigma * drive
    dot = cos_z + u * sigma * (current - 1) * sin / 2
    new = theta + 2 * np.arctan2(cross, dot)
    if not derivatives:
        return new
    norm = cross ** 2 + dot ** 2
    d_theta = 1 + 2 * (dot * u * sigma * (1 - current) * sin / 2 - cross * u * sigma * (current - 1) * cos / 2) / norm
    dcross_di = u ** 3 * dsigma * drive + u * sigma * (1 + cos) / 2
    ddot_di = -sigma * u ** 2 / 2 + (u ** 3 * dsigma * (current - 1) + u * sigma) * sin / 2
    return new, d_theta, 2 * (dot * dcross_di - cross * ddot_di) / norm


def forward(params: dict, x: np.ndarray, c: Constants, theta0: np.ndarray | None = None,
            derivatives: bool = False) -> dict:
    """Trajectories for inputs x[trial, step, channel]. params: W (N, N, seconds), U (N, K),
    O (M, N, seconds), I0 (N); theta0: the initial phases (N, or trial x N). Returns theta, s
    (trial, step + 1, N) and o (trial, step, M); with `derivatives`, also each step's
    dPhi/dtheta and dPhi/dI (trial, step, N) and the gate g(theta) (trial, step + 1, N), which
    the gradient needs."""
    W, U, O, I0 = params["W"], params["U"], params["O"], params["I0"]
    trials, steps, _ = x.shape
    n = W.shape[0]
    theta = np.zeros((trials, steps + 1, n))
    s = np.zeros((trials, steps + 1, n))
    external = x @ U.T + I0
    if theta0 is not None:
        theta[:, 0] = theta0
    if derivatives:
        d_theta, d_current = np.zeros((trials, steps, n)), np.zeros((trials, steps, n))
    g_now = charge(theta[:, 0], c.gate_width)
    for k in range(steps):
        current = external[:, k] + s[:, k] @ W.T
        if derivatives:
            theta[:, k + 1], d_theta[:, k], d_current[:, k] = phase_map(theta[:, k], current, c, True)
        else:
            theta[:, k + 1] = phase_map(theta[:, k], current, c)
        g_next = charge(theta[:, k + 1], c.gate_width)
        s[:, k + 1] = c.rho * s[:, k] + c.kappa * (g_next - g_now)
        g_now = g_next
    out = {"theta": theta, "s": s, "o": s[:, :-1] @ O.T}
    if derivatives:
        out |= {"d_theta": d_theta, "d_current": d_current, "gate": gate(theta, c.gate_width)}
    return out


def loss(o: np.ndarray, y: np.ndarray, mask: np.ndarray, dt: float, s: np.ndarray | None = None,
         rate: tuple[float, float] | None = None) -> float:
    """0.5 sum over the masked steps of |o - y|^2 dt (+ the rate penalty), mean over trials.
    `s`: the trajectory's s[:, :-1] (needed for the rate penalty); rate = (target, cost): cost/2 (r - target)^2 for each trial's mean rate
    r, the mean of s over steps and neurons (in Hz: the integral of s counts spikes)."""
    value = 0.5 * np.sum(mask[None, :, None] * (o - y) ** 2) * dt
    if rate:
        value += 0.5 * rate[1] * np.sum((mean_rate(s) - rate[0]) ** 2)
    return float(value / o.shape[0])


def mean_rate(s: np.ndarray) -> np.ndarray:
    """Each trial's mean rate (Hz) from the synaptic outputs s[trial, step, neuron]."""
    return s.mean(axis=(1, 2))


def gradient(params: dict, x: np.ndarray, y: np.ndarray, mask: np.ndarray, c: Constants,
             trajectory: dict | None = None, rate: tuple[float, float] | None = None,
             theta0: np.ndarray | None = None) -> tuple[float, dict]:
    """The loss and its exact gradient with respect to W, U, O and I0 (backpropagation
    through the steps of `forward` from the phases theta0; a `trajectory` given must hold
    the derivatives)."""
    W, O = params["W"], params["O"]
    tr = trajectory if trajectory and "gate" in trajectory else forward(params, x, c, theta0, derivatives=True)
    s, g = tr["s"], tr["gate"]
    trials, steps, _ = x.shape
    value = loss(tr["o"], y, mask, c.dt, s[:, :-1], rate)
    error = mask[None, :, None] * (tr["o"] - y) * c.dt / trials  # d loss / d o[n]
    direct = np.zeros((trials, 1))  # d (rate penalty) / d s[n]
    if rate:
        direct = (rate[1] * (mean_rate(s[:, :-1]) - rate[0]) / (s.shape[2] * steps * trials))[:, None]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["O"] = np.einsum("bnm,bni->mi", error, s[:, :-1])
    lam_theta = np.zeros_like(s[:, 0])  # d loss / d theta[n + 1]
    lam_s = np.zeros_like(s[:, 0])  # d loss / d s[n + 1]
    delta = np.zeros((trials, steps, W.shape[0]))  # d loss / d I[n]
    for k in range(steps - 1, -1, -1):
        through_theta = lam_theta + lam_s * c.kappa * g[:, k + 1]  # d loss / d theta[n+1], both paths
        delta[:, k] = through_theta * tr["d_current"][:, k]
        lam_theta = through_theta * tr["d_theta"][:, k] - lam_s * c.kappa * g[:, k]
        lam_s = lam_s * c.rho + delta[:, k] @ W + error[:, k] @ O + direct
    grads["W"] = np.einsum("bni,bnj->ij", delta, s[:, :-1])
    grads["U"] = np.einsum("bni,bnk->ik", delta, x)
    grads["I0"] = delta.sum(axis=(0, 1))
    return value, grads


TRAINED = ("W", "U", "I0")  # by Adam on the exact gradient; the readout O is solved (readout_step)
PARAMS = TRAINED + ("O",)


def adam_state(start: dict) -> dict:
    """Weights `start` with Adam's moments at 0, no update made, and no readout statistics."""
    n, m = start["O"].shape[1], start["O"].shape[0]
    return dict(start, **{f"m_{k}": np.zeros_like(start[k]) for k in TRAINED},
                **{f"v_{k}": np.zeros_like(start[k]) for k in TRAINED}, n_updates=np.array(0.0),
                readout_ss=np.zeros((n, n)), readout_sy=np.zeros((n, m)))


def adam_step(state: dict, grads: dict, steps: dict, learning_rate: float, frozen: tuple[str, ...] = ()) -> dict:
    """One update with Adam (Kingma & Ba 2015) on the exact gradient. Each matrix moves by
    about `learning_rate` x steps[k] per update, so that matrices of different scales learn
    alike; the matrices named in `frozen` keep their values. epsilon is 1e-8 of the matrix's
    root-mean-square gradient, so that it only guards against division by 0 and does not set
    the step (an absolute epsilon of 1e-16 with gradients of ~1e-5 turned Adam into sign
    steps, issue 20)."""
    n = float(state["n_updates"]) + 1
    new = {"n_updates": np.array(n)}
    for k in TRAINED:
        if k in frozen:
            continue
        m = 0.9 * state[f"m_{k}"] + 0.1 * grads[k]
        v = 0.999 * state[f"v_{k}"] + 0.001 * grads[k] ** 2
        m_hat, v_hat = m / (1 - 0.9 ** n), v / (1 - 0.999 ** n)
        epsilon = 1e-8 * np.sqrt(np.mean(v_hat)) + 1e-300
        new |= {k: state[k] - learning_rate * steps[k] * m_hat / (np.sqrt(v_hat) + epsilon), f"m_{k}": m, f"v_{k}": v}
    return dict(state, **new)


def readout_step(state: dict, s: np.ndarray, y: np.ndarray, mask: np.ndarray, memory: float, ridge: float) -> dict:
    """The readout O as the least-squares decoder of the targets y from s over the masked steps
    of this batch and the earlier ones, each batch weighted `memory` times the next
    (ridge-regularised by `ridge` x the mean variance of s). Solving O lets the gradient of
    W, U and I0 be taken at the best readout of the current network (variable projection):
    with O learned by gradient steps, the first hundreds of updates went to scaling O while
    the gradient of the rest pointed at a readout that did not exist yet."""
    features, targets = s[:, mask > 0].reshape(-1, s.shape[2]), y[:, mask > 0].reshape(-1, y.shape[2])
    ss = memory * state["readout_ss"] + features.T @ features
    sy = memory * state["readout_sy"] + features.T @ targets
    n = ss.shape[0]
    regulariser = ridge * np.trace(ss) / n + 1e-30
    return dict(state, O=np.linalg.solve(ss + regulariser * np.eye(n), sy).T, readout_ss=ss, readout_sy=sy)


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
        neurons = make_group(models["neuron"], n, "neurons", ns)
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
    settable = ("neurons.theta", "neurons.s", "neurons.I0", "neurons.turns", "neurons.slow", "recurrent.w", "drive.u", "out.w",
                *(f"neurons.{p}" for p in params))
    outputs = ("output.I_syn", "spikes.i", "spikes.t") + (("state.theta", "state.s") if record else ())
    return Blueprint(name=name, build=build, duration=steps * dt, dt=dt, settable=settable,
                     timed_arrays=("x_in",), outputs=outputs,
                     sources={"neurons": str(models["neuron"].path)},
                     key={"n": n, "k": k, "m": m, "record": record,
                          "models": {r: structure(mo) for r, mo in models.items()}})


def brian_runs(sim, weights: dict, parameter_values: dict, x: np.ndarray, theta0: np.ndarray | None = None,
               slow: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Weights run by the simulator of `blueprint` on the trials x[trial, step, channel], one
    trial per run, from the phases theta0[trial, neuron] (default 0), with the slow-synapse
    flags `slow`: the outputs [trial, step, readout] and the spike count."""
    outputs, spikes = [], 0
    n = weights["W"].shape[0]
    phases = np.zeros((len(x), n)) if theta0 is None else theta0
    for trial, start in zip(x, phases):
        out = sim.run(brian_values(weights, parameter_values, start, slow), {"x_in": trial}, seed=0)
        outputs.append(out["output.I_syn"])
        spikes += len(out["spikes.i"])
    return np.stack(outputs), spikes


def brian_values(params: dict, parameter_values: dict, theta0: np.ndarray, slow: np.ndarray | None = None) -> dict:
    """run_args of the Brian2 network for weight matrices W[post, pre], U, O and I0, from the
    phases theta0, with the slow-synapse flags `slow` (default: none)."""
    n = params["W"].shape[0]
    values = {"neurons.theta": theta0, "neurons.s": np.zeros(n), "neurons.I0": params["I0"],
              "neurons.turns": np.floor((theta0 + np.pi) / (2 * np.pi)),
              "neurons.slow": np.zeros(n) if slow is None else np.asarray(slow, float),
              "recurrent.w": params["W"].T.ravel(), "drive.u": params["U"].T.ravel(), "out.w": params["O"].T.ravel()}
    return values | {f"neurons.{p}": float(np.asarray(v)) for p, v in parameter_values.items()}


# ---------------------------------------------------------------------------------------------
# Experiments trained by the exact gradient


class ExactGradientExperiment(Experiment):
    """A theta network trained on the exact gradient, one batch per chunk, in NumPy: W, U and
    I0 by Adam at a rate falling linearly to a tenth over the run, the readout O solved on the
    recent batches (readout_step) before each gradient; the trained weights are re-run in
    Brian2. A subclass gives Config (with iterations, batch, learning_rate, readout_memory,
    ridge, n_checkpoints), presets, `step_scale` ({matrix: Adam step, None for its initial
    s.d.}), `channels` (input channels, readouts), and `Network(config, params, simulator,
    seed)`: the task, whose `initial` holds the initial weights, `constants` the network's
    constants, `loss_terms` the rate penalty of its loss, whose `batch(chunk)` gives
    the chunk's trials (x, y, mask, theta0) and whose `evaluate(weights, final)` measures the
    weights (re-run in Brian2 when `final`). Before training, the readout is solved for the
    initial network, so that "before" is the untrained network with its best readout."""

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
        state = adam_state(net.initial)
        return self._solve_readout(net, state, 0)[0]

    def _solve_readout(self, net, state, chunk, derivatives=True):
        batch = net.batch(chunk)
        weights = {k: state[k] for k in PARAMS}
        trajectory = forward(weights, batch["x"], net.constants, batch["theta0"], derivatives=derivatives)
        state = readout_step(state, trajectory["s"][:, :-1], batch["y"], batch["mask"], net.config.readout_memory,
                             net.config.ridge)
        trajectory["o"] = trajectory["s"][:, :-1] @ state["O"].T
        return state, batch, trajectory

    def train(self, net, state, chunk):
        config = net.config
        readout_only = set(self.frozen(config)) >= set(TRAINED)
        state, batch, trajectory = self._solve_readout(net, state, chunk, derivatives=not readout_only)
        if readout_only:
            return state  # no gradient to take
        _, grads = gradient({k: state[k] for k in PARAMS}, batch["x"], batch["y"], batch["mask"], net.constants,
                            trajectory, **net.loss_terms)
        rate = config.learning_rate * (1 - 0.9 * float(state["n_updates"]) / config.iterations)
        return adam_step(state, grads, self.steps(net), rate, self.frozen(config))

    def steps(self, net) -> dict:
        """Adam's step per matrix: step_scale's, or where it gives None the matrix's initial s.d."""
        return {k: self.step_scale[k] or float(np.std(net.initial[k])) for k in TRAINED}

    def frozen(self, config) -> tuple[str, ...]:
        """Matrices that keep their initial values."""
        return ()
