#!/usr/bin/env python3
"""Imports every module of a local automation-library checkout with `cargo sekoia import`,
builds each (`cargo check`, which runs the build script that writes the manifests), compares
every manifest file with the original and writes the table of results.

    tools/library/measure.py <automation-library checkout> [--out results.md]
        [--work DIR] [--cargo-sekoia PATH] [--only MODULE ...] [--keep-builds] [--commit SHA]

It needs no network: the imported modules depend on this checkout of sekoia-rs and are built
offline, sharing CARGO_TARGET_DIR (or <work>/target). "Semantically equal" is equal as parsed
JSON, numbers compared by value (30 and 30.0 are equal, as in Python) but booleans never equal
to numbers; "byte-equal" is the same bytes.
"""

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KINDS = ("action_", "trigger_", "connector_")


def same(a, b):
    """Equal as parsed JSON: numbers by value, booleans apart from numbers, key order ignored."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def first_difference(a, b, path=""):
    """The JSON path of the first difference, and what differs there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key not in b:
                return path + "/" + key, "missing"
        for key in b:
            if key not in a:
                return path + "/" + key, "extra"
        for key in a:
            if not same(a[key], b[key]):
                return first_difference(a[key], b[key], path + "/" + key)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if not same(x, y):
                return first_difference(x, y, f"{path}/{i}")
    return path or "/", "value"


def cause_of(original, ours):
    """A difference, grouped: the last keyword of its path and how it differs."""
    path, how = first_difference(original, ours)
    keyword = path.rsplit("/", 1)[-1]
    if re.fullmatch(r"\d+", keyword):
        keyword = path.rsplit("/", 2)[-2] + "[]"
    if keyword not in (
        "title", "description", "default", "required", "type", "format", "secrets", "$schema",
        "anyOf", "enum", "items", "properties", "additionalProperties", "in", "example",
        "nullable", "x-nullable", "categories", "version", "results", "arguments", "uuid",
        "slug", "name", "docker_parameters", "minimum", "maximum",
    ):
        keyword = "a property" if how != "value" else keyword
    return f"`{keyword}` {how}", path


def component_files(module_dir):
    return sorted(
        p.name for p in module_dir.iterdir()
        if p.is_file() and p.name.endswith(".json") and p.name.startswith(KINDS)
    )


def run(command, cwd, env, timeout=1800):
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return done, time.monotonic() - started


