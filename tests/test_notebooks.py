"""Every notebook in notebooks/ runs from top to bottom and ends by printing its summary.

Each notebook is executed with nbclient in a kernel running this interpreter (sys.executable),
with a pytest temporary folder as working directory and as TMPDIR, so nothing is written into
the repository. The notebooks' last cell prints the summary and asserts the science.
"""

import sys
from pathlib import Path

import pytest

import nbclient
import nbformat
from ipykernel import kernelspec

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# the slowest notebooks (about 80 s each in runtime mode for 01 and 03, 45-60 s for 04 and 05,
# measured 2026-12-01) run with `pytest -m long`, so that the default suite stays under 15
# minutes on 2 cores; 02 (about 90 s since its dt became 0.25 ms, 2026-12-07) runs in every suite
LONG = {"01_predictive_coding_quick.ipynb", "03_eprop_pattern_quick.ipynb", "04_delayed_memory_explore.ipynb",
        "05_decolle_explore.ipynb"}
CASES = [pytest.param(p, marks=pytest.mark.long) if p.name in LONG else p for p in NOTEBOOKS]


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A 'python3' kernelspec pointing at sys.executable, found before any other one."""
    data = tmp_path / "jupyter"
    kernelspec.write_kernel_spec(path=data / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(data))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(work))  # the kernel's tempfile folders land here
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return work


def test_kernelspec_is_this_interpreter(kernel_env):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_env):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(kernel_env)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell raised:\n{err}")

    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [out for cell in code_cells for out in cell.outputs if out.output_type == "error"]
    assert not errors, f"{path.name}: {[e.ename + ': ' + e.evalue for e in errors]}"
    last = "".join(out.get("text", "") for out in code_cells[-1].outputs if out.output_type == "stream")
    # every notebook ends by printing its summary and asserting on the science in it
    assert last.strip(), f"{path.name}: the last cell printed nothing"
    assert "assert summary" in code_cells[-1].source, f"{path.name}: the last cell asserts nothing on its summary"
