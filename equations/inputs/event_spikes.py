"""Data neurons that replay recorded events as spikes (an event camera's pixels, a tactile
sensor's taxels): a channel spikes in every step holding at least one of its events.

The run's events arrive as in inputs/event_stream (entries of event_key and event_count,
sorted by key = channel*run_steps + step, padded with -1; ptr the channel's next entry); two
events of a channel in one step give one spike (at eRBP's 0.1 ms step, rare).
"""

KIND = "input"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling "
    "neuromorphic deep learning machines. Front Neurosci 11:324 (data neurons as spike sources); events as "
    "in Kaiser J, Mostafa H, Neftci E (2020). DECOLLE. Front Neurosci 14:424"
)
EQUATIONS = """
ptr : 1   # index of this channel's next entry in the run's event list
s_in : 1  # this channel's events in this step
count : 1  # spikes since the run started
"""
START_OF_STEP = """
s_in = event_count(ptr*second) * int(event_key(ptr*second) == i*run_steps + int(t/dt + 0.5))
ptr += int(s_in > 0)
"""
THRESHOLD = "s_in > 0"
RESET = "count += 1"
TIMED_ARRAYS = {"event_key": 1, "event_count": 1}
PARAMETERS = {
    "run_steps": (2500, "steps of one run (the samples of a batch, one after another)",
                  "neurosims: set from the run's length"),
}
