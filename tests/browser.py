"""A headless Chromium driven over the DevTools protocol on a pipe (no websocket library needed).

``load_page(path)`` opens a local file, waits for its load event and returns what a person
checking the page would want to know: every request it made, the ones that failed, console
errors and exceptions, plus a full-page screenshot and an A4 PDF. Chromium is started with
the network switched off (``--host-resolver-rules``), background services disabled and a fresh
profile, so the only requests are the page's own.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@dataclass
class PageLoad:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    screenshot_png: bytes = b""
    pdf: bytes = b""
    layout: dict[str, Any] = field(default_factory=dict)  # LAYOUT's answer: widths and headings


# What the page looks like to a reader, measured by the browser after layout: how wide the page
# is against the window (wider means a horizontal scroll bar for the whole page), the section
# headings, and the elements that stick out past the window's right edge (a table inside its own
# scrolling box does not: its box is as wide as the page).
LAYOUT = """JSON.stringify({
  window: document.documentElement.clientWidth,
  page: document.documentElement.scrollWidth,
  headings: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()),
  sticking_out: [...document.querySelectorAll('body *')].filter(e => {
      const r = e.getBoundingClientRect();
      const scrolls = e.closest('.scroll') && getComputedStyle(e.closest('.scroll')).overflowX === 'auto';
      return r.width > 0 && r.right > document.documentElement.clientWidth + 0.5 && !scrolls;
  }).map(e => e.tagName + (e.className && typeof e.className === 'string' ? '.' + e.className : '')).slice(0, 20),
  scroll_boxes: [...document.querySelectorAll('.scroll')].filter(e => e.scrollWidth > e.clientWidth).length
})"""


class Pipe:
    """The DevTools protocol over fds 3 (commands in) and 4 (replies out), NUL-separated."""

    def __init__(self, binary: str, profile: str) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: its fd 3 reads our commands, fd 4 takes its replies
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, pass_fds=(3, 4, to_browser_r, from_browser_w),  # 3, 4: kept after wire()
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 60) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("no reply from the browser")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise EOFError("the browser went away")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self.receive(timeout))

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, RuntimeError, TimeoutError, EOFError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


# The printable width of an A4 page with report.html's 12 mm margins, in CSS pixels (96 per inch).
A4_PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def load_page(binary: str, page: Path, width: int = 1000, height: int = 1400, media: str = "screen") -> PageLoad:
    """``media="print"`` lays the page out as printed (its print style sheet), e.g. at A4_PRINT_WIDTH."""
    with tempfile.TemporaryDirectory(prefix="slreport-chromium-") as profile:
        pipe = Pipe(binary, profile)
        try:
            return _inspect(pipe, page.resolve().as_uri(), width, height, media)
        finally:
            pipe.close()


def _inspect(pipe: Pipe, url: str, width: int, height: int, media: str) -> PageLoad:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send("Emulation.setDeviceMetricsOverride",
              {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
    pipe.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
    pipe.events.clear()
    pipe.send("Page.navigate", {"url": url}, session=session)
    pipe.wait_for("Page.loadEventFired")
    layout = pipe.send("Runtime.evaluate", {"expression": LAYOUT, "returnByValue": True}, session=session)
    shot = pipe.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
    pdf = pipe.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, session=session)
    found = _summarise(pipe.events, base64.b64decode(shot["data"]), base64.b64decode(pdf["data"]))
    found.layout = json.loads(layout["result"]["value"])
    return found


def _summarise(events: list[dict[str, Any]], png: bytes, pdf: bytes) -> PageLoad:
    found = PageLoad(screenshot_png=png, pdf=pdf)
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            found.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            found.failed.append(f"{params.get('errorText')} ({params.get('type')})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.console_errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            found.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            found.console_errors.append(params["entry"].get("text", ""))
    return found
