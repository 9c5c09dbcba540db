"""Check the system libraries that pip cannot install, and say exactly how to get them."""

import ctypes.util
import shutil
import sys

# weasyprint loads Pango through cffi at import time.
REQUIRED = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0"}
# Only needed for the browser tests and PDF page images; their absence is reported, not fatal.
OPTIONAL = {"chromium": "chromium", "pdftoppm": "poppler-utils"}


def main() -> int:
    missing = [package for lib, package in REQUIRED.items() if ctypes.util.find_library(lib) is None]
    if missing:
        print("weasyprint needs system libraries that are not installed. Install them with:", file=sys.stderr)
        print(f"  sudo apt-get install -y {' '.join(missing)}", file=sys.stderr)
        return 1
    optional = [package for command, package in OPTIONAL.items() if shutil.which(command) is None]
    if optional:
        missing = " ".join(optional)
        print(f"note: browser tests and PDF page images are skipped without: sudo apt-get install -y {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
