"""The layout's rules, read from the code's own imports (every import, function-local and
``TYPE_CHECKING`` ones too): layers point one way, settings are a leaf, the sandbox knows nothing
of the bot, no module imports itself round a loop, and ``pip install`` ships the four packages
with every data file they read."""
import ast
import fnmatch
import tomllib
from pathlib import Path

import pytest
from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "models", "scheduler")


def _modules() -> dict[str, Path]:
    found = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The kiteline modules ``name`` imports (``from pkg import submodule`` names the submodule)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    resolved = set()
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


GRAPH = {name: _imports(name) for name in MODULES}


def _within(name: str, *places: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in places)


@pytest.mark.parametrize("lower, upper", [
    ("models", ("bot", "handlers", "scheduler")),
    ("scheduler", ("bot", "handlers")),
    ("handlers", ("bot", "scheduler")),
])
def test_no_layer_imports_upward(lower, upper):
    upward = {(m, t) for m, ts in GRAPH.items() if _within(m, lower) for t in ts if _within(t, *upper)}
    assert not upward


def test_settings_import_nothing_else_of_kiteline():
    leaks = {(m, t) for m, ts in GRAPH.items() if _within(m, "models.settings")
             for t in ts if not _within(t, "models.settings")}
    assert not leaks


def test_the_sandbox_knows_the_bot_only_over_http():
    """It may use the domain's column types, clock and settings; nothing of bot/ or handlers/."""
    leaks = {(m, t) for m, ts in GRAPH.items() if _within(m, "bot.sandbox")
             for t in ts if _within(t, "bot", "handlers") and not _within(t, "bot.sandbox")}
    assert not leaks


def test_no_import_cycles():
    checked = list(MODULES)
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if target not in checked:
                continue
            assert state.get(target) != "open", " -> ".join([*path, name, target])
            if target not in state:
                visit(target, [*path, name])
        state[name] = "done"

    for name in checked:
        if name not in state:
            visit(name, [])


def test_pip_install_ships_the_four_packages_and_every_data_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    # pyproject's [tool.setuptools.packages.find] finds namespace packages too, as here
    shipped = find_namespace_packages(str(ROOT), include=config["packages"]["find"]["include"])
    assert {p.partition(".")[0] for p in shipped} == set(PACKAGES)
    assert all((ROOT / top / "__init__.py").is_file() for top in PACKAGES)  # no namespace to merge into
    globs = config["package-data"]
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            where = path.relative_to(ROOT).as_posix()
            assert any(fnmatch.fnmatch(where.removeprefix(package.replace(".", "/") + "/"), glob)
                       for package in shipped if where.startswith(package.replace(".", "/") + "/")
                       for glob in globs.get(package, ())), f"{where} is not in [tool.setuptools.package-data]"
