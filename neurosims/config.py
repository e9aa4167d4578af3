"""Experiment configuration: a frozen dataclass of the paper's protocol, named presets, and
``--set name=value`` overrides of config fields and model parameters. Every value is checked
for its unit the same way, wherever it comes from, and the record of a run says where each
value came from: the Config's default, a model file, a preset (with its source) or --set.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from neurosims.errors import NeurosimsError
from neurosims.models import Parameter, checked_value, parse_quantity


def quantity(value):
    """A dataclass field holding a Brian2 quantity (arrays are not valid plain defaults)."""
    return dataclasses.field(default_factory=lambda: value)


@dataclass(frozen=True)
class Setting:
    """A preset's value with its source (a paper, a peer's example) or the reason for it."""

    value: object
    source: str


@dataclass(frozen=True)
class Preset:
    """A named protocol: what it is for, and the config fields and model parameters it changes.
    A value is plain (the preset's purpose is its reason) or a Setting; a model parameter that
    departs from its model file must be a Setting: the file gives every default a source."""

    purpose: str
    values: dict


def resolve(config_cls, presets: dict[str, Preset], preset: str, sets: list[str],
            parameters: dict[str, Parameter]):
    """The config and model parameter values for a preset plus ``name=value`` overrides.

    Returns (config, params, sources): params maps every model parameter to its value, and
    sources every config field and parameter to where its value came from.
    """
    if preset not in presets:
        raise NeurosimsError(f"unknown preset {preset!r}; available: {', '.join(presets)}")
    fields = {f.name for f in dataclasses.fields(config_cls)}
    defaults = config_cls()
    params = {name: p.value for name, p in parameters.items()}
    sources = {name: f"default of {config_cls.__module__}.{config_cls.__qualname__}" for name in sorted(fields)}
    sources |= {name: f"{p.path}: {p.source}" for name, p in sorted(parameters.items())}
    changes = {}

    def apply(name, value, source):
        if name in fields:
            changes[name] = value
        elif name in params:
            params[name] = value
        else:
            valid = sorted(fields) + sorted(params)
            raise NeurosimsError(f"unknown parameter {name!r}; valid names: {', '.join(valid)}")
        sources[name] = source

    def default_of(name):
        return getattr(defaults, name) if name in fields else parameters[name].value if name in params else None

    chosen = presets[preset]
    for name, entry in chosen.values.items():
        value, source = (entry.value, entry.source) if isinstance(entry, Setting) else (entry, chosen.purpose)
        if name in params and not isinstance(entry, Setting):
            raise NeurosimsError(f"preset {preset} sets model parameter {name} without a source "
                                 f"(write it as Setting(value, source))")
        if default_of(name) is not None:
            value = checked_value(value, default_of(name), f"{name} (preset {preset})")
        apply(name, value, f"preset {preset}: {source}")
    for item in sets:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise NeurosimsError(f"--set expects name=value, got {item!r}")
        if default_of(name) is None:
            apply(name, None, "")  # an unknown name: refused with the valid ones
        apply(name, parse_quantity(text, default_of(name), name), "--set")
    try:
        config = dataclasses.replace(defaults, **changes)
    except (ValueError, TypeError) as err:
        raise NeurosimsError(f"invalid configuration: {err}") from None
    return config, params, sources


def describe(config, params: dict, sources: dict) -> dict:
    """A JSON-able record of a configuration: values as text with units, and their sources."""
    as_text = lambda v: v if isinstance(v, (bool, int, float, str)) else str(v)  # noqa: E731
    return {
        "config": {k: as_text(v) for k, v in dataclasses.asdict(config).items()},
        "params": {k: as_text(v) for k, v in sorted(params.items())},
        "sources": dict(sorted(sources.items())),
    }
