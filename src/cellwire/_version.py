"""Package and wire-protocol versions. ``__version__`` is the package's one version source: the
build reads it from here (pyproject.toml, ``[tool.hatch.version]``)."""

__version__ = "0.1.0"

#: Version of the cellwire protocol spoken inside the comm (docs/protocol.md).
PROTOCOL = 1
