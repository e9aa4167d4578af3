"""Recurrent voltage-based rule: when neuron k spikes, Omega[:, k] moves to cancel the voltages.

Omega[n, k] -= eps_r (beta (V_n + mu r_n) + Omega[n, k] + mu delta_nk), applied at each
presynaptic spike before the spike is transmitted, with V_n and r_n the postsynaptic voltage
and filtered spike train. The fixed point is Omega = -(F^T F + mu I) up to scale: the
recurrent input then cancels the part of the coding error each spike already explains.
"""

KIND = "plasticity"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25. "
    "Rule as in Brendel W et al. (2020) PLOS Comput Biol 16(3):e1007692, code Learning.m"
)
EQUATIONS = ""
SYNAPSE = "Omega : 1"
ON_PRE = "Omega -= eps_r*(beta*(V_post + mu*r_post) + Omega + mu*int(i == j))"
POST = """
V : 1
r : 1
"""
LEARNING_RATES = ("eps_r",)  # 0: no learning
PARAMETERS = {
    "eps_r": (1e-3, "learning rate of the recurrent weights",
              "Brendel et al. 2020 code Learning.m (epsr = 0.001)"),
    "beta": (1 / 0.9, "gain of the voltage term",
             "Brendel et al. 2020 code Learning.m (beta = 1/0.9)"),
    "mu": (0.02 / 0.9, "cost on the rate (quadratic regulariser); also shifts the optimum by mu I",
           "Brendel et al. 2020 code Learning.m (mu = 0.02/0.9)"),
}
