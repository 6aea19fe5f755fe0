"""``make bench``: the first-render weight of each built page of ``frontend/dist``, fonts excluded.

For each ``dist/*.html``: the gzipped size of the HTML, of every stylesheet it links (``<link rel="stylesheet">``,
and their ``@import``s), and of every module script it loads (``<script type="module" src>``) with the static imports
of the module graph (``import … from "./x.js"`` and ``import "./x.js"`` in esbuild's output). Lazy imports
(``import("./x.js")``: the zxcvbn dictionaries) do not count, nor do fonts, icons and images. Each file counts once
per page, gzipped at level 9.

Usage: ``python scripts/page_weight.py [--json]`` (after ``npm run build`` in ``frontend/``).
"""

import gzip
import json
import re
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"
# The budget of issue 8 for « Mon Compte »: 150 KB (kilobytes of 1000 bytes) gzipped besides fonts.
BUDGET = {"mon-compte.html": 150_000}

STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>", re.I)
MODULE = re.compile(r"<script\b[^>]*\btype=\"module\"[^>]*>", re.I)
HREF = re.compile(r"\b(?:href|src)=\"([^\"]+)\"")
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)")
# esbuild's minified ESM: `import{a as b}from"./chunk.js"`, `export*from"./x.js"`, `import"./x.js"`;
# a dynamic `import("./x.js")` is lazy and left out (the lookbehind skips the opening parenthesis).
STATIC_IMPORT = re.compile(r"(?:\bfrom|\bimport)\s*[\"'](\.{1,2}/[^\"']+)[\"']")


@cache
def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def local(base: Path, ref: str) -> Path | None:
    if re.match(r"^(?:[a-z]+:|//|#)", ref):
        return None
    return (base.parent / ref.split("?")[0].split("#")[0]).resolve()


def follow(path: Path, imports: re.Pattern, seen: set[Path]) -> None:
    """Add ``path`` and, transitively, the local files its ``imports`` name (@import, static imports) to ``seen``."""
    if path in seen or not path.exists():
        return
    seen.add(path)
    for ref in imports.findall(path.read_text(encoding="utf-8")):
        target = local(path, ref)
        if target:
            follow(target, imports, seen)


def page_files(page: Path) -> list[Path]:
    """The HTML, CSS and JS files a page loads on first render (fonts, icons and images aside)."""
    html = page.read_text(encoding="utf-8")
    css: set[Path] = set()
    js: set[Path] = set()
    for tag in STYLESHEET.findall(html):
        ref = HREF.search(tag)
        target = ref and local(page, ref.group(1))
        if target:
            follow(target, CSS_IMPORT, css)
    for tag in MODULE.findall(html):
        ref = HREF.search(tag)
        target = ref and local(page, ref.group(1))
        if target:
            follow(target, STATIC_IMPORT, js)
    return [page, *sorted(css), *sorted(js)]


def page_weight(page: Path) -> dict:
    files = page_files(page)
    parts = {"html": 0, "css": 0, "js": 0}
    for file in files:
        parts[{".css": "css", ".js": "js"}.get(file.suffix, "html")] += gzipped(file)
    return {"page": page.name, "total": sum(parts.values()), **parts,
            "files": {str(f.relative_to(DIST.resolve())): gzipped(f) for f in files}}


def weights(dist: Path = DIST) -> list[dict]:
    return [page_weight(page.resolve()) for page in sorted(dist.glob("*.html"))]


def main() -> None:
    if not DIST.is_dir():
        sys.exit("frontend/dist is missing: run `make frontend` (or `npm run build` in frontend/) first")
    rows = weights()
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=2))
        return
    print("first render, gzipped, fonts excluded (KB = 1000 bytes):")
    for row in rows:
        budget = BUDGET.get(row["page"])
        note = f"  (budget {budget / 1000:.0f} KB: {'ok' if row['total'] <= budget else 'OVER'})" if budget else ""
        print(f"  {row['page']:<28} {row['total'] / 1000:6.1f} KB  = html {row['html'] / 1000:4.1f}"
              f" + css {row['css'] / 1000:5.1f} + js {row['js'] / 1000:5.1f}{note}")


if __name__ == "__main__":
    main()
