"""Accessibility checks for browser tests: axe-core's WCAG 2.1 AA rules, page width, screenshots.

Checking a new screen is one line: ``assert_no_axe_violations(page, "import preview")``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# The rules WCAG 2.1 level A and AA require (axe-core's tags for them).
WCAG_21_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SCREENSHOT_FOLDER = Path(__file__).resolve().parents[2] / "test-results" / "screens"
NODES_SHOWN = 5

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node) => ({
            target: node.target.join(" "),
            summary: node.failureSummary,
        })),
    }));
}"""


@cache
def _axe_source() -> str:
    # axe-playwright-python ships axe-core's axe.min.js; only the script is used here.
    return Axe().axe_script


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(RUN_AXE, list(WCAG_21_AA_TAGS))


def format_violations(violations: list[dict]) -> str:
    """One readable block per broken rule, with the first few elements and why they fail."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} element(s)]"
        )
        for node in violation["nodes"][:NODES_SHOWN]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, context_name: str) -> None:
    """Fail with a readable list when axe-core finds any WCAG 2.1 AA violation on the page."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.1 AA rule(s) broken on {context_name}:\n"
        + format_violations(violations)
    )


def assert_no_horizontal_page_scroll(page: Page, context_name: str) -> None:
    """The page is no wider than the window: wide content scrolls inside its own box."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{context_name} is {scroll_width} px wide in a {inner_width} px window"
    )


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-results/screens/ (git-ignored), to look at by eye."""
    SCREENSHOT_FOLDER.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_FOLDER / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
