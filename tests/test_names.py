"""Names a newcomer can trust: one meaning per public name, one error tree, one exit-code table."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import summarizer
from summarizer import errors
from summarizer.errors import BriefError

ROOT = Path(summarizer.__file__).parent


def _modules() -> list[object]:
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(summarizer.__path__, "summarizer.")]


def _defined(module: object) -> dict[str, object]:
    """Public classes and functions defined in ``module`` (not imported into it)."""
    return {
        name: obj
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__  # type: ignore[attr-defined]
    }


def test_no_two_modules_define_the_same_public_name() -> None:
    # Two Transports or two estimate_tokens meant reading imports to know which one a line used.
    where: dict[str, list[str]] = defaultdict(list)
    for module in _modules():
        for name in _defined(module):
            where[name].append(module.__name__)  # type: ignore[attr-defined]
    assert {name: found for name, found in where.items() if len(found) > 1} == {}


def test_every_public_error_is_in_the_brief_error_tree() -> None:
    outside = [
        f"{module.__name__}.{name}"  # type: ignore[attr-defined]
        for module in _modules()
        for name, obj in _defined(module).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and not issubclass(obj, BriefError)
    ]
    assert outside == []


def test_exit_codes_are_named_in_errors_py_not_written_as_numbers() -> None:
    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert codes == {0, 1, 2, 3}
    literal = re.compile(r"(?:Exit|exit)\(\s*[1-3]\s*\)|exit_code\s*=\s*[1-3]\b")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.py")
        if path != ROOT / "errors.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line.split("#")[0]) and "EXIT_" not in line
    ]
    assert found == []
