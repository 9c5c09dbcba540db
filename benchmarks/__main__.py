"""Run every benchmark module's main() with its defaults: `python -m benchmarks [--only a,b]`.

Each benchmarks/<name>.py exposes `main(argv: list[str] | None = None) -> int` and prints its own
ratios; run one with its options as `python -m benchmarks.<name> --help`.
"""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated module names, e.g. enforcement_list")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if not info.name.startswith("_")
    )
    unknown = wanted - set(names)
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
    failures = 0
    for name in names:
        if wanted and name not in wanted:
            continue
        print(f"\n=== benchmarks.{name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        code = module.main([])
        failures += bool(code)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
