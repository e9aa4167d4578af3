"""Spike-coding integrate-and-fire neuron of predictive-coding and balanced networks.

The voltage is the neuron's share of the coding error: it integrates the feedforward drive
F^T c, the fast recurrent input Omega o(t) (added by the recurrent synapses at each spike)
and, in networks that learn a dynamical system (Bourdoukan & Deneve 2015), the error
feedback K F^T (x - x_hat) and the slow recurrent current Omega_s r; it leaks at rate lambda.
Currents that no synapse group drives stay 0. A spike resets no voltage by itself: the autapse Omega[k, k] < 0 does.
r is the spike train filtered with the same leak, from which x_hat = D r is decoded.
Noise follows the authors' code: white noise on V (0.001 per 1 ms step, i.e. 0.001/sqrt(ms))
and 0.01 N(0,1) on the threshold comparison at every step.

The fast recurrent input of a spike (the reset included) arrives in the next step, after that
step's leak and before its threshold, as in the authors' Learning.m (V(i) = (1 - lambda dt)
V(i-1) + dt F^T c + Omega o(i-1)): the synapses add it to `kick`, the next step adds `kick`
to V.

At most one neuron spikes per time step, the one furthest above threshold (the authors'
`max(V - Thresh - 0.01*randn)`): u, the distance above the noisy threshold, is drawn once
per step (PER_STEP, after integration), a winner_take_all synapse counts the neurons with a
larger u, and only the neuron with none spikes. Without this, neurons with similar
feedforward weights cross threshold in the same step, their opposites are kicked above
threshold by the positive weights learning creates between opposite neurons, and the
network falls into a runaway ping-pong (seen at dt = 1 ms, 0.1 ms and 0.02 ms).
"""
from brian2 import Hz, ms, sqrt

KIND = "neuron"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25. "
    "Journal version and code: Brendel W et al. (2020) PLOS Comput Biol 16(3):e1007692, "
    "doi:10.1371/journal.pcbi.1007692. "
    "Error feedback and slow currents: Bourdoukan R, Deneve S (2015). Enforcing balance allows "
    "local supervised learning in spiking recurrent networks. NIPS 28, 982-990."
)
EQUATIONS = """
dV/dt = -lambda_v*V + I_ff + I_fb + I_slow + sigma_v*xi : 1  # membrane potential (dimensionless)
dr/dt = -lambda_v*r : 1                      # spike train filtered with the leak (decoder input)
I_ff : Hz                                    # feedforward drive F^T c, summed over input synapses
I_fb : Hz                                    # error feedback K F^T (x - x_hat) (Bourdoukan & Deneve 2015)
I_slow : Hz                                  # slow recurrent current Omega_s r (Bourdoukan & Deneve 2015)
kick : 1                                     # fast recurrent input of the last step's spikes (Omega o)
u : 1                                        # V minus the noisy threshold, drawn once per step
n_above : 1                                  # neurons with a larger u this step (winner_take_all)
"""
PER_STEP = """
V += kick  # the last step's spikes arrive after this step's leak, as in Learning.m
kick = 0
u = V - v_th - sigma_th*randn()
"""
THRESHOLD = "u > 0 and n_above == 0"
RESET = "r += 1"
PARAMETERS = {
    "lambda_v": (50 * Hz, "leak rate of V, r and the target x (tau = 20 ms)",
                 "Bourdoukan et al. 2012, Eq. 1; Brendel et al. 2020 code Learning.m (lambd = 50)"),
    "v_th": (0.5, "firing threshold T",
             "Brendel et al. 2020 code Learning.m (Thresh = 0.5)"),
    "sigma_v": (0.001 / sqrt(ms), "white-noise amplitude on V (std 0.001 per 1 ms step)",
                "Brendel et al. 2020 code Learning.m (0.001*randn per step)"),
    "sigma_th": (0.01, "std of the noise added to the threshold at every step",
                 "Brendel et al. 2020 code Learning.m (0.01*randn in the max test)"),
}
