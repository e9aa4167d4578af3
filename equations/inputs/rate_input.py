"""External inputs of a rate network: x_i(t) from a TimedArray the experiment fills for the whole
run, one trial after another, so that every trial can have its own input (a subexpression: its
readers see the value of the current step)."""

KIND = "input"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = "x = x_in(t, i) : 1  # the input of this step"
TIMED_ARRAYS = {"x_in": 1}
PARAMETERS = {}
