"""The layout holds: three layers importing one way, no cycles, chapters apart, files of one job.

The import graph is read from the source with :mod:`ast` (every ``import``
anywhere in a module, so a lazy import inside a function counts); imports
under ``if TYPE_CHECKING:`` are type-only and left out of the layering, but
they count for cycles: a type-only circle is still two modules that need each
other to be read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("aecore", "scenes", "ae_explainer")
"""Lowest first: a module may import its own layer and the layers before it, never one after."""

MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def _runtime_nodes(tree: ast.AST, type_checking: bool = False) -> Iterator[ast.AST]:
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:`` (unless ``type_checking``)."""
    for node in ast.iter_child_nodes(tree):
        if not type_checking and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in (child, *_runtime_nodes(child)))
            continue
        yield node
        yield from _runtime_nodes(node, type_checking)


def _resolve(name: str) -> str | None:
    """The project module ``name`` (or its longest project prefix) refers to."""
    mods = _modules()
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


@cache
def _imports(module: str, type_checking: bool = False) -> frozenset[str]:
    """The project modules ``module`` imports at run time (and for the type checker, if ``type_checking``)."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8")), type_checking):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return frozenset(found)


def _third_party(module: str) -> set[str]:
    """Top-level names of the non-project packages ``module`` imports at run time."""
    out: set[str] = set()
    for node in _runtime_nodes(ast.parse(_modules()[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out - set(LAYERS)


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def _typed_imports(module: str) -> frozenset[str]:
    """The project modules ``module`` imports at run time or under ``if TYPE_CHECKING:``."""
    return _imports(module, True)


def _cycles(imports: Callable[[str], frozenset[str]] | None = None) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan) of ``imports`` (run time)."""
    edges = imports or _imports
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(_modules()):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read_from_every_layer() -> None:
    mods = _modules()
    assert {m.split(".")[0] for m in mods} == set(LAYERS)
    # The reader sees real edges, lazy ones included (a test that cannot fail would pass on an empty graph).
    assert "aecore.snapshot" in _imports("aecore.cache")
    assert "scenes.base" in _imports("scenes.chapters.ch01_implementation")
    assert any(
        m.startswith("scenes.")
        for m in _imports("ae_explainer.cli.app") | _imports("ae_explainer.cli.commands")
    )


def test_imports_point_down_only() -> None:
    upward = [f"{m} -> {t}" for m in sorted(_modules()) for t in sorted(_imports(m)) if _layer(t) > _layer(m)]
    assert not upward, "imports that point up a layer:\n" + "\n".join(upward)


def test_there_is_no_import_cycle() -> None:
    cycles = _cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_there_is_no_import_cycle_even_for_the_type_checker() -> None:
    # The reader sees type-only edges (aecore.ensemble names Run only for the type checker).
    assert "aecore.snapshot" in _typed_imports("aecore.ensemble") - _imports("aecore.ensemble")
    cycles = _cycles(_typed_imports)
    assert not cycles, "import cycles (counting imports under TYPE_CHECKING):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"scenes.a": frozenset({"scenes.b"}), "scenes.b": frozenset({"scenes.a"}), "scenes.c": frozenset()}
    monkeypatch.setattr(f"{__name__}._modules", lambda: dict.fromkeys(fake, ROOT))
    monkeypatch.setattr(f"{__name__}._imports", lambda m: fake[m])
    assert _cycles() == [["scenes.a", "scenes.b"]]


def test_chapters_never_import_chapters() -> None:
    chapters = [m for m in _modules() if m.startswith("scenes.chapters.ch")]
    assert len(chapters) >= 11
    crossing = [
        f"{m} -> {t}" for m in chapters for t in sorted(_imports(m)) if t.startswith("scenes.chapters")
    ]
    assert not crossing, (
        "chapters importing chapters (use scenes.story or a picture's builders):\n" + "\n".join(crossing)
    )


def test_each_layer_keeps_to_its_libraries() -> None:
    for m in _modules():
        libs = _third_party(m)
        if m.startswith("aecore."):
            assert "manim" not in libs, f"{m} imports manim: aecore is numpy and torch only"
        if m.startswith("scenes"):
            assert "torch" not in libs, f"{m} imports torch: scenes read runs through aecore's numpy side"


ENVIRONMENT_BOUNDARY = "scenes.environment"
"""The one module of :mod:`scenes` that reads the process environment (the settings' boundary)."""


