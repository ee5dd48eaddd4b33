"""Fixtures for the browser tests: one Chromium per test session, a fresh context per test.

The tests drive Debian's own chromium (``npx playwright install`` is not used anywhere), so a
machine without it skips them — except under CI, where a missing browser is a failure: a
green build must never mean "the browser tests did not run".

Pages are served by pytest-django's ``live_server``, which gives each test a transactional
database that is flushed afterwards.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.core.testing.factories import TEST_PASSWORD
from haven.people import services as people_services

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Accessibility rules every page must pass: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
# Long enough for a slow CI machine, short enough that a broken page fails quickly.
DEFAULT_TIMEOUT_MS = 10_000


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share a connection.

    On SQLite the test database lives in memory, so every request thread is handed the test
    thread's one connection. Two requests at once (a page's bell and alerts badge both
    refreshing on the same minute) would then interleave their transactions on it, which
    no real deployment does: there each request has a connection of its own. The body is
    read inside the lock too, so a streamed export cannot query the database after it.
    On PostgreSQL nothing is shared and requests run side by side as in production.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeServer


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def pytest_collection_modifyitems(config, items):
    """Run the browser tests after everything else.

    While Playwright's synchronous API is running, its event loop counts as "running" in
    the test thread, and Django refuses ORM calls from a thread with a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. The ``playwright`` fixture sets it for as long as the
    browser is up; running those tests last keeps every other test under Django's normal
    check.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"browser_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)."
        if _in_ci():
            pytest.fail(f"{message} CI must run the browser tests, not skip them.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright(chromium_path):
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Our ORM calls happen in the test thread between Playwright calls, never concurrently
    # with Playwright's loop, so Django's guard against async contexts does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright, chromium_path):
    try:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as problem:
        if _in_ci():
            raise
        pytest.skip(f"chromium would not start: {problem}")
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Open a browser context (a separate set of cookies: one person at one computer)."""
    contexts = []

    def _new_context(**options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            **options,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield _new_context
    failed = getattr(request.node, "browser_report_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            _keep_evidence(request.node.name, number, context)
        context.close()


def _keep_evidence(test_name: str, number: int, context) -> None:
    """Save a screenshot and the HTML of every open page of a failed test, for CI."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(context.pages):
        stem = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', test_name)}-{number}-{index}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content())
        except Exception:  # noqa: S112 - evidence is best effort; the failure is reported anyway
            continue


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- Signing in ---------------------------------------------------------------------------


def _fresh_code(user) -> str:
    """A real TOTP code for ``user`` that Haven has not seen yet.

    Like ``haven.core.testing.totp.next_code`` but it prefers the current time step over the
    previous one: a browser takes a moment to submit, and a code from the previous step
    would be refused if a 30-second boundary passed meanwhile.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now_step = int(time.time() - device.t0) // device.step
    step = max(now_step, device.last_t + 1)
    if step > now_step + device.tolerance:
        raise RuntimeError("No fresh TOTP code until the next 30-second step: use another user.")
    code = totp(device.bin_key, device.step, device.t0, device.digits, drift=step - now_step)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def fresh_code():
    return _fresh_code


@pytest.fixture
def sign_in_browser():
    """Sign ``user`` in through the real form.

    ``second_factor`` is "code" (enter a real TOTP code), "skip" (press "Not now") or None
    for people without an authenticator.
    """
    from playwright.sync_api import expect

    def _sign_in(page, user, *, second_factor: str | None = "code", password=TEST_PASSWORD):
        _goto_sign_in(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        if second_factor is None:
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            return page
        expect(page).to_have_url(re.compile(r"/sign-in/code/$"))
        if second_factor == "skip":
            page.get_by_role("button", name=re.compile("^Not now")).click()
            expect(page.get_by_role("link", name="Not elevated")).to_be_visible()
        else:
            page.get_by_label("Code", exact=True).fill(_fresh_code(user))
            page.get_by_role("button", name="Continue").click()
            expect(page.locator(".site-header").get_by_text("Elevated", exact=True)).to_be_visible()
        return page

    return _sign_in


def _goto_sign_in(page, attempts: int = 3) -> None:
    """Open the sign-in page. A page left open may be sending itself there at that moment
    (its idle time-out noticed the session end, say), and Chromium then aborts our own
    navigation: go again."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            page.goto("/sign-in/")
            return
        except Error as error:
            if not _overtaken(error) or attempt == attempts - 1:
                raise


def _overtaken(error) -> bool:
    """Whether our navigation lost a race with one the page started itself. Chromium reports
    it as an abort, or as an interruption when the page was heading for the same address."""
    message = str(error)
    return "ERR_ABORTED" in message or "interrupted by another navigation" in message


def _server_session(context) -> SessionStore:
    for cookie in context.cookies():
        if cookie["name"] == settings.SESSION_COOKIE_NAME:
            return SessionStore(session_key=cookie["value"])
    raise AssertionError("This browser has no session cookie.")


@pytest.fixture
def server_session():
    """The server-side session behind a browser context's cookie, to read or age it."""
    return _server_session


# --- Accessibility --------------------------------------------------------------------------


class AccessibilityAudit:
    """Runs axe-core on pages and gathers serious or critical violations across a test."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self._axe = Axe()
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page, name: str) -> None:
        results = self._run(page)
        self.checked.append(name)
        for violation in results.response["violations"]:
            if violation["impact"] not in BLOCKING_IMPACTS:
                # Shown with -s, or under a failing test: worth fixing, not worth failing on.
                print(f"axe, {name}: {violation['id']} [{violation['impact']}]")
                continue
            lines = [
                f"{name} ({page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']} — {violation['helpUrl']}"
            ]
            for node in violation["nodes"]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
                lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
            self.problems.append("\n".join(lines))

    def _run(self, page):
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        from playwright.sync_api import Error

        page.wait_for_load_state()
        try:
            return self._axe.run(page, options=options)
        except Error as error:
            # A click just before may still be replacing the document: axe then finds none.
            # Wait for the new page and check that one.
            if "documentElement" not in str(error):
                raise
            page.wait_for_load_state()
            return self._axe.run(page, options=options)

    def assert_clean(self) -> None:
        assert not self.problems, (
            f"{len(self.problems)} serious or critical accessibility violations:\n\n"
            + "\n\n".join(self.problems)
        )


@pytest.fixture
def accessibility():
    return AccessibilityAudit()


@pytest.fixture
def child(dsl):
    """Poppy, a child of the DSL's organisation, recorded through the service."""
    return people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Poppy",
            "last_name": "Meadows",
            "date_of_birth": datetime.date(2017, 3, 14),
        },
        address={"address_line_1": "4 Mill Lane"},
        duplicate_reason="test data",
    )
