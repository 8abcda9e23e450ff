"""Package and wire-protocol versions (a unit test keeps __version__ equal to pyproject's)."""

__version__ = "0.1.0"

#: Version of the cellwire protocol spoken inside the comm (docs/protocol.md).
PROTOCOL = 1
