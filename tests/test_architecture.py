"""The package keeps the layers of docs/architecture.md: every module is in the table, imports
only from its own layer or below (the imports inside functions count too), and no two
modules import each other, directly or through others."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograd_xor"


def layers():
    """{unit: layer number} from the table in docs/architecture.md; a unit is a module of the
    package's top level, or a subpackage (cli, walkthroughs) taken whole."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = {}
    for number, cell in re.findall(r"^\| (\d) [^|]*\| (.*) \|$", text, flags=re.MULTILINE):
        for name in re.findall(r"`([^`]+)`", cell):
            table[name] = int(number)
    return table


def unit(path):
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imports(path):
    """The package units that the module at `path` imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]      # ("autograd_xor", ...)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = base + tuple(node.module.split(".")) if node.module else base
            elif node.module and node.module.startswith("autograd_xor"):
                target = tuple(node.module.split("."))
            else:
                continue
            if len(target) == 1:                  # `from . import x`: each name is a unit
                found.update(alias.name for alias in node.names)
            else:
                found.add(target[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "autograd_xor" and len(parts) > 1:
                    found.add(parts[1])
    return found


def graph():
    edges = {}
    for path in PACKAGE.rglob("*.py"):
        me = unit(path)
        edges.setdefault(me, set()).update(u for u in imports(path) if u != me)
    return edges


def test_every_module_is_in_the_table():
    table = layers()
    units = {unit(p) for p in PACKAGE.rglob("*.py")}
    assert units - set(table) == set(), "add these to docs/architecture.md's table"
    assert set(table) - units == set(), "the table names modules that do not exist"


def test_no_module_imports_from_a_layer_above():
    table = layers()
    wrong = [f"{a} (layer {table[a]}) imports {b} (layer {table[b]})"
             for a, targets in graph().items() for b in targets
             if b in table and table[b] > table[a]]
    assert wrong == []


def test_no_import_circle():
    edges = graph()
    state, circles = {}, []

    def visit(node, path):                        # iterative enough: the package is small
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert circles == []


def test_the_architecture_page_is_in_the_site_navigation():
    assert "architecture.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
