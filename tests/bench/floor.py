"""The parse floor of the benchmark: the least any check must do. Reads every source file
of a manual and parses its YAML with PyYAML's C loader, and reads every CSV with the
fastest reader pandas offers (as checks.loading.data uses: a floor, not a straw man).

    python tests/bench/floor.py ROOT     # prints seconds, files and rows as JSON

Run as a script, it is also the floor of the whole `qms check` process: a Python that
starts, imports what it needs, reads everything and ends.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml


def parse_all(root: Path) -> dict[str, Any]:
    start = time.perf_counter()
    files = rows = 0
    for top in ("policy", "evidence"):
        for path in (root / top).rglob("*"):
            if path.suffix in (".md", ".yaml", ".yml"):
                yaml.load(front_matter(path), Loader=yaml.CSafeLoader)
                files += 1
            elif path.suffix == ".csv":
                rows += len(pd.read_csv(path, dtype=str, engine="pyarrow"))
    return {"seconds": time.perf_counter() - start, "files": files, "rows": rows}


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".md":
        return text
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---\n", 4)
    return text[4:end] if end >= 0 else ""


if __name__ == "__main__":
    print(json.dumps(parse_all(Path(sys.argv[1]))))
