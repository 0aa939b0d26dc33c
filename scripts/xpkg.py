"""Count imports from one dps package into another package's internals (not public.py, not domain/).

`from dps.x import y` counts y as the module imported when dps/x/y(.py) exists. Top-level modules
dps/app.py, dps/cli.py count as their own "packages". Usage: python scripts/xpkg.py [-v] [dps]
"""

from __future__ import annotations

import ast
import collections
import pathlib
import sys

verbose = "-v" in sys.argv
args = [a for a in sys.argv[1:] if a != "-v"]
root = pathlib.Path(args[0] if args else "dps")
PKGS = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"core"}


def is_module(parts: list[str]) -> bool:
    p = root.joinpath(*parts[1:])
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


count: collections.Counter[str] = collections.Counter()
lines: list[str] = []
total = faces = tables = 0
for f in sorted(root.rglob("*.py")):
    rel = f.relative_to(root).parts
    src = rel[0].removesuffix(".py")
    for node in ast.walk(ast.parse(f.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dps."):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                targets.append(sub if is_module(sub.split(".")) else node.module)
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names if a.name.startswith("dps.")]
        for m in dict.fromkeys(targets):
            parts = m.split(".")
            if len(parts) < 2 or parts[1] not in PKGS or parts[1] == src:
                continue
            if len(parts) == 2 or parts[2] in ("public", "domain"):
                faces += 1  # the face, domain values, or the package's own __init__
                continue
            if parts[2] == "tables" and src not in ("app", "cli"):
                tables += 1  # read-side SQL models (foreign keys, joins): exempt by name in pyproject.toml
                continue
            total += 1
            count[f"{src} -> {'.'.join(parts[1:])}"] += 1
            lines.append(f"{f}:{node.lineno}: {m}")
print(f"cross-package imports into internals: {total}; through faces/domain: {faces}; of tables: {tables}")
for k, v in count.most_common():
    print(f"  {v:3d} {k}")
if verbose:
    print("\n".join(lines))
