"""MkDocs hooks for the gradschool site (``mkdocs.yml`` names this file under ``hooks:``).

Two jobs, so that nothing is copied by hand into ``docs/``:

* **notebooks from outside docs/**: before each build, the executed teaching notebooks of
  ``notebooks/`` are copied to ``docs/tutorials/`` and the student exercises of
  ``exercises/student/`` to ``docs/exercises/`` (copies that git ignores, rewritten only when
  their source changed); mkdocs-jupyter renders them with their stored outputs (it does not
  run them);
* **included files**: a line ``<!-- include: PATH -->`` in a page is replaced by the file
  ``PATH`` (relative to the repository root) when it exists, and by nothing otherwise. Its
  relative links point into the repository, not into the site, so they become plain text
  naming the path (links to the web and to anchors stay links). Its first heading is dropped
  when the page has its own title.

The API page of ``autograd`` also gets its list of operations here: a line
``<!-- autograd-ops -->`` becomes one mkdocstrings block per module of ``autograd/ops/``
with the functions that the op table (``autograd/ops/table.py``) exports from it, so the
reference follows the package's public names without a list to keep by hand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (folder of the repository, folder of the site): the notebooks that the site shows
NOTEBOOK_FOLDERS = [
    ("notebooks", "tutorials"),
    ("exercises/student", "exercises"),
]

_INCLUDE = re.compile(r"^<!-- include: (?P<path>\S+) -->$", re.MULTILINE)
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]+)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>")


def notebook_paths() -> list[tuple[Path, str]]:
    """Each notebook the site shows: (its file, its path inside docs/)."""
    out = []
    for folder, site_folder in NOTEBOOK_FOLDERS:
        for path in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
            out.append((path, f"{site_folder}/{path.name}"))
    return out


def copy_notebooks(docs_dir: Path) -> None:
    """Copy the notebooks into ``docs_dir``; remove copies whose source is gone."""
    wanted = {}
    for path, uri in notebook_paths():
        wanted[docs_dir / uri] = path
    for _, site_folder in NOTEBOOK_FOLDERS:
        for old in (docs_dir / site_folder).glob("[0-9][0-9]_*.ipynb"):
            if old not in wanted:
                old.unlink()
    for dest, src in wanted.items():
        data = src.read_bytes()
        if not dest.exists() or dest.read_bytes() != data:  # unchanged: no rebuild loop in serve
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)


def on_pre_build(config) -> None:
    copy_notebooks(Path(config["docs_dir"]))


def _is_external(target: str) -> bool:
    return target.startswith(("http://", "https://", "mailto:", "#"))


def rewrite_links(text: str) -> str:
    """Relative links and pictures of an included file, made safe for the site.

    ``[text](path)`` becomes ``text (`path`)``; a relative picture becomes its alt text in
    italics; web links, anchors and the site's own pages stay as they are.
    """

    def link(match: re.Match) -> str:
        target = match["target"]
        if _is_external(target):
            return match[0]
        if match["text"].strip("`") == target:
            return f"`{target}`"
        return f"{match['text']} (`{target}`)"

    def image(match: re.Match) -> str:
        if _is_external(match["target"]):
            return match[0]
        return f"*{match['alt'] or match['target']}*"

    text = _IMAGE.sub(image, text)
    text = _HTML_IMAGE.sub(lambda m: m[0] if "http" in m[0] else "", text)
    return _LINK.sub(link, text)


def _outside_fences(text: str, fix) -> str:
    """Apply ``fix`` to each line that is not inside a fenced code block."""
    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
        else:
            out.append(line if fenced else fix(line))
    return "\n".join(out)


def include(markdown: str, root: Path = ROOT) -> str:
    """Replace each ``<!-- include: PATH -->`` line by the file's text (nothing if absent).

    The file's headings go one level deeper (the page has its own title, which replaces
    the file's first heading), and its links are rewritten by :func:`rewrite_links`.
    """

    def replace(match: re.Match) -> str:
        path = root / match["path"]
        if not path.is_file():
            return ""
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[0].startswith("# "):
            lines = lines[1:]

        def fix(line: str) -> str:
            if re.match(r"#+ ", line):
                line = "#" + line
            return rewrite_links(line)

        return _outside_fences("\n".join(lines), fix)

    return _INCLUDE.sub(replace, markdown)


_OPS = "<!-- autograd-ops -->"
_METHODS = "<!-- tensor-methods -->"  # the op table's functions that are only Tensor methods
# Names left out of the reference, with the reason (a docstring that strict mode rejects).
OPS_LEFT_OUT: dict[str, str] = {}  # name: why it is not in the reference


def autograd_ops(table: Path = ROOT / "autograd" / "ops" / "table.py",
                 kinds: frozenset = frozenset({"F", "MF"})) -> dict[str, list[str]]:
    """The functions that the op table exports as ``ag.<name>``, by module of ``autograd.ops``
    (with ``kinds={"M"}``: those that are only Tensor methods)."""
    tree = ast.parse(table.read_text(encoding="utf-8"))
    modules = {a.asname or a.name: f"autograd.ops.{a.name}" for node in tree.body
               if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
               for a in node.names}
    out: dict[str, list[str]] = {}
    for row in ast.walk(tree):
        if not (isinstance(row, ast.Tuple) and len(row.elts) == 3):
            continue
        _, fn, where = row.elts
        flags = {n.id for n in ast.walk(where) if isinstance(n, ast.Name)}
        if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and \
                fn.value.id in modules and flags & kinds:
            names = out.setdefault(modules[fn.value.id], [])
            if fn.attr not in names:
                names.append(fn.attr)
    return out


def ops_reference(kinds: frozenset = frozenset({"F", "MF"})) -> str:
    """One mkdocstrings block per module; methods-only lists leave out the functions."""
    blocks = []
    functions = autograd_ops() if kinds == {"M"} else {}
    for module, names in autograd_ops(kinds=kinds).items():
        names = [n for n in names if n not in OPS_LEFT_OUT and n not in functions.get(module, ())]
        if not names:
            continue
        blocks.append(
            f"::: {module}\n"
            "    options:\n"
            "      show_root_heading: false\n"
            "      heading_level: 3\n"
            "      show_if_no_docstring: true\n"
            f"      members: [{', '.join(names)}]\n"
        )
    return "\n".join(blocks)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if _OPS in markdown:
        markdown = markdown.replace(_OPS, ops_reference())
    if _METHODS in markdown:
        markdown = markdown.replace(_METHODS, ops_reference(frozenset({"M"})))
    return include(markdown)
