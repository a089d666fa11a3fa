"""Where code lives: ``dashboards/pages/`` holds Dash pages only, and no module imports itself back.

Dash Pages imports every module of the pages folder; one that registers no page is a view model, an export or a
blueprint in the wrong room. An import cycle makes the order of imports matter and hides which module is the
lower layer; import-linter's layer contract (tests/test_static.py) checks the layers, this checks within them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "dashboards" / "pages"
PACKAGES = ("smartward", "ioc", "pipelines", "layers", "sensors", "dashboards")



def registers_page(source: str) -> bool:
    """True when the module calls ``register_page`` (as ``dash.register_page`` or imported by name)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "register_page":
                return True
    return False


def modules_without_page() -> set[str]:
    return {p.stem for p in PAGES.glob("*.py")
            if p.name != "__init__.py" and not registers_page(p.read_text(encoding="utf-8"))}


def test_registers_page_reads_the_call_not_the_word() -> None:
    assert registers_page('import dash\ndash.register_page(__name__, path="/x")\n')
    assert registers_page('from dash import register_page\nregister_page(__name__)\n')
    assert not registers_page('"""Not a page: it never calls register_page."""\nregister_page = None\n')


def test_every_module_in_pages_registers_a_page() -> None:
    strays = modules_without_page()
    assert not strays, f"dashboards/pages/ holds modules that are not pages (move them to views/ or exports/): " \
                       f"{sorted(strays)}"


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """For every direct import a → b, the shortest chain leading from b back to a, if any."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.append((importer, *back))
    return found


def test_cycles_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    graph.add_import(importer="a.z", imported="a.w")
    assert ("a.x", "a.y", "a.z", "a.x") in cycles(graph)
    assert not any("a.w" in chain for chain in cycles(graph))


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" → ".join(chain) for chain in found)
