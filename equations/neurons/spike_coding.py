"""Spike-coding integrate-and-fire neuron of a predictive-coding network.

The voltage is the neuron's share of the coding error: it integrates the feedforward drive
F^T c and the recurrent input Omega o(t) (added by the recurrent synapses at each spike) and
leaks at rate lambda. A spike resets no voltage by itself: the autapse Omega[k, k] < 0 does.
r is the spike train filtered with the same leak, from which x_hat = D r is decoded.
Noise follows the authors' code: white noise on V (0.001 per 1 ms step, i.e. 0.001/sqrt(ms))
and 0.01 N(0,1) on the threshold comparison at every step.
"""
from brian2 import Hz, ms, sqrt

KIND = "neuron"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25. "
    "Journal version and code: Brendel W et al. (2020) PLOS Comput Biol 16(3):e1007692, "
    "doi:10.1371/journal.pcbi.1007692"
)
EQUATIONS = """
dV/dt = -lambda_v*V + I_ff + sigma_v*xi : 1  # membrane potential (dimensionless)
dr/dt = -lambda_v*r : 1                      # spike train filtered with the leak (decoder input)
I_ff : Hz                                    # feedforward drive F^T c, summed over input synapses
"""
THRESHOLD = "V > v_th + sigma_th*randn()"
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
