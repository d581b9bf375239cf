"""The shape of the package: no import cycles, and no module reaching into another's private names.

Both are read from the source (``ast``), so a cycle hidden in a function-level import counts too;
imports under ``if TYPE_CHECKING:`` do not run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node, except those under ``if TYPE_CHECKING:``."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from . import submodule`
    return {name for name in found if name in MODULES and name != module}


def _cycles() -> list[list[str]]:
    graph = {module: _imports(module) for module in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_the_package_has_no_import_cycle() -> None:
    cycles = _cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The check must be able to fail: two modules that import each other, one of them inside a function.
    (tmp_path / "a.py").write_text("from . import b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, "summarizer.zz_a", tmp_path / "a.py")
    monkeypatch.setitem(MODULES, "summarizer.zz_b", tmp_path / "b.py")
    monkeypatch.setattr(ast, "parse", _renaming_parse(ast.parse))
    assert any({"summarizer.zz_a", "summarizer.zz_b"} <= set(c) for c in _cycles())


def _renaming_parse(parse):  # type: ignore[no-untyped-def]
    def renamed(source: str, *args: object, **kwargs: object) -> ast.AST:
        return parse(source.replace("from . import b", "from . import zz_b").replace("from .a ", "from .zz_a "))

    return renamed


def _private_uses(path: Path) -> list[str]:
    """``x._name`` where ``x`` is not ``self``/``cls``: another object's private attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    uses = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") or node.attr.startswith("__"):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
            continue
        uses.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}")
    return uses


@pytest.mark.parametrize("folder", ["batch", "evaluation", "distributed"])
def test_batch_eval_and_distributed_use_no_private_name_of_another_module(folder: str) -> None:
    uses = [use for path in sorted((PACKAGE / folder).rglob("*.py")) for use in _private_uses(path)]
    assert not uses, "\n".join(uses)


def test_every_module_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    optional = {"llama_cpp", "ray", "fastapi", "uvicorn", "pyarrow", "playwright"}
    for module in sorted(MODULES):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:  # an optional extra that is not installed
            assert error.name and error.name.split(".")[0] in optional, f"{module}: {error}"
