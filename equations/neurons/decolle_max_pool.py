"""2x2 max pooling of a DECOLLE layer's membrane potentials, with spikes after pooling
(Kaiser et al. 2020, Table 2; decolle 0.2 LenetDECOLLE.step): the pooled unit's U is the
largest U of its window, S = Theta(U), and everything on the path into the local readout
happens here, as in decolle_lif for a layer without pooling: the dropout, the surrogate
derivative, the gate and Eq. 9's regularisers. The pooled spikes feed the next layer and the
readout; the layer's own spikes drive only its refractory trace.

The four U of a window are linked to the layer's neurons (the experiment gives the indices:
row-major within the window). argmax is the first of the four that holds the maximum, as
torch's max pooling takes it; the rule's factor reaches only that neuron
(neurons/decolle_lif_pooled).
"""

KIND = "neuron"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424 (Table 2)"
)
EQUATIONS = """
U_a : 1 (linked)  # the window's membrane potentials, row-major
U_b : 1 (linked)
U_c : 1 (linked)
U_d : 1 (linked)
U : 1      # the pooled membrane potential: the window's maximum
argmax : 1  # which of the four holds it (0-3, the first on a tie)
S : 1      # spike after pooling (0 or 1)
dS : 1     # S on the path into the local readout (after dropout)
gate : 1   # 1 in a step where the layer learns: training and past the sample's burn-in
smask : 1  # gate * dropout * sigma'(U)
err : 1    # dL/dS, the local readout's error fed back
count : 1  # pooled spikes since the run started
low_activity : 1  # 1 when the pooled layer's mean sigmoid(U) is below min_activity (Eq. 9)
inv_n : 1  # 1/N, N the pooled units
reg : 1    # gate * dL_reg/dU of Eq. 9's regularisers
"""
PER_STEP = """
U = clip(clip(U_a, U_b, inf), clip(U_c, U_d, inf), inf)
argmax = int(U_a < U)*(1 + int(U_b < U)*(1 + int(U_c < U)))
S = int(U > 0)
count += S
drop = training*p_drop > 0
keep = int(rand() >= p_drop)*int(drop) + (1 - int(drop))
dS = S*keep/(1 - p_drop*int(drop))
gate = training*int((int(t/dt + 0.5) % sample_steps) >= burnin)
smask = gate*keep/(1 - p_drop*int(drop))*((1 - boxcar)/(10*abs(U) + 1)**2 + boxcar*int(abs(U) < 0.5))
"""
END_OF_STEP = """
reg = gate*reg_l*inv_n*(int(U > -0.01) - reg_rate*low_activity*(1 - 1/(1 + exp(-U)))/(1 + exp(-U)))
"""
PARAMETERS = {
    "boxcar": (0, "surrogate: 0 the fast sigmoid 1/(10|U|+1)^2, 1 the boxcar |U| < 0.5",
               "decolle 0.2 LIFLayer (FastSigmoid); Kaiser et al. 2020, Eq. 8 (boxcar)"),
    "p_drop": (0.5, "dropout probability on the path into the local readout (training only)",
               "decolle 0.2 LenetDECOLLE default (dropout 0.5)"),
    "training": (1, "1 while training (dropout, learning), 0 when testing",
                 "decolle 0.2 utils.train / utils.test (training and test modes)"),
    "burnin": (60, "steps of each sample before learning starts",
               "decolle-public scripts/parameters/params_nmnist.yml (burnin_steps 60)"),
    "reg_l": (0.0, "lambda_1 of Eq. 9: weight of the regulariser that keeps U below threshold",
              "decolle-public scripts/parameters/params_nmnist.yml (reg_l 0)"),
    "reg_rate": (3e-3, "lambda_2/lambda_1 of Eq. 9 (the minimum-activity regulariser)",
                 "decolle 0.2 base_model.DECOLLELoss (reg_l*3e-3)"),
    "sample_steps": (300, "steps of one sample", "decolle-public params_nmnist.yml (chunk_size_train 300)"),
}
