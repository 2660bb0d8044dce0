"""Fixtures for the web UI: a real uvicorn server in a thread over a SQLite workspace holding the demo
plant (plus a capture whose hostname carries a script, and two proposals), users with each role, and
real headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.governance import create_proposal, proposal_from_data
from plantarch.store import Store, open_store
from served import served
from web.capture import write_evil_capture

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
USERS = {"vera": "viewer", "ed": "editor", "rita": "reviewer", "ada": "admin"}
EVIL_SYSTEM_NAME = '<img src=x onerror="window.pwned=2"><script>window.pwned=3</script>'


@dataclass
class Plant:
    """The running server: its address, the store behind it, a token per user, the proposals."""

    url: str
    store: Store
    tokens: dict[str, str]
    proposals: dict[str, int]
    evil_asset: str
    app: Any


def fill_store(store: Store, tmp: Path) -> tuple[dict[str, int], str]:
    """Demo plant, the evil capture reconciled, a system with a script in its name, two proposals."""
    from plantarch.demo.run import demo_plant_dir
    from plantarch.discovery.pcap.source import discover_pcap
    from plantarch.discovery.reconcile import reconcile
    from plantarch.interchange.model_io import import_model
    from plantarch.model import System
    from web.capture import EVIL_IP

    import_model(store, demo_plant_dir(), author="test", reason="import the demo plant")
    reconcile(store, discover_pcap([write_evil_capture(tmp / "evil.pcap")]), author="test", reason="capture")
    with store.change(author="test", reason="a system someone named badly") as cs:
        cs.put(System(key="evil-system", name=EVIL_SYSTEM_NAME, kind="other"))
    evil = store.list("asset", filters={"ip": EVIL_IP})
    assert evil, "the capture's host was not reconciled into an asset"
    proposals = {}
    for name, key in (("approve-me", "vision-1"), ("viewer-sees", "vision-2")):
        proposal = proposal_from_data(
            {
                "title": f"Vision inspection {key}",
                "context": "Manual inspection misses surface defects.",
                "systems": [{"key": key, "name": f"Vision {key}", "kind": "other", "owner": "quality"}],
            }
        )
        proposals[name] = create_proposal(store, proposal, "ed").id
    return proposals, evil[0].key


@pytest.fixture(scope="session")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plant]:
    """The demo plant served by uvicorn on a free port, tokens required."""
    tmp = tmp_path_factory.mktemp("web")
    store = open_store(workspace=tmp / ".plantarch")
    proposals, evil_asset = fill_store(store, tmp)
    tokens = {user: create_token(store, user, role)[1] for user, role in USERS.items()}
    app = create_app(store, ApiSettings())
    with served(app) as url:
        yield Plant(url, store, tokens, proposals, evil_asset, app)
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (skips when either is missing)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


TOPOLOGY_SCRIPT = ARTIFACTS.parents[1] / "src" / "plantarch" / "web" / "static" / "topology.bundle.js"


@pytest.fixture
def topology_script() -> None:
    """Skip a test that draws the interactive topology when its script was not built (needs npm)."""
    if not TOPOLOGY_SCRIPT.is_file():
        pytest.skip(f"{TOPOLOGY_SCRIPT.name} not built (run `make web-assets`; needs npm)")


@pytest.fixture
def as_user(browser: Any, plant: Plant) -> Iterator[Any]:
    """`as_user(name)` gives a fresh page logged in through the login form as that user."""
    contexts = []

    def login(user: str) -> Any:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{plant.url}/login")
        page.fill("input[name=token]", plant.tokens[user])
        page.click("button[type=submit]")
        page.wait_for_url(f"{plant.url}/")
        return page

    yield login
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a full-page screenshot in test-artifacts/web/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
