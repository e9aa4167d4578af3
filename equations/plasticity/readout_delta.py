"""The delta rule of a linear readout: g_kj += err_k h_j in every step (err = dL/dy), the
exact gradient of the readout weights (Murray 2019, Eq. 9). An optimizer applies g."""

KIND = "plasticity"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
SYNAPSE = "w : 1"
EQUATIONS = "g : 1  # gradient accumulated since the last weight update"
END_OF_STEP = "g += err_post*h_pre"
PRE = "h : 1"
POST = "err : 1"
LEARNING_RATES = ()
PARAMETERS = {}
