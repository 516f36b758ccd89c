"""The UI as users see it: `urbanlake ui` serves the lineage (GraphQL and a real Chromium) and stops on SIGTERM/SIGINT.

One `urbanlake ui` serves the module; the GraphQL and browser tests read it and the SIGTERM test, last
in the file, stops it. The SIGINT test starts its own.
"""

from __future__ import annotations

import os
import re
import signal
import urllib.parse
from pathlib import Path

import psutil
import pytest

from assets.registry import DATASETS
from tests.ui_process import UiServer, start_ui

PROJECT = Path(__file__).resolve().parent.parent
# The README's lineage pictures are refreshed only on request (`make screenshots`): a test run leaves the clone as it was
DOCS_SCREENSHOTS = os.environ.get("URBANLAKE_DOCS_SCREENSHOTS") == "1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
FIVE_SECTORS = ("civil_status", "urban_planning", "environment", "tax", "transport")
GROUPS = {*FIVE_SECTORS, "public_services", "reference", "cross_agency"}
CHECKS_ROW = re.compile(r"Asset checks\D*\d+ / (\d+)")  # "Asset checks ✓ 0 / 2 Passed" on a node
MARTS_ONLY = urllib.parse.quote('key:"mart/*"', safe="*")  # the lineage page's selection, as the UI puts it in the URL
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium; .ci/run installs it)")

ASSET_NODES = """{ assetNodes {
    assetKey { path } dependencyKeys { path } groupName description
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
} }"""


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> UiServer:
    server = start_ui(tmp_path_factory.mktemp("ui"))
    yield server
    if psutil.pid_exists(server.pid) and server.shell.poll() is None:
        server.kill()


@pytest.fixture(scope="module")
def lineage(ui) -> dict[str, dict]:
    """Every asset node the webserver serves, by "layer/table"."""
    return {"/".join(n["assetKey"]["path"]): n for n in ui.graphql(ASSET_NODES)["assetNodes"]}


def _upstream(lineage: dict[str, dict], key: str) -> set[str]:
    seen, todo = set(), [key]
    while todo:
        for dep in ("/".join(d["path"]) for d in lineage[todo.pop()]["dependencyKeys"]):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_ui_serves_every_defined_asset_with_its_group_description_and_agency_owner(lineage):
    from pipelines.definitions import defs
    defined = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert set(lineage) == defined
    assert {n["groupName"] for n in lineage.values()} == GROUPS
    for key, node in lineage.items():
        assert node["description"], f"{key} has no description"
        assert node["owners"], f"{key} has no owner"
    for spec in DATASETS:
        for layer in ("raw", "staging", "quarantine"):
            node = lineage[f"{layer}/{spec.name}"]
            assert node["groupName"] == spec.sector
            assert [f"team:{o['team']}" for o in node["owners"]] == [spec.owner]


def test_lineage_edges_run_raw_to_staging_to_marts_and_ward_profile_reaches_all_five_sectors(lineage):
    for spec in DATASETS:
        assert lineage[f"raw/{spec.name}"]["dependencyKeys"] == []
        for layer in ("staging", "quarantine"):
            assert {"/".join(d["path"]) for d in lineage[f"{layer}/{spec.name}"]["dependencyKeys"]} == {f"raw/{spec.name}"}
    for mart in _marts():
        upstream = _upstream(lineage, f"mart/{mart}")
        assert any(k.startswith("staging/") for k in upstream), mart
        assert not any(k.startswith(("raw/", "quarantine/")) for k in
                       ("/".join(d["path"]) for d in lineage[f"mart/{mart}"]["dependencyKeys"])), mart
    sectors = {lineage[k]["groupName"] for k in _upstream(lineage, "mart/ward_profile") if k.startswith("staging/")}
    assert set(FIVE_SECTORS) <= sectors


