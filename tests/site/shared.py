"""tests/conftest.py's helpers (``Document``, ``article``) for the test modules of tests/site.

``from conftest import …`` is ambiguous once the whole suite runs (several test folders have a
conftest.py and pytest imports each as ``conftest``), so the file is loaded by its path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "conftest.py"
_NAME = "kbgen_tests_conftest"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, _PATH)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)

Document = sys.modules[_NAME].Document
article = sys.modules[_NAME].article

__all__ = ["Document", "article"]
