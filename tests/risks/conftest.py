from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploaded plans and demo images go to a temporary directory, never into var/media."""
    media = tmp_path_factory.mktemp("risks-media")
    with override_settings(MEDIA_ROOT=str(media)):
        yield media