def first_error(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("error")]
    return (lines[0] if lines else stderr.strip().splitlines()[-1] if stderr.strip() else "?")[:160]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="a local automation-library checkout")
    parser.add_argument("--out", type=Path, default=REPO / "tools/library/results.md")
    parser.add_argument("--work", type=Path, default=Path("target/library"))
    parser.add_argument("--cargo-sekoia", type=Path, help="the cargo-sekoia binary (default: built here)")
    parser.add_argument("--only", nargs="*", help="these module directories only")
    parser.add_argument("--keep-builds", action="store_true", help="keep each module's build artifacts")
    parser.add_argument("--commit", help="the checkout's commit, when it is not a git work tree")
    args = parser.parse_args()

    library = args.library.resolve()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(work / "target"))
    cargo = env.get("CARGO", "cargo")
    if args.cargo_sekoia:
        cargo_sekoia = args.cargo_sekoia.resolve()
    else:
        subprocess.run([cargo, "build", "--quiet", "-p", "cargo-sekoia"], cwd=REPO, env=env, check=True)
        cargo_sekoia = Path(env["CARGO_TARGET_DIR"]) / "debug" / "cargo-sekoia"
    commit = args.commit or subprocess.run(
        ["git", "-C", str(library), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip() or "(not a git checkout)"

    modules = sorted(
        d for d in library.iterdir()
        if d.is_dir() and not d.name.startswith(("_", ".")) and d.name != "docs"
        and (d / "manifest.json").exists()
    )
    if args.only:
        modules = [d for d in modules if d.name in args.only]

    rows = []  # one per module
    files = []  # (module, file, status, cause, path)
    escapes = collections.Counter()
    escape_lines = []
    for module in modules:
        components = component_files(module)
        row = {"module": module.name, "files": 1 + len(components), "status": "", "seconds": 0}
        rows.append(row)
        if not components:
            row["status"] = "catalogue entry (no code)"
            continue
        out = work / "modules" / module.name.replace(" ", "_")
        if out.exists():
            shutil.rmtree(out)
        done, _ = run([str(cargo_sekoia), "sekoia", "import", str(module), "--out", str(out), "--no-lock", "--path-dependencies"], REPO, env=env)
        if done.returncode != 0:
            row["status"] = "import refused: " + first_error(done.stderr)
            for name in ["manifest.json"] + components:
                files.append((module.name, name, "not imported", row["status"], ""))
            continue
        section = None
        for line in done.stdout.splitlines():
            if not line.startswith("  "):
                section = line
                continue
            if section and section.startswith("Schemas kept as written"):
                reason = line.split(": ", 2)[-1]
                reason = re.sub(r"^property `[^`]*` kept as written: ", "", reason)
                reason = re.sub(r"^\w+ kept as written: ", "", reason)
                escapes[reason] += 1
                escape_lines.append(f"{module.name}: {line.strip()}")
        done, seconds = run([cargo, "check", "--offline", "--quiet"], out, env=env)
        row["seconds"] = round(seconds)
        built = done.returncode == 0
        row["status"] = "built" if built else "build failed: " + first_error(done.stderr)
        for name in ["manifest.json"] + components:
            original_bytes = (module / name).read_bytes()
            ours_path = out / name
            if not built:
                files.append((module.name, name, "not built", row["status"], ""))
                continue
            if not ours_path.exists():
                files.append((module.name, name, "not written", "no registration writes it", ""))
                continue
            ours_bytes = ours_path.read_bytes()
            original = json.loads(original_bytes)
            ours = json.loads(ours_bytes)
            if ours_bytes == original_bytes:
                files.append((module.name, name, "byte-equal", "", ""))
            elif same(original, ours):
                files.append((module.name, name, "equal", "", ""))
            else:
                cause, path = cause_of(original, ours)
                files.append((module.name, name, "different", cause, path))
        if not args.keep_builds:
            # the module's own packages only: sekoia-rs's stay built for the next module
            packages = re.findall(r'^name = "([^"]+)"', (out / "Cargo.toml").read_text(), re.M)
            packages += [p.name for p in out.iterdir() if p.name.endswith("_modules")]
            clean = [cargo, "clean", "--quiet", "--offline"]
            for package in packages:
                clean += ["-p", package]
            subprocess.run(clean, cwd=out, env=env, capture_output=True)
        print(f"{module.name}: {row['status']} ({row['seconds']} s)", file=sys.stderr)

    write_table(args.out, library, commit, rows, files, escapes, escape_lines)


NOTE = """## Why the others differ

- **`title` missing** in `Fortigate/manifest.json`: that manifest has a stray top-level
  `"title"` and `"type"` beside its fields, which `#[module]` has no argument for.

Every escape hatch (`raw = "..."`) keeps a schema no type describes: an asset connector's
`internal` list, `$ref` and `definitions` as pydantic 1 wrote them (broken
`#/components/schemas/...` refs among them), typos and malformed schemas (`descrption`,
`$schema~`, properties listed without `properties`, `name`/`expanded` keywords, `_id` in
`items`), `readonly`/`readOnly`/`minContains`, a nested object with empty `properties`.
"""


def write_table(out, library, commit, rows, files, escapes, escape_lines):
    code_rows = [r for r in rows if r["status"] != "catalogue entry (no code)"]
    status = collections.Counter(f[2] for f in files)
    component = [f for f in files if f[1] != "manifest.json"]
    component_status = collections.Counter(f[2] for f in component)
    equal = status["equal"] + status["byte-equal"]
    component_equal = component_status["equal"] + component_status["byte-equal"]
    modules_equal = sum(
        1 for r in code_rows
        if all(f[2] in ("equal", "byte-equal") for f in files if f[0] == r["module"])
    )
    pct = lambda n, d: f"{100 * n / d:.1f} %" if d else "-"
    lines = [
        "# The automation-library through `cargo sekoia import`",
        "",
        f"Written by `tools/library/measure.py` on {datetime.date.today()}, from the automation-library at",
        f"commit `{commit}`. Each module with code was imported with `cargo sekoia import`, built with",
        "`cargo check` (its build script writes the manifests) and each of its manifest files compared",
        "with the original: *equal* as parsed JSON (numbers by value, key order ignored), *byte-equal*",
        "as bytes. No file is byte-equal: the manifests are written with pydantic's key order and",
        "`json.dumps(indent=2)` bytes, which hand-written files rarely have (42 top-level key orders,",
        "180 property orders, trailing newlines, compact lists); the goal is the parsed JSON.",
        "",
        "| | modules | files | semantically equal | byte-equal |",
        "|---|---|---|---|---|",
        f"| with code (imported) | {len(code_rows)} | {len(files)} | {equal} ({pct(equal, len(files))}) | {status['byte-equal']} |",
        f"| of which component files | | {len(component)} | {component_equal} ({pct(component_equal, len(component))}) | {component_status['byte-equal']} |",
        f"| modules whose every file is equal | {modules_equal} | | | |",
        f"| catalogue entries (manifest only, no code: nothing to import) | {len(rows) - len(code_rows)} | {len(rows) - len(code_rows)} | | |",
        "",
        "## Files not equal, by cause",
        "",
        "| cause | files | modules | example |",
        "|---|---|---|---|",
    ]
    causes = collections.defaultdict(list)
    for module, name, state, cause, path in files:
        if state not in ("equal", "byte-equal"):
            causes[(state, cause)].append((module, name, path))
    for (state, cause), where in sorted(causes.items(), key=lambda c: -len(c[1])):
        module, name, path = where[0]
        label = state if not cause or state == cause else f"{state}: {cause}"
        example = f"{module}/{name}" + (f" `{path}`" if path else "")
        lines.append(f"| {label} | {len(where)} | {len({w[0] for w in where})} | {example} |")
    if not causes:
        lines.append("| (none) | 0 | 0 | |")
    lines += ["", *NOTE.rstrip("\n").split("\n")]
    lines += [
        "",
        "## Escape hatches",
        "",
        f"Schemas the importer kept as written (`#[sekoia(raw = \"...\")]`): {sum(escapes.values())}, by reason:",
        "",
        "| reason | uses |",
        "|---|---|",
    ]
    for reason, n in escapes.most_common():
        lines.append(f"| {reason} | {n} |")
    lines += ["", "## Modules", "", "| module | files | build | equal |", "|---|---|---|---|"]
    for row in rows:
        mine = [f for f in files if f[0] == row["module"]]
        ok = sum(1 for f in mine if f[2] in ("equal", "byte-equal"))
        lines.append(f"| {row['module']} | {row['files']} | {row['status']} | {ok}/{len(mine)} |")
    lines += ["", "## Every escape hatch", ""] + [f"- {l}" for l in escape_lines]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"{equal}/{len(files)} files equal, {component_equal}/{len(component)} component files; table in {out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
