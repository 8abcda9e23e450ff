"""Linking widget values: ``link`` in the kernel (traitlets), ``jslink`` in the browser.

``link((a, "value"), (b, "value"))`` keeps two traits equal through the kernel, for any traitlets
objects. ``jslink`` does it on the page, with no kernel round trip: when either value changes in a
view, the page sets the other model too (and both still sync to the kernel, which stays the source
of truth). Both models must be shown on the page for a browser-side link to act there.
"""

from __future__ import annotations

from traitlets import dlink, link

from ..model import Model
from ..serialize import MODEL_PREFIX

__all__ = ["JSLink", "dlink", "jsdlink", "jslink", "link"]


class JSLink:
    """A browser-side link; ``unlink()`` removes it."""

    def __init__(self, source: tuple[Model, str], target: tuple[Model, str], both_ways: bool):
        self.source, self.target = source, target
        self.both_ways = both_ways
        for (model, key), (other, other_key) in self._pairs():
            for obj, name in ((model, key), (other, other_key)):
                if not obj.has_trait(name) or not obj.trait_metadata(name, "sync"):
                    raise ValueError(f"{type(obj).__name__} has no synced trait {name!r} to link")
            model._jslinks = [*model._jslinks, [key, MODEL_PREFIX + other.target_id, other_key]]
            other._jslinked.add(other_key)  # the page sets it, then saves it to the kernel
        setattr(target[0], target[1], getattr(source[0], source[1]))

    def _pairs(self) -> list[tuple[tuple[Model, str], tuple[Model, str]]]:
        pairs = [(self.source, self.target)]
        if self.both_ways:
            pairs.append((self.target, self.source))
        return pairs

    def unlink(self) -> None:
        for (model, key), (other, other_key) in self._pairs():
            entry = [key, MODEL_PREFIX + other.target_id, other_key]
            model._jslinks = [e for e in model._jslinks if list(e) != entry]


def jslink(source: tuple[Model, str], target: tuple[Model, str]) -> JSLink:
    """Keep ``source`` and ``target`` (``(widget, "trait")`` pairs) equal in the browser."""
    return JSLink(source, target, both_ways=True)


def jsdlink(source: tuple[Model, str], target: tuple[Model, str]) -> JSLink:
    """Copy ``source`` into ``target`` in the browser, one way."""
    return JSLink(source, target, both_ways=False)
