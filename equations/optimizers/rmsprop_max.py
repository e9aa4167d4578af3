"""SuperSpike's per-parameter learning rate: an RMSprop-like step whose normaliser is a
decaying maximum of the squared gradient (Zenke & Ganguli 2018, Methods, "per-parameter
learning rate"; the authors' RMSprop-max, SuperSpikeConnection::evolve).

At every weight update (every update_period):
    v <- max(g^2, exp(-update_period/tau_rms) v)
    w <- clip(w - eta g/(sqrt(v) + epsilon), -w_max, w_max);  g <- 0
so no weight moves by more than eta in one update, and a weight whose gradient stays small
still learns. The update at t = 0 of a run applies the gradient the previous run left (the
experiment carries g and v between runs), so training in runs is training without pause.
"""
from brian2 import mV, second

KIND = "optimizer"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086; fzenke/pub2018superspike src/SuperSpikeConnection.cpp"
)
SYNAPSE = """
w : volt
g : 1
"""
EQUATIONS = "v_rms : 1  # decaying maximum of g^2"
ON_UPDATE = """
v_rms = g**2 + clip(exp(-update_period/tau_rms)*v_rms - g**2, 0, inf)
w = clip(w - eta*g/(sqrt(v_rms) + epsilon), -w_max, w_max)
g = 0
"""
LEARNING_RATES = ("eta",)
PARAMETERS = {
    "eta": (1 * mV, "learning rate: the largest weight change of one update",
            "fzenke/pub2018superspike sim/run_symfb.sh (ETA 1e-3, weights in volts)"),
    "tau_rms": (30 * second, "time constant of the decaying maximum",
                "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (set_tau_rms(30.0))"),
    "update_period": (0.5 * second, "time between weight updates",
                      "fzenke/pub2018superspike src/SuperSpikeConnection.cpp (timestep_rmsprop_updates 5000 at dt 0.1 ms)"),
    "epsilon": (1e-12, "added to sqrt(v)", "fzenke/pub2018superspike sim/run_symfb.sh (EPSILON 1e-12)"),
    "w_max": (100 * mV, "weights are clipped to [-w_max, w_max]", "fzenke/pub2018superspike sim/sim_symfb.cpp (wmax 0.1)"),
}
