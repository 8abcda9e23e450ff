"""Headless Debian Chromium for Playwright (Playwright's own browser builds cannot be downloaded here)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (make test does it when run as root)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


class ConsoleLog:
    """Console messages and uncaught errors of one page, kept as text so they outlive it."""

    def __init__(self, page: Page):
        self.messages: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        line = f"{message.type}: {message.text} [{message.location.get('url', '')}]"
        self.messages.append(line)
        if message.type == "error":
            self.errors.append(line)

    def dump(self) -> str:
        return "\n".join(self.messages + ["", "-- errors --", *self.errors])