def test_every_staging_and_mart_table_carries_its_checks(lineage):
    for key, node in lineage.items():
        checks = {c["name"]: c["blocking"] for c in node["assetChecksOrError"].get("checks", [])}
        if key.startswith("staging/") and key.split("/")[1] in {s.name for s in DATASETS}:
            assert checks.get("row_accounting") is True and "shared_contract" in checks, key
        elif key.startswith(("staging/", "mart/")):
            assert "contract" in checks, key


@needs_chromium
def test_browser_shows_every_group_every_mart_and_their_checks(ui, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = PROJECT / "docs" if DOCS_SCREENSHOTS else tmp_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            # The first-visit community dialog can pop up at any moment: Playwright dismisses it
            # before each action or assertion, whenever it shows.
            page.add_locator_handler(page.get_by_text("Join the Dagster community"),
                                     lambda _: page.get_by_role("button", name="Skip").click())
            _open_lineage(page, f"{ui.url}/asset-groups")
            for group in GROUPS:
                page.get_by_text(group, exact=True).filter(visible=True).first.wait_for()
            expect(page.get_by_text("fetching statuses")).to_have_count(0, timeout=30_000)
            expect(page.get_by_text("Join the Dagster community")).to_have_count(0)
            page.screenshot(path=shots / "lineage.png")

            page.set_viewport_size({"width": 1600, "height": 1300})
            _open_lineage(page, f"{ui.url}/asset-groups~{MARTS_ONLY}/")
            _expand_all_groups(page)
            page.reload()  # lays the expanded graph out to fit the window
            for mart in _marts():
                page.get_by_text(mart, exact=True).filter(visible=True).first.wait_for()
                node = page.locator("foreignObject").filter(has=page.get_by_text(mart, exact=True)).first
                expect(node).to_contain_text(CHECKS_ROW, timeout=30_000)  # the check summary loads after the node
                assert int(CHECKS_ROW.search(node.text_content()).group(1)) >= 1, f"{mart}: no asset checks shown"
            expect(page.get_by_text("Join the Dagster community")).to_have_count(0)
            page.screenshot(path=shots / "lineage-marts.png")
        finally:
            browser.close()


def _marts() -> list[str]:
    from pipelines.definitions import defs
    return sorted(k.path[-1] for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "mart")


def _expand_all_groups(page) -> None:
    """The UI's "expand all groups" shortcut (kept in the URL); pressed again if the page was not listening yet."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for _ in range(5):
        page.keyboard.press("Alt+e")
        try:
            page.wait_for_url(re.compile("expanded="), timeout=6_000)
            return
        except PlaywrightTimeout:
            page.get_by_text("Global asset lineage").click()  # focus the page, then try again
    raise AssertionError("the lineage page did not expand its groups on Alt+E")


def _open_lineage(page, url: str) -> None:
    page.goto(url)
    page.get_by_text("Global asset lineage").wait_for()
    if page.get_by_role("button", name="Hide navigation").is_visible():
        page.get_by_role("button", name="Hide navigation").click()
    sidebar = page.locator('button:has([aria-label="panel_show_right"])')
    if sidebar.is_visible():
        sidebar.click()


def test_sigterm_stops_webserver_daemon_and_code_server(ui):
    _assert_stops(ui, signal.SIGTERM)


def test_sigint_stops_webserver_daemon_and_code_server(tmp_path):
    server = start_ui(tmp_path)
    try:
        _assert_stops(server, signal.SIGINT)
    finally:
        if server.shell.poll() is None:
            server.kill()


def _assert_stops(server: UiServer, signum: int) -> None:
    tree = server.tree()
    commands = [" ".join(p.cmdline()) for p in tree]
    assert any("dagster_webserver" in c for c in commands) and any("dagster._daemon" in c for c in commands)
    listening = {c.laddr.ip for p in tree for c in p.net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port == server.port}
    assert listening == {"127.0.0.1"}

    survivors = server.stop(signum, timeout=60)

    assert survivors == [], f"still running after {signal.Signals(signum).name}: {[' '.join(p.cmdline()[1:4]) for p in survivors]}"
    assert server.shell.returncode is not None and not server.answers()
