"""Headless Chromium for the web page's browser tests: Debian's chromium and chromium-driver
driven by Selenium, axe-core from the npm registry, screenshots under tests/artifacts/web/.

Without the browser (or npm for axe-core) the tests are skipped with the reason, except under
CI (``CI`` set), where they must run: .ci/run installs the packages.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = os.environ.get("KEYHELP_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KEYHELP_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE_PACKAGE = "axe-core@4"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
PHONE, DESKTOP = (390, 844), (1280, 800)


def unavailable(reason: str) -> None:
    """Skip with the reason on a developer's machine; fail under CI, where they must run."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


def require_browser() -> None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            unavailable(f"{path} not found: apt-get install {package}")


def axe_source() -> str:
    """axe.min.js from the npm package, kept in a cache folder outside the repository."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "keyhelp-tests" / "axe-core-4" / "axe.min.js"
    if not target.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable(f"npm not found: it fetches {AXE_PACKAGE} for the accessibility check")
        with tempfile.TemporaryDirectory() as folder:
            packed = subprocess.run([npm, "pack", AXE_PACKAGE, "--silent"], cwd=folder,
                                    capture_output=True, text=True, timeout=300)
            if packed.returncode != 0:
                unavailable(f"npm pack {AXE_PACKAGE} failed: {packed.stderr.strip()[-300:]}")
            tarball = Path(folder) / packed.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(".part")
                partial.write_bytes(member.read())
                partial.replace(target)  # a cache never holds half a file
    return target.read_text(encoding="utf-8")


def chromium(*, javascript: bool, size: tuple[int, int] = PHONE,
             language: str = "en-US") -> webdriver.Chrome:
    """A headless Chromium; ``javascript=False`` is a browser with scripts switched off."""
    require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", f"--window-size={size[0]},{size[1]}",
                     f"--lang={language}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console, for checks
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    viewport(driver, size)
    return driver


def viewport(driver: webdriver.Chrome, size: tuple[int, int]) -> None:
    """Exactly ``size`` CSS pixels of page: a window's size includes its frame, and a window
    is never narrower than 500 px; a phone-sized viewport is also a mobile one."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def screenshot(driver: webdriver.Chrome, name: str) -> list[Path]:
    """The page at phone and desktop size: tests/artifacts/web/NAME-390x844.png, -1280x800."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    written = []
    for width, height in (PHONE, DESKTOP):
        viewport(driver, (width, height))
        path = ARTIFACTS / f"{name}-{width}x{height}.png"
        assert driver.save_screenshot(str(path)), path
        assert struct.unpack(">II", path.read_bytes()[16:24]) == (width, height), path
        written.append(path)
    viewport(driver, PHONE)
    return written


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (result) => done(result.violations.map((v) => ({id: v.id, impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}))),
  (error) => done([{id: "axe-error", impact: "critical", nodes: [String(error)]}]));
"""


def axe_violations(driver: webdriver.Chrome, source: str) -> list[dict]:
    """axe-core's violations for the page as it is now, run inside the browser."""
    driver.execute_script(source)
    return driver.execute_async_script(AXE_RUN)
