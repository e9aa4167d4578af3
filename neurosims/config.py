"""Experiment configuration: a frozen dataclass of the paper's values, named presets, and
``--set name=value`` overrides of config fields and model parameters, checked for units."""

from __future__ import annotations

import dataclasses

from neurosims.errors import NeurosimsError
from neurosims.models import Parameter, parse_quantity


def quantity(value):
    """A dataclass field holding a Brian2 quantity (arrays are not valid plain defaults)."""
    return dataclasses.field(default_factory=lambda: value)


def resolve(config_cls, presets: dict[str, dict], preset: str, sets: list[str],
            parameters: dict[str, Parameter]):
    """The config and model parameter values for a preset plus ``name=value`` overrides.

    Returns (config, params) where params maps every model parameter name to its value.
    """
    if preset not in presets:
        raise NeurosimsError(f"unknown preset {preset!r}; available: {', '.join(presets)}")
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    defaults = config_cls()
    params = {name: p.value for name, p in parameters.items()}
    changes = {}

    def apply(name, value, text=None):
        if name in fields:
            default = getattr(defaults, name)
            changes[name] = parse_quantity(text, default, name) if text is not None else value
        elif name in params:
            params[name] = parse_quantity(text, parameters[name].value, name) if text is not None else value
        else:
            valid = sorted(fields) + sorted(params)
            raise NeurosimsError(f"unknown parameter {name!r}; valid names: {', '.join(valid)}")

    for name, value in presets[preset].items():
        apply(name, value)
    for item in sets:
        name, sep, text = item.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise NeurosimsError(f"--set expects name=value, got {item!r}")
        apply(name.strip(), None, text.strip())
    try:
        config = dataclasses.replace(defaults, **changes)
    except (ValueError, TypeError) as err:
        raise NeurosimsError(f"invalid configuration: {err}") from None
    return config, params


def describe(config, params: dict) -> dict:
    """A JSON-able record of a configuration (quantities as text with units)."""
    as_text = lambda v: v if isinstance(v, (bool, int, float, str)) else str(v)  # noqa: E731
    return {
        "config": {k: as_text(v) for k, v in dataclasses.asdict(config).items()},
        "params": {k: as_text(v) for k, v in sorted(params.items())},
    }
