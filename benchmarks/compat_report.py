"""``make compat``'s pure parts: which front-end format a package ships, and the table of results."""

from __future__ import annotations

from dataclasses import dataclass

RENDERS, PARTIAL, FAILS = "renders", "partly", "fails"


@dataclass(frozen=True)
class Outcome:
    """What one sample did on one side: ``status`` is RENDERS, PARTIAL (drew, but an update or a
    click did not go through) or FAILS; ``note`` says what went wrong, short."""

    status: str
    note: str = ""


@dataclass(frozen=True)
class Row:
    name: str
    version: str
    front_end: str
    cellwire: Outcome
    jupyterlab: Outcome
    why: str = ""  # the reason, when known, that a side does not render (shown only then)


def row_from_dict(saved: dict) -> Row:
    """A row as ``dataclasses.asdict`` saved it (in .compat/results.json)."""
    cellwire, jupyterlab = Outcome(**saved["cellwire"]), Outcome(**saved["jupyterlab"])
    return Row(saved["name"], saved["version"], saved["front_end"], cellwire, jupyterlab, saved.get("why", ""))


def front_end_format(nbextensions: list[str], labextensions: list[str], uses_anywidget: bool) -> str:
    """The front-end formats a package ships (with the packages it depends on for them):
    ``nbextensions``/``labextensions``: the folders it installs under share/jupyter/nbextensions and
    share/jupyter/labextensions; ``uses_anywidget``: its widget classes derive from anywidget's."""
    formats = []
    if uses_anywidget:
        formats.append("anywidget ESM")
    if nbextensions:
        formats.append("nbextension (" + ", ".join(sorted(nbextensions)) + ")")
    if labextensions:
        only = "" if nbextensions or uses_anywidget else " only"
        formats.append(f"labextension{only} (" + ", ".join(sorted(labextensions)) + ")")
    return "; ".join(formats) or "ipywidgets composition"


def short(text: str, limit: int = 160) -> str:
    """One line, at most ``limit`` characters, safe in a Markdown table cell."""
    line = " ".join(text.split()).replace("|", "\\|")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _cell(outcome: Outcome) -> str:
    return {RENDERS: "✅ renders", PARTIAL: "⚠️ partly", FAILS: "❌ fails"}[outcome.status]


def _why(row: Row) -> str:
    sides = (("cellwire", row.cellwire), ("JupyterLab", row.jupyterlab))
    notes = [f"{side}: {short(o.note, 400)}" for side, o in sides if o.note]
    if row.why and any(o.status != RENDERS for _, o in sides):
        notes.insert(0, f"**{short(row.why, 400)}**")
    return "; ".join(notes)


def render_table(rows: list[Row], header: str) -> str:
    """The Markdown page: ``header`` (how and when it was measured), a summary, then one row per library."""
    drew = lambda side: sum(getattr(r, side).status != FAILS for r in rows)  # noqa: E731
    behind = [r.name for r in rows if r.jupyterlab.status != FAILS and r.cellwire.status == FAILS]
    lines = [
        header,
        "",
        f"Of {len(rows)} samples, cellwire drew {drew('cellwire')} and JupyterLab's own manager drew "
        f"{drew('jupyterlab')}.",
    ]
    if behind:
        lines.append(f"JupyterLab draws but cellwire does not: {', '.join(behind)}.")
    lines += [
        "",
        "| Library | Version | Front-end format | cellwire | JupyterLab | What fails and why |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.version} | {row.front_end} | {_cell(row.cellwire)} | {_cell(row.jupyterlab)} "
            f"| {_why(row)} |"
        )
    return "\n".join(lines) + "\n"
