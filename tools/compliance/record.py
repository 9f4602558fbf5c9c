#!/usr/bin/env python3
"""Runs Sekoia's own module checker (`_utils/compliance` of an automation-library checkout) on
every fixture of `cargo-sekoia/tests/fixtures/check/`, each laid out as the automation-library
lays out modules, and records what it prints and its exit status in
`cargo-sekoia/tests/fixtures/check/sekoia-checker.json`, which `cargo-sekoia/tests/check.rs`
compares with `cargo sekoia check --as-sekoia`.

    tools/compliance/record.py <automation-library checkout> <python> [<commit>]

<commit> is the checkout's commit, when it is not a git work tree. <python> is an interpreter with the checker's dependencies (python-dateutil, pillow 10,
jsonschema 4, numpy 1.26, pydantic 2, semver 3, pyastgrep 1.3), e.g. a virtualenv's. Nothing of
the checker is copied into this repository: it runs from a temporary directory.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "cargo-sekoia/tests/fixtures/check"


def main():
    library, python = Path(sys.argv[1]).resolve(), sys.argv[2]
    commit = sys.argv[3] if len(sys.argv) > 3 else subprocess.run(
        ["git", "-C", str(library), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    recorded = {"automation-library": commit, "fixtures": {}}
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as root:
            root = Path(root)
            shutil.copytree(library / "_utils", root / "_utils")
            if (fixture / "manifest.json").exists() or not any(
                (child / "manifest.json").exists() for child in fixture.iterdir() if child.is_dir()
            ):
                # one module, named after its fixture
                shutil.copytree(fixture, root / fixture.name, symlinks=True)
            else:
                # a directory of modules, with its .complianceignore
                for child in fixture.iterdir():
                    target = root / child.name
                    if child.is_dir():
                        shutil.copytree(child, target, symlinks=True)
                    else:
                        shutil.copy(child, target)
            done = subprocess.run(
                [python, "compliance", "check"], cwd=root / "_utils", capture_output=True, text=True
            )
            recorded["fixtures"][fixture.name] = {
                "status": done.returncode,
                "stdout": done.stdout,
                "crashed": done.returncode not in (0, 1) or "Traceback" in done.stderr,
            }
            print(f"{fixture.name}: {done.returncode}", file=sys.stderr)
    out = FIXTURES / "sekoia-checker.json"
    out.write_text(json.dumps(recorded, indent=2) + "\n")
    print(f"recorded in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
