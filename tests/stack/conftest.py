"""The running stack for tests/stack (``make test-stack``): one per session, always removed.

Where podman cannot run (not installed, not root) the tests are skipped saying why; with
STACK_REQUIRED=1 (CI) that is a failure instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.chromium import chromium_browser
from tests.fake_ollama import FakeOllama
from tests.helpers import model_reply
from tests.stack.stack import Stack, missing_tools, running_stack

# What the run measured, shown in the summary (seconds, megabytes).
FIGURES: dict[str, float] = {}


# Each figure the issue asks for beside its reference from the same run (this machine is
# noisy: a ratio means more than a time).
RATIOS = {
    "app image / Debian base": ("app_image_mb", "base_image_mb"),
    "start to ready / one container importing the app": (
        "start_to_ready_s",
        "one_container_import_s",
    ),
    "stream resume after a web killed / page opened to its socket": (
        "stream_resume_s",
        "page_to_socket_s",
    ),
    "render with its worker killed / the same render undisturbed": (
        "render_recovery_s",
        "render_undisturbed_s",
    ),
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the stack test measured, and each against its reference."""
    if FIGURES:
        terminalreporter.section("stack figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value:.2f}")
        for label, (figure, reference) in RATIOS.items():
            if FIGURES.get(figure) and FIGURES.get(reference):
                ratio = FIGURES[figure] / FIGURES[reference]
                terminalreporter.write_line(f"{label}: {ratio:.2f}")


@pytest.fixture(scope="session")
def stack_fake() -> Iterator[FakeOllama]:
    """The model: a fake Ollama on the host's loopback, which the host-network stack reaches."""
    fake = FakeOllama().start()
    fake.structured_reply = model_reply
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(stack_fake: FakeOllama) -> Iterator[Stack]:
    """Build the images and run the stack; print what was measured at the end."""
    why = missing_tools()
    if why:
        if os.environ.get("STACK_REQUIRED") == "1":
            pytest.fail(f"the stack test cannot run: {why}")
        pytest.skip(f"the stack test cannot run here: {why}")
    with running_stack(stack_fake.url) as running:
        yield running
        FIGURES.update(running.figures)


@pytest.fixture(scope="session")
def chromium(stack: Stack) -> Iterator[Browser]:
    """Debian's Chromium, for the user's view of the stack (after the stack is up)."""
    with chromium_browser() as browser:
        yield browser
