"""A DECOLLE layer's local readout: r = G dS + b_G with fixed random G and b_G, trained to the
one-hot target y by the smooth-L1 loss of the authors' code (Kaiser et al. 2020, Eq. 5-7;
decolle 0.2 uses torch.nn.SmoothL1Loss, mean over classes).

In every step, after r_syn = G dS is summed from the layer:
    d = r - y;  loss = mean_k (d^2/2 if |d| < 1 else |d| - 1/2);  err_r = dL/dr = clip(d, -1, 1)/N
err_r is fed back to the layer through the same G (synapses/readout_error_feedback).
"""

KIND = "neuron"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
r_syn : 1   # G dS, summed from the layer
r_bias : 1  # the readout's fixed random bias
r : 1       # the readout
y : 1       # the one-hot target of this step's sample
err_r : 1   # dL/dr
loss : 1    # this readout's share of the layer's loss in this step
"""
END_OF_STEP = """
r = r_syn + r_bias
y = int(i == int(sample_label(t) + 0.5))
err_r = clip(r - y, -1, 1)/N
loss = (0.5*(r - y)**2*int(abs(r - y) < 1) + (abs(r - y) - 0.5)*int(abs(r - y) >= 1))/N
"""
TIMED_ARRAYS = {"sample_label": 1}
PARAMETERS = {}
