"""Figures draw time in seconds of simulated time, whatever the time step or recording step."""

import numpy as np
import pytest

from neurosims.store import read_npz

from helpers import prepared


def stages(folder):
    arrays = read_npz(folder / "arrays.npz")
    return ({k[7:]: v for k, v in arrays.items() if k.startswith("before_")},
            {k[6:]: v for k, v in arrays.items() if k.startswith("after_")})


def latest_time(figure) -> float:
    return max(float(np.max(line.get_xdata())) for ax in figure.axes for line in ax.get_lines()
               if len(line.get_xdata()) > 2)


@pytest.mark.parametrize("name, sets, figure, seconds", [
    ("predictive-coding", ["record_dt=2*ms"], "raster_and_decoding.png", 1.0),  # the first second of the test
    ("eprop-pattern", ["dt=0.5*ms"], "output_vs_target.png", 1.0),  # one trial
])
def test_time_axes_follow_the_time_step(name, sets, figure, seconds, tmp_path):
    """Before, these figures took every sample to be 1 ms apart (2 s or 0.5 s drawn for 1 s)."""
    prep = prepared(name, "tiny", sets)
    result = prep.run(tmp_path / "run", seed=0, progress=False, figures=False)
    before, after = stages(tmp_path / "run")
    drawn = prep.experiment.figures(prep.config, result["history"], before, after)[figure]
    assert latest_time(drawn) == pytest.approx(seconds, abs=0.01)
