"""Values users write (--set, --grid, export overrides read back by collect) are parsed, never
evaluated: only numbers, units, * / ** (whole exponents), sqrt and lists; nothing that is not
finite, no whole number out of range."""

import pytest
from brian2 import Hz, ms, second, sqrt

from neurosims.errors import NeurosimsError
from neurosims.models import parse_quantity
from neurosims.values import parse_value

# Each would, if evaluated, create the file it names (the payloads of the review and more)
PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0](['touch', '{marker}'])",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "Hz.__class__.__init__.__globals__['sys'].modules['os'].system('touch {marker}')",
    "open('{marker}', 'w')",
    "exec(\"open('{marker}', 'w')\")",
    "ms.__reduce__()",
    "[(1).__class__][0]",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_crafted_value_is_refused_and_runs_nothing(payload, tmp_path):
    marker = tmp_path / "owned"
    with pytest.raises(NeurosimsError, match="cannot read a value for eps_r: .* is not a value|is not a unit"):
        parse_quantity(payload.format(marker=marker), 1e-3, "eps_r")
    assert not marker.exists()


@pytest.mark.parametrize("text, expected, value", [
    ("40*Hz", 50 * Hz, 40 * Hz), ("0.5*second", 1 * second, 0.5 * second), ("2e-3", 1e-3, 2e-3),
    ("-100", 1.0, -100.0), ("0/sqrt(ms)", 0.001 / sqrt(ms), 0 / sqrt(ms)), ("1/(20*ms)", 50 * Hz, 50 * Hz),
    ("ms**-1", 1 * Hz, 1000 * Hz), ("[500, 250]", (1000, 500), (500, 250)), ("False", True, False),
    ("true", False, True), ("1", False, True),
    ("10**6", 20, 1_000_000),
])
def test_values_that_are_read(text, expected, value):
    read = parse_quantity(text, expected, "x")
    assert type(read) is type(value) or hasattr(value, "dim")
    assert read == value if isinstance(value, (bool, int, tuple)) else abs(float((read - value) / (value or 1))) < 1e-12


@pytest.mark.parametrize("text, expected, message", [
    ("1e400", 1.0, "'1e400' is not a finite number"),
    ("maybe", True, "x must be true or false \\(1 or 0\\), not 'maybe'"),
    ("1e400/1e400", 1.0, "is not a finite number"),
    ("10**400", 20, "exponents go up to 16"),
    ("9**9**9", 20, "takes a whole number as its exponent"),
    ("1e300*1e300", 1.0, "is not a finite number"),
    ("1e400-1e400", 1.0, "is not a value"),
    ("10**12", 20, "out of range: whole numbers here go from 0 to 100,000,000"),
    ("-5", 20, "out of range"),
    ("2.5", 20, "must be a whole number"),
    ("1/0", 1.0, "division by zero"),
    ("sqrt(-1)", 1.0, "square root of a negative value"),
    ("3*mV", 50 * Hz, "unit mismatch for x: '3\\*mV' has unit volt, expected hertz"),
    ("1+2j", 1.0, "is not a value"),
    ("[1, 'a']", (1, 2), "is not a number"),
    ("", 1.0, "is not a value"),
])
def test_values_that_are_refused(text, expected, message):
    with pytest.raises(NeurosimsError, match=message) as err:
        parse_quantity(text, expected, "x")
    assert "\n" not in str(err.value)


def test_units_are_the_only_names():
    assert parse_value("mV") is not None
    for name in ("nan", "inf", "x", "np", "os", "brian2", "Quantity"):
        with pytest.raises(NeurosimsError):
            parse_value(name)
