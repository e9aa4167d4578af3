"""External inputs of a rate network: x_i(t) from a TimedArray the experiment fills, indexed by
the step within the trial (a subexpression: its readers see the value of the current step)."""

KIND = "input"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = "x = x_in((int(t/dt + 0.5) % int(trial_steps))*dt, i) : 1  # the input of this step"
TIMED_ARRAYS = {"x_in": 1}
PARAMETERS = {"trial_steps": (100, "steps of one trial", "murray-lab/rflo-learning (duration = 100)")}
