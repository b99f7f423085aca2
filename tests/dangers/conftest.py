from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Path, settings: Any) -> None:
    """Uploaded evidence goes to a throwaway directory."""
    settings.MEDIA_ROOT = str(tmp_path)
