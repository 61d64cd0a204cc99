"""The portal's browser tests: the four services run as processes (``tests/conftest.py``),
once for every module of this folder, the portal as a process in front of them, and Debian's
Chromium drives the pages.

Every page a test visits is checked with axe-core (WCAG 2.1 A and AA: no violation allowed) and
photographed into ``tests/portal/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from shared.auth import Role
from shared.testing.servers import TestServers
from tests.conftest import ROOT, Platform, free_ports, run_platform
from tests.portal.flows import YEAR

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERVICES = ("membership", "billing", "training", "booking")


@pytest.fixture(scope="package")
async def platform(
    test_servers: TestServers,
    migrated_database: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    """The four services, each its api, worker and relay, started once for the whole folder:
    one service after the other, so that twelve processes never start on the machine at once."""
    log_dir = tmp_path_factory.mktemp("portal-platform-logs")
    async with contextlib.AsyncExitStack() as stack:
        started = [
            await stack.enter_async_context(
                run_platform((name,), test_servers, migrated_database, log_dir, label="portal")
            )
            for name in SERVICES
        ]
        running = Platform(
            {name: one[name] for name, one in zip(SERVICES, started, strict=True)},
            started[0].auth,
        )
        async with running.client("membership") as membership:
            for year in (YEAR, YEAR + 1):
                response = await membership.put(
                    f"/tariffs/{year}",
                    json={"simple": "100.00", "premium": "150.00", "upgrade": "50.00"},
                    headers=running.token(Role.STAFF),
                )
                assert response.status_code == 200, response.text
        yield running
        # every process stopped at once, rather than one after the other
        await asyncio.gather(
            *(
                service.stop(process)
                for service in running.services.values()
                for process in list(service.running)
            )
        )


@pytest.fixture(scope="package")
async def portal_url(
    platform: Platform, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """``python -m portal api`` on a free port, calling this run's services."""
    [port] = free_ports(1)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k != "PLATFORM_ENVIRONMENT"
    }
    env.update(
        {
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "LOG_JSON": "false",
            "PYTHONUNBUFFERED": "1",
            **{f"PORTAL_{name.upper()}_URL": platform[name].url for name in SERVICES},
        }
    )
    log = (tmp_path_factory.mktemp("portal-log") / "portal.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "portal", "api", env=env, stdout=log, stderr=log, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=2) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/ready")).status_code == 200:
                        break
                assert process.returncode is None, f"the portal exited; see {log.name}"
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the portal did not start")
        # Chromium keeps a Secure cookie over plain HTTP for localhost only (a secure context)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()


@pytest.fixture(scope="package")
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class Person:
    """One person's browser (its own cookies), signed in to the portal for a role."""

    def __init__(self, context: BrowserContext, page: Page, base: str, name: str) -> None:
        self.context = context
        self.page = page
        self.base = base
        self.name = name
        self.shots = 0

    async def visit(self, path: str) -> Page:
        response = await self.page.goto(self.base + path)
        assert response is not None
        await self.check()
        return self.page

    async def check(self, label: str | None = None) -> None:
        """The page as it stands: no WCAG 2.1 AA violation, and a screenshot of it."""
        await self.page.wait_for_load_state("load")
        await check_accessibility(self.page)
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", (label or self.page.url.split("/", 3)[-1]).lower())
        ARTIFACTS.mkdir(exist_ok=True)
        await self.page.screenshot(
            path=str(
                ARTIFACTS / f"{self.name}-{self.shots:02d}-{slug.strip('-') or 'accueil'}.png"
            ),
            full_page=True,
        )

    async def sign_in(self, role: str, siren: str = "") -> None:
        page = await self.visit("/connexion")
        await page.get_by_role("radio", name=re.compile(ROLE_LABELS[role])).check()
        if siren:
            await page.get_by_label("SIREN de la structure").fill(siren)
        await page.get_by_role("button", name="Se connecter").click()
        await page.wait_for_load_state("load")
        assert "/connexion" not in page.url, await page.content()


ROLE_LABELS = {
    "member": "Adhérent",
    "staff": "Équipe de l'agence",
    "board": "Conseil d'administration",
    "finance": "Service financier",
}


async def check_accessibility(page: Page) -> None:
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


@pytest.fixture
async def people(chromium: Browser, portal_url: str) -> AsyncIterator[Any]:
    """``await people("board")``: a new person with their own browser context."""
    contexts: list[BrowserContext] = []

    async def open_for(name: str, *, phone: bool = False) -> Person:
        options: dict[str, Any] = {"locale": "fr-FR", "bypass_csp": True}
        if phone:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context = await chromium.new_context(**options)
        contexts.append(context)
        return Person(context, await context.new_page(), portal_url, name)

    yield open_for
    for context in contexts:
        await context.close()
