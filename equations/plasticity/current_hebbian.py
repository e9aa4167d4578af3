"""Slow-weight rule: the error current into the postsynaptic neuron times the presynaptic rate.

dOmega_s[n, k]/dt = eps_s I_fb[n] r[k]: a delta rule that moves the slow current towards
the current the error feedback supplies, so that the feedback is needed less and less.
Both factors are local to the synapse: the postsynaptic neuron's feedback current and the
presynaptic filtered spike train. The fixed point is Omega_s = F^T (A + lambda I) F.
"""

from brian2 import Hz

KIND = "plasticity"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = ""
SYNAPSE = "Omega_s : Hz"
PER_STEP = "Omega_s += eps_s*I_fb_post*r_pre*dt"
PRE = "r : 1"
POST = "I_fb : Hz"
LEARNING_RATES = ("eps_s",)  # 0: no learning
PARAMETERS = {
    "eps_s": (1.0 * Hz, "learning rate of the slow weights (per unit feedback current and rate)",
              "Bourdoukan & Deneve 2015, Eq. 9 (rule); value chosen here (no published value)"),
}
