"""The neurosims model library: one data-only file per neuron, input, synapse and plasticity
model. List them with ``neurosims models``; see ``neurosims.models`` for the file format."""
