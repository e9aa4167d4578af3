"""Input channels that replay recorded events (an event camera's pixels, a tactile sensor's
taxels): a run's events as a list, not as steps x channels frames.

The run's events are the entries of two arrays the experiment sets before every run without
recompiling (neurosims/data/events.py packs them): entry k has key event_key(k) =
channel*run_steps + step and count event_count(k), sorted by key and padded with key -1.
Channel i holds ptr, the index of its next entry: in every step it takes that entry's count
when the entry is its own and due now, and moves on. Memory follows the events; each step
costs one comparison per channel. s_in is the channel's events in this step (its count).
The arrays are indexed as TimedArrays with a step of one second, k -> event_key(k*second).
"""

KIND = "input"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424 (events binned to the "
    "time step as its input)"
)
EQUATIONS = """
ptr : 1   # index of this channel's next entry in the run's event list
s_in : 1  # this channel's events in this step
"""
START_OF_STEP = """
s_in = event_count(ptr*second) * int(event_key(ptr*second) == i*run_steps + int(t/dt + 0.5))
ptr += int(s_in > 0)
"""
TIMED_ARRAYS = {"event_key": 1, "event_count": 1}
PARAMETERS = {
    "run_steps": (300, "steps of one run (the samples of a batch, one after another)",
                  "neurosims: set from the run's length (DECOLLE's N-MNIST samples: 300 steps of 1 ms)"),
}
