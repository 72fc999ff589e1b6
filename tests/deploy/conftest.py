"""The several-servers stack, started once for the module that asks for it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.deploy_stack import Stack
from tests.support.postgres_cluster import throwaway_cluster


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/deploy/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.deploy)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    if shutil.which("caddy") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("caddy is missing (apt-get install caddy); REQUIRE_BROWSER=1")
        pytest.skip("caddy not installed")
    folder = Path(tempfile.mkdtemp(prefix="crps-deploy-"))
    with throwaway_cluster() as database_url:
        running = Stack(database_url, folder)
        try:
            yield running
        finally:
            running.stop()
            shutil.rmtree(folder, ignore_errors=True)
