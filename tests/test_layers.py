"""The packages form layers: core < guardrails < knowledge_base < assistant < web. Each imports only the
packages below it (imports inside functions too), and only the command line may import web, to serve it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("core", "guardrails", "knowledge_base", "assistant", "web")
# The composition root: it wires every layer together, so it alone may import web.
COMMAND_LINE = ("assistant/commands/", "assistant/cli.py", "assistant/__main__.py")


def imported_packages(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, path.relative_to(ROOT).parts[0]))  # relative: its own package
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.append((node.lineno, node.args[0].value.split(".")[0]))  # importlib.import_module("web.x")
    return [(line, name) for line, name in found if name in LAYERS]


def upward_imports() -> list[str]:
    problems = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for line, target in imported_packages(path):
                if LAYERS.index(target) <= LAYERS.index(layer):
                    continue
                if target == "web" and relative.startswith(COMMAND_LINE):
                    continue
                problems.append(f"{relative}:{line} imports {target}")
    return problems


def test_no_package_imports_a_layer_above_it() -> None:
    assert upward_imports() == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path, monkeypatch) -> None:
    # A check that cannot fail is no check: plant an upward import inside a function and see it caught.
    planted = ROOT / "core" / "_planted_for_layer_test.py"
    planted.write_text("def later():\n    from web.app import create_app\n    return create_app\n", encoding="utf-8")
    try:
        assert upward_imports() == ["core/_planted_for_layer_test.py:2 imports web"]
    finally:
        planted.unlink()


def test_packages_have_no_cycles() -> None:
    # With a strict order and no upward edge there can be no cycle; this states it directly, edge by edge.
    edges = {layer: set() for layer in LAYERS}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            if path.relative_to(ROOT).as_posix().startswith(COMMAND_LINE):
                continue
            edges[layer] |= {target for _, target in imported_packages(path) if target != layer}
    for layer, targets in edges.items():
        for target in targets:
            assert layer not in edges[target], f"{layer} and {target} import each other"
