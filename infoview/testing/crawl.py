"""Walk every page a user can reach, once per kind of page, and check each in real Chromium.

Used by the accessibility and conformance tests: the crawler starts at the home page and follows
same-site links, keeping the first URL of each route (one contact page stands for all of them).
For each page it runs axe-core (WCAG 2.2 A and AA rules), measures horizontal overflow at phone
width, and keeps the served HTML for the Nu HTML Checker, which then checks all pages in one run.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Not pages a person reads: downloads, feeds, the Django admin, actions behind a GET link.
SKIP_PREFIXES = ("/admin/", "/calendar/", "/static/", "/healthz", "/api/", "/metrics")
SKIP_ROUTE_WORDS = (
    "export",
    ".ics",
    ".csv",
    ".vcf",
    "chart.svg",
    "download",
    "logout",
    "unsubscribe",
)


@dataclass
class PageReport:
    url: str
    route: str
    axe: list[dict] = field(default_factory=list)
    overflow_px: int = 0
    html: str = ""


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _wanted(path: str) -> bool:
    if path.startswith(SKIP_PREFIXES):
        return False
    return not any(word in path for word in SKIP_ROUTE_WORDS)


def crawl(page, start_paths: list[str], limit: int = 120) -> list[PageReport]:
    """Visit ``start_paths`` and every same-site page linked from them, one per route."""
    base = urlsplit(page.url or "http://x/")
    queue = list(start_paths)
    seen_routes: set[str] = set()
    reports = []
    while queue and len(reports) < limit:
        path = queue.pop(0)
        route = route_of(urlsplit(path).path)
        if route is None or route in seen_routes or not _wanted(path):
            continue
        seen_routes.add(route)
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        report = PageReport(url=path, route=route, html=response.text())
        report.axe = run_axe(page)
        page.set_viewport_size(PHONE)
        report.overflow_px = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.set_viewport_size(DESKTOP)
        reports.append(report)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.netloc != base.netloc and parts.netloc != urlsplit(page.url).netloc:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if route_of(parts.path) not in seen_routes:
                queue.append(target)
    return reports


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations of WCAG 2.2 A/AA on the page as shown."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
            "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
        }
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def html_errors(reports: list[PageReport]) -> dict[str, list[str]]:
    """Run the Nu HTML Checker once over every page's served HTML: errors by page URL."""
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for index, report in enumerate(reports):
            name = f"page{index}.html"
            (Path(folder) / name).write_text(report.html)
            names[name] = report.url
        result = subprocess.run(
            ["java", "-Xss1m", "-jar", str(VNU), "--format", "json", "--exit-zero-always"]
            + [str(Path(folder) / name) for name in names],
            capture_output=True,
            text=True,
            check=True,
        )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or "{}").get("messages", []):
        if message.get("type") != "error":
            continue
        url = names.get(message.get("url", "").rpartition("/")[2], message.get("url", ""))
        errors.setdefault(url, []).append(
            f"line {message.get('lastLine')}: {message.get('message')} "
            f"[{message.get('extract', '').strip()[:80]}]"
        )
    return errors
