"""The web UI in real headless Chromium: every page, topology click-through, review decisions, escaping."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from web.capture import EVIL_HOSTNAME
from web.conftest import Plant, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": ("/", "Dashboard"),
    "inventory-systems": ("/inventory/system", "Systems"),
    "inventory-assets": ("/inventory/asset?sort=name", "Assets"),
    "inventory-flows": ("/inventory/flow?protocol=modbus", "Flows"),
    "inventory-zones": ("/inventory/zone", "Zones"),
    "inventory-conduits": ("/inventory/conduit", "Conduits"),
    "system-detail": ("/inventory/system/mes-rp", "Systems"),
    "findings": ("/findings", "Findings"),
    "roadmap": ("/roadmap", "Consolidation roadmap"),
    "reviews": ("/reviews", "Review queue"),
    "topology-purdue": ("/topology?view=purdue", "Topology"),
    "topology-zones": ("/topology?view=zones&site=riverside-plant", "Topology"),
}


def _pwned(page: Any) -> Any:
    return page.evaluate("() => window.pwned")


@pytest.mark.usefixtures("topology_script")
def test_every_page_renders(plant: Plant, as_user: Any) -> None:
    """Each page answers, shows its heading and no error, and runs no injected script."""
    page = as_user("rita")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name, (path, heading) in PAGES.items():
        response = page.goto(plant.url + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        if name == "system-detail":
            assert page.locator("#fields").is_visible()
            assert page.locator("#history tbody tr").count() >= 1
        else:
            assert heading in page.locator("h1").inner_text(), path
        if name.startswith("topology"):
            page.wait_for_selector("#topology[data-ready=true]", timeout=20_000)
        screenshot(page, name)
    assert errors == []
    assert _pwned(page) is None


def _click_node(page: Any, selector: str) -> str:
    """Click the first node matching a Cytoscape selector where it is drawn; returns its id."""
    page.wait_for_selector("#topology[data-ready=true]", timeout=20_000)
    spot = page.evaluate(
        """(selector) => {
            const cy = window.plantarchTopology;
            const node = cy.nodes(selector).first();
            cy.center(node); cy.zoom({level: 1.5, position: node.position()});
            const p = node.renderedPosition();
            const box = document.getElementById('topology').getBoundingClientRect();
            return {id: node.id(), x: box.left + p.x, y: box.top + p.y};
        }""",
        selector,
    )
    page.mouse.click(spot["x"], spot["y"])
    return str(spot["id"])


@pytest.mark.usefixtures("topology_script")
def test_topology_click_opens_detail_page(plant: Plant, as_user: Any) -> None:
    """Clicking a system in the Purdue layout opens that system's inventory page."""
    page = as_user("vera")
    page.goto(f"{plant.url}/topology?view=purdue&site=riverside-plant")
    key = _click_node(page, "node[kind = 'system']")
    page.wait_for_url(f"**/inventory/system/{quote(key, safe='')}")
    assert key in page.locator("#object-title").inner_text()
    screenshot(page, "topology-click-detail")


def test_reviewer_approves_a_proposal(plant: Plant, as_user: Any) -> None:
    """A reviewer approves from the page; the decision is recorded and the system enters the model."""
    page = as_user("rita")
    number = plant.proposals["approve-me"]
    page.goto(f"{plant.url}/reviews/{number}")
    assert page.locator("#approve").is_visible()
    screenshot(page, "review-before")
    page.fill("textarea[name=conditions]", "Segment the camera PC into the cell zone")
    page.click("#approve")
    page.wait_for_url(f"**/reviews/{number}")
    assert page.locator("#decision-error").count() == 0
    assert page.locator("#state").inner_text().startswith("approved")
    assert "rita" in page.locator("#decision").inner_text()
    assert page.locator("#approve").count() == 0
    screenshot(page, "review-approved")
    assert plant.store.get("system", "vision-1") is not None
    page.goto(f"{plant.url}/inventory/system/vision-1")
    assert "rita" in page.locator("#history").inner_text()


def test_viewer_sees_no_approve_button(plant: Plant, as_user: Any) -> None:
    """A viewer reads the proposal but gets no decision buttons, and a forged post is refused."""
    page = as_user("vera")
    number = plant.proposals["viewer-sees"]
    page.goto(f"{plant.url}/reviews/{number}")
    assert "Vision" in page.locator("#proposal-title").inner_text()
    assert page.locator("#approve").count() == 0
    assert page.locator("#reject").count() == 0
    screenshot(page, "review-viewer")
    answer = page.request.post(f"{plant.url}/reviews/{number}/approve", form={"csrf": "forged"})
    assert answer.status == 403
    assert plant.store.get("system", "vision-2") is None


@pytest.mark.usefixtures("topology_script")
def test_script_in_captured_hostname_is_shown_as_text(plant: Plant, as_user: Any) -> None:
    """A hostname announced over DHCP with a <script> in it is shown literally and never runs."""
    page = as_user("vera")
    page.goto(f"{plant.url}/inventory/asset/{quote(plant.evil_asset, safe='')}")
    assert EVIL_HOSTNAME in page.locator("#fields").inner_text()
    screenshot(page, "escaped-hostname")
    page.goto(f"{plant.url}/inventory/asset?ip=10.99.0.66")
    assert EVIL_HOSTNAME in page.locator("#inventory").inner_text()
    page.goto(f"{plant.url}/inventory/system/evil-system")
    assert "<script>window.pwned=3</script>" in page.locator("#object-title").inner_text()
    screenshot(page, "escaped-system-name")
    page.goto(f"{plant.url}/topology?view=purdue&zone=&site=")
    page.wait_for_selector("#topology[data-ready=true]", timeout=20_000)
    assert _pwned(page) is None
    assert page.title() != "pwned"


@pytest.mark.usefixtures("topology_script")
def test_aggregated_group_click_drills_down(plant: Plant, as_user: Any) -> None:
    """Above the threshold the topology draws groups; clicking one opens the topology filtered to it."""
    plant.app.state.web_threshold = 50
    try:
        page = as_user("vera")
        page.goto(f"{plant.url}/topology?view=purdue")
        # the status line is written once the graph has been fetched and drawn (it said "Loading" before)
        page.wait_for_selector("#topology[data-ready=true]", timeout=20_000)
        assert "grouped by site and Purdue level" in page.locator("#graph-status").inner_text()
        screenshot(page, "topology-aggregated")
        _click_node(page, "node[group = 'level'][site = 'riverside-plant']")
        page.wait_for_url("**/topology?view=purdue&site=riverside-plant")
    finally:
        plant.app.state.web_threshold = 500
