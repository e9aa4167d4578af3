"""A DECOLLE layer's neuron: U = W P + b + R, S = Theta(U), a refractory trace R as soft
reset, and what its weights' local rule needs (Kaiser et al. 2020, Eqs. 1-4 and 8).

In every step, after U_ff = W P and the bias U_b = b are summed from the layer's inputs:
    R <- alpha_rp R - (1 - alpha_rp) w_rp S     (S of the last step)
    U = U_ff + U_b + R;   S = 1 if U > 0 else 0
the order of the authors' LIFLayer (decolle 0.2). The rule's factor of the neuron is
smask = gate * dropout * sigma'(U): the surrogate derivative, the fast sigmoid
1/(10|U| + 1)^2 that the authors' code uses (boxcar = 0), or the paper's boxcar
1 on |U| < 0.5 (boxcar = 1); the dropout of the path into the local readout (a mask drawn
every step, scaled by 1/(1 - p_drop), 1 when not training); and the gate, 1 from the
burn-in step of each sample on while learning. err is the readout error fed back through
the readout's weights (dL/dS).

The regularisers of Eq. 9, as the authors' DECOLLELoss writes them (reg_l = lambda_1; the
second uses sigmoid(U) and lambda_2 = reg_rate * reg_l there):
    L_reg = reg_l <[U + 0.01]_+> + reg_rate reg_l [min_activity - <sigmoid(U)>]_+
(<.> the mean over the layer) reach the rule through reg = gate dL_reg/dU, computed at the end
of the step from the layer's activity (low_activity: 1 when <sigmoid(U)> < min_activity; inv_n
= 1/N; synapses/activity_feedback). The authors' N-MNIST and DVSGesture configurations set
reg_l = 0, the default here.
"""

KIND = "neuron"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
U : 1      # membrane potential
U_ff : 1   # W P, summed from the layer's input synapses
U_b : 1    # the bias b, summed from the bias unit's synapses
R : 1      # refractory trace
S : 1      # spike in this step (0 or 1)
dS : 1     # S on the path into the local readout (after dropout)
gate : 1   # 1 in a step where the layer learns: training and past the sample's burn-in
smask : 1  # gate * dropout * sigma'(U): the neuron's factor of the local rule
err : 1    # dL/dS, the local readout's error fed back
count : 1  # spikes since the run started (firing rates)
low_activity : 1  # 1 when the layer's mean sigmoid(U) is below min_activity (Eq. 9)
inv_n : 1  # 1/N, N the layer's neurons
reg : 1    # gate * dL_reg/dU of Eq. 9's regularisers
"""
PER_STEP = """
R = alpha_rp*R - (1 - alpha_rp)*w_rp*S
U = U_ff + U_b + R
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
NEW_SEQUENCE = """
U = 0
R = 0
S = 0
"""
PARAMETERS = {
    "alpha_rp": (0.65, "decay of the refractory trace per step",
                 "decolle-public scripts/parameters/params_nmnist.yml (alpharp 0.65)"),
    "w_rp": (1.0, "strength of the refractory trace (soft reset)", "decolle 0.2 LenetDECOLLE default (wrp 1.0)"),
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
