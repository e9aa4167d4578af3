"""Linear readout of the filtered spike trains: x_hat_j = sum_n D[j, n] r_n."""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = """
d : 1                              # decoder weight D[j, n] (post j, pre n)
x_hat_post = d*r_pre : 1 (summed)  # network estimate x_hat_j
"""
PRE = "r : 1"
POST = "x_hat : 1"
PARAMETERS = {}