def _reads_environment(source: str) -> list[int]:
    """Lines of ``source`` that read the process environment: ``os.environ``, ``os.getenv``,
    ``os.putenv``, ``os.unsetenv`` or ``from os import environ`` (however they are spelt)."""
    names = {"environ", "getenv", "putenv", "unsetenv", "environb", "getenvb"}
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for a in node.names if a.name in names]
    return sorted(lines)


def test_scenes_read_the_environment_in_one_boundary_module() -> None:
    readers = {
        m: lines
        for m, path in _modules().items()
        if m.startswith("scenes") and (lines := _reads_environment(path.read_text(encoding="utf-8")))
    }
    assert list(readers) == [ENVIRONMENT_BOUNDARY], (
        f"scenes/ reads os.environ outside {ENVIRONMENT_BOUNDARY}: "
        + ", ".join(f"{m} line {lines}" for m, lines in readers.items() if m != ENVIRONMENT_BOUNDARY)
    )


def test_the_environment_check_sees_every_spelling() -> None:
    for source in (
        "import os\nos.environ.get('X')",
        "import os\nos.getenv('X')",
        "from os import environ",
        "from os import getenv as g",
        "import os as o\no.environ['X'] = '1'",
    ):
        assert _reads_environment(source), source
    assert not _reads_environment("import os\nos.path.join('a')")


def _source_files() -> list[Path]:
    """Every file the line limit holds for: the layers' Python and JavaScript (the explorer page's
    modules), the benchmarks, the tests, and the JavaScript at the root (the lint's config)."""
    py = [*_modules().values(), *(ROOT / "benchmarks").glob("*.py"), *(ROOT / "tests").glob("*.py")]
    js = [p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.js"))]
    return py + js + sorted(ROOT.glob("*.js"))


def _too_long(paths: list[Path]) -> dict[str, int]:
    """The files of ``paths`` over :data:`MAX_LINES` lines, with their line counts."""
    return {
        p.name if not p.is_relative_to(ROOT) else str(p.relative_to(ROOT)): n
        for p in paths
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }


def test_no_source_file_is_over_the_limit() -> None:
    long = _too_long(_source_files())
    assert not long, f"files over {MAX_LINES} lines: {long}"


SHARED_ROOT = ("options", "outputs", "progress")
"""The application's modules that stay at ``ae_explainer/``'s root: every room uses them."""

ROOMS = ("media", "render", "deliver", "cli")
"""The rooms by job, lowest first: a room imports the shared root, its own room and the rooms before it."""


def _room(module: str) -> int:
    """``module``'s rank: -1 for the shared root, else its room's index (``__main__`` sits on top)."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in SHARED_ROOT:
        return -1
    return len(ROOMS) if parts[1] == "__main__" else ROOMS.index(parts[1])


def test_the_application_is_in_rooms() -> None:
    app = [m for m in _modules() if m.startswith("ae_explainer.")]
    loose = [
        m for m in app if m.count(".") == 1 and m.split(".")[1] not in (*SHARED_ROOT, "__main__", *ROOMS)
    ]
    assert not loose, f"modules at ae_explainer/'s root that belong in a room {ROOMS}: {loose}"
    assert {m.split(".")[1] for m in app if m.count(".") >= 2} == set(ROOMS)


def test_rooms_import_down_only() -> None:
    app = [m for m in sorted(_modules()) if m.startswith("ae_explainer")]
    upward = [
        f"{m} -> {t}"
        for m in app
        for t in sorted(_imports(m))
        if t.startswith("ae_explainer") and _room(t) > _room(m)
    ]
    assert not upward, f"imports that point up the rooms {ROOMS}:\n" + "\n".join(upward)
    assert _room("ae_explainer.cli.app") > _room("ae_explainer.render.jobs") > _room("ae_explainer.options")


def test_the_line_limit_holds_for_the_pages_script(tmp_path: Path) -> None:
    from ae_explainer.deliver import explore
    from ae_explainer.deliver.explore import SCRIPTS

    assets = {p.name for p in (Path(explore.__file__).parent / "explore_assets").glob("*.js")}
    assert assets == set(SCRIPTS), assets ^ set(SCRIPTS)  # the page joins every module there is
    found = {p.name for p in _source_files() if p.suffix == ".js"}
    assert set(SCRIPTS) | {"eslint.config.js"} <= found, set(SCRIPTS) - found  # every module is counted
    long = tmp_path / "long.js"
    long.write_text("// a line\n" * (MAX_LINES + 1), encoding="utf-8")
    assert _too_long([long]) == {"long.js": MAX_LINES + 1}
