"""eRBP (Neftci et al. 2017): its network in generated code, the NumPy reference, the non-spiking comparison."""
