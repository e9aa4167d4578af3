"""Spike-coding networks (Bourdoukan et al. 2012; Bourdoukan & Deneve 2015; Brendel et al.
2020): what the predictive-coding and balance experiments share.

    network.py    the authors' initial weights; the one-spike-per-step arbiter's schedule
    metrics.py    decoding error, distance to the optimal weights, rates, irregularity
    reference.py  the predictive-coding network, one step of the authors' Learning.m at a
                  time, in NumPy (the Brian2 network is held to it)
"""
