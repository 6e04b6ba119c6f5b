"""The package's folders are the pipeline's stages, and imports run one way through them.

message → understand → dialogue → render → channels, all reading knowledge; the top-level
modules (settings, paths, the start-up cache) sit below everything. Every import counts,
also one made inside a function: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bot"
# lower number = nearer the bottom; a module may import only its own layer or lower ones
LAYERS = {"": 0, "knowledge": 1, "understand": 2, "dialogue": 3, "render": 4, "analytics": 4,
          "channels": 5}
ENTRY_POINTS = {"bot.__main__"}  # `python -m bot` starts the CLI: it sits above everything


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    parts = module.split(".")
    stage = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""
    return LAYERS[stage]


def _imports(path: Path) -> set[str]:
    """Every ``bot.…`` module ``path`` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules}


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_stage_folder_exists_and_says_what_it_holds():
    for stage in LAYERS:
        if stage:
            init = PACKAGE / stage / "__init__.py"
            assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


@pytest.mark.parametrize("module", sorted(set(MODULES) - ENTRY_POINTS))
def test_imports_point_down_the_pipeline(module):
    upward = [target for target in _imports(MODULES[module])
              if _layer(target) > _layer(module)]
    assert not upward, f"{module} imports a later stage: {upward}"


def test_no_two_modules_import_each_other_directly_or_in_a_circle():
    graph = {name: _imports(path) - {name} for name, path in MODULES.items()}
    # drop package __init__ edges: importing bot.x.y also names the package bot.x
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    graph = {name: targets - packages for name, targets in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in graph.get(node, ()):
            if state.get(target) == 1:
                raise AssertionError("import circle: " + " -> ".join([*trail, node, target]))
            if not state.get(target):
                visit(target, [*trail, node])
        state[node] = 2

    for node in graph:
        if not state.get(node):
            visit(node, [])
