"""CPU of each rule's `check` and of the notebook's known secrets, in-process, over folders of
notebooks (the path `audit_file` takes, `-j 1`, no cache). Run it from two source trees, one
after the other, to compare them (docs/benchmarks.md, sixth and seventh rounds):

    PYTHONPATH=TREE python benchmarks/rule_stages.py DIR [DIR ...]

Prints one JSON line: the whole audit's CPU, all rules', and the 12 largest parts.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from nbrefactor.audit import engine
from nbrefactor.audit import secrets
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.rules import all_rules
from nbrefactor.config import load_settings


def main() -> int:
    spent: dict[str, float] = defaultdict(float)
    for rule in all_rules():
        def timed(self, ctx, _check=rule.check, _code=rule.code):
            start = time.process_time()
            hits = list(_check(self, ctx))
            spent[_code] += time.process_time() - start
            return iter(hits)

        rule.check = timed
    known = secrets.notebook_secrets

    def timed_known(*args, **kwargs):
        start = time.process_time()
        found = known(*args, **kwargs)
        spent["notebook_secrets"] += time.process_time() - start
        return found

    secrets.notebook_secrets = timed_known  # engine imports it from the module at call time
    settings, catalog = load_settings(None), load_catalog()
    files = sorted(p for folder in sys.argv[1:] for p in Path(folder).rglob("*.ipynb"))
    start = time.process_time()
    for file in files:
        engine.audit_file(file, str(file), settings, catalog)
    total = time.process_time() - start
    rules = sum(v for k, v in spent.items() if k != "notebook_secrets")
    largest = sorted(spent.items(), key=lambda kv: -kv[1])[:12]
    print(json.dumps({"notebooks": len(files), "total": round(total, 3), "rules": round(rules, 3), **{k: round(v, 3) for k, v in largest}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
