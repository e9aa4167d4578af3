"""A linear readout of a rate network and its error: y = W_out h (a summed variable), and
err = active (y - y*)/T, the derivative of the trial's loss (1/2T) sum_t |y - y*|^2 with
respect to y (0 in a trial's first step, where h is h0: Murray's updates scale by 1/T).
loss sums (1/2T) |y - y*|^2 over the run. The target y* is a TimedArray of the whole run, one
trial after another."""

KIND = "neuron"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = """
y : 1      # output
err : 1    # dL/dy of this step
loss : 1   # the loss summed since the run started
"""
END_OF_STEP = """
err = int((int(t/dt + 0.5) % int(trial_steps)) > 0)*(y - y_target(t, i))/trial_steps
loss += 0.5*err**2*trial_steps
"""
TIMED_ARRAYS = {"y_target": 1}
PARAMETERS = {"trial_steps": (100, "steps of one trial", "murray-lab/rflo-learning (duration = 100)")}
