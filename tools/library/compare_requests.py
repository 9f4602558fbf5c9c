#!/usr/bin/env python3
"""Compares the requests of declarative API actions with the Python SDK's: for each action an
imported module (`cargo sekoia import`) made an `impl ApiAction` of, runs the Python
`GenericAPIAction` class in-process and the Rust action through `cargo sekoia run`, both with
the same arguments and module configuration, against one local recorder, and compares what
reached it: method, path, query, body and the authentication headers.

    <venv>/bin/python tools/library/compare_requests.py <automation-library checkout> <imported modules dir>
        [--only MODULE ...] [--cargo-sekoia PATH] [--out results.md]

Run it with the Python of a virtualenv that has the SDK (`pip install
sekoia-automation-sdk==1.27.0`); `<imported modules dir>` holds one imported module a library
directory, under the same name (what `tools/library/measure.py --work DIR` leaves in
DIR/modules); set CARGO_TARGET_DIR to the one measure.py used, so that the modules are not built
again from scratch. The recorder answers every request `200 {"ok": true}`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[2]
# the headers that carry the authentication, or say what the body is
COMPARED_HEADERS = {"accept", "authorization", "content-type", "x-key", "x-auth-token",
                    "x-api-key", "api-key", "key"}
SECRETS = {"api_key": "k3y", "api_secret": "s3cret", "password": "p4ssword",
           "username": "user", "login": "user", "token": "t0ken"}


class Recorder(BaseHTTPRequestHandler):
    seen = []

    def _record(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        Recorder.seen.append({
            "method": self.command,
            "target": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
        })
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "12")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _record

    def log_message(self, *args):
        pass


def sample(name, schema):
    """A value for a property: one of its enum, else of its type."""
    if not isinstance(schema, dict):
        return f"v-{name}"
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None and schema.get("anyOf"):
        return sample(name, schema["anyOf"][0])
    if kind == "integer":
        return 7
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(name, schema.get("items", {}))]
    if kind == "object":
        properties = schema.get("properties") or {}
        return {k: sample(k, v) for k, v in properties.items()} or {"key": "value"}
    return f"v-{name}"


def arguments_of(manifest):
    properties = (manifest.get("arguments") or {}).get("properties") or {}
    return {name: sample(name, schema) for name, schema in properties.items()}


def configuration_of(module_manifest, url):
    configuration = module_manifest.get("configuration") or {}
    values = {name: sample(name, schema)
              for name, schema in (configuration.get("properties") or {}).items()}
    for name in set(configuration.get("secrets") or []) | set(values):
        if name in SECRETS:
            values[name] = SECRETS[name]
    for name in configuration.get("secrets") or []:
        values.setdefault(name, SECRETS.get(name, f"v-{name}"))
    values["base_url"] = url
    # the platform gives the Sekoia.io module its key whatever the manifest says
    values.setdefault("api_key", SECRETS["api_key"])
    return values


def registrations(module_dir):
    main = (module_dir / "main.py").read_text()
    pattern = r"module\.register\(\s*([A-Za-z_]\w*)\s*,\s*(?:name\s*=\s*)?[\"']([^\"']+)[\"']"
    imports = {}
    statements = re.findall(r"^from\s+([\w.]+)\s+import\s+\(([^)]*)\)", main, re.M)
    statements += re.findall(r"^from\s+([\w.]+)\s+import\s+([^(\n]+)$", main, re.M)
    for package, names in statements:
        for name in re.split(r"[,\s]+", names):
            if name and re.fullmatch(r"\w+", name):
                imports[name] = package
    return {docker: (cls, imports.get(cls)) for cls, docker in re.findall(pattern, main)}


def declarative(rust_dir):
    """The docker_parameters of the actions the import made declarative."""
    found = set()
    for path in rust_dir.glob("*_modules/src/*.rs"):
        text = path.read_text()
        if "impl ApiAction for" in text:
            m = re.search(r'docker_parameters = "([^"]+)"', text)
            name = re.search(r"pub struct (\w+);", text).group(1)
            found.add(m.group(1) if m else name)
    return found


def normal(record):
    """What is compared of a recorded request."""
    if record is None:
        return None
    target = urlsplit(record["target"])
    body = record["body"]
    try:
        body = json.loads(body) if body else None
    except ValueError:
        body = body.decode("utf-8", "replace")
    return {
        "method": record["method"],
        "path": target.path,
        "query": parse_qsl(target.query, keep_blank_values=True),
        "body": body,
        "headers": {k: v for k, v in record["headers"].items() if k in COMPARED_HEADERS},
    }


def run_python(module_dir, cls_name, import_path, configuration, arguments):
    from sekoia_automation.module import Module

    sys.path.insert(0, str(module_dir))
    try:
        module = __import__(import_path, fromlist=[cls_name])
    finally:
        sys.path.pop(0)
    cls = getattr(module, cls_name)
    sdk_module = Module()
    sdk_module._configuration = dict(configuration)
    action = cls(module=sdk_module, data_path=Path(tempfile.mkdtemp()))
    action.run(json.loads(json.dumps(arguments)))


def run_rust(cargo_sekoia, rust_dir, docker, configuration, arguments):
    result = subprocess.run(
        [cargo_sekoia, "sekoia", "run", str(rust_dir), docker,
         "--arguments", json.dumps(arguments),
         "--module-configuration", json.dumps(configuration), "--timeout", "60"],
        capture_output=True, text=True, timeout=900,
    )
    return result.returncode, result.stdout[-2000:] + result.stderr[-2000:]


def difference(python, rust):
    if python == rust:
        return None
    if python is None or rust is None:
        return f"python sent {'nothing' if python is None else 'a request'}, rust {'nothing' if rust is None else 'a request'}"
    return "; ".join(
        f"{key}: python {python[key]!r}, rust {rust[key]!r}"
        for key in python if python[key] != rust[key]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("imported", type=Path)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--cargo-sekoia", default=str(REPO / "target/debug/cargo-sekoia"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"

    rows, details = [], []
    modules = sorted(p for p in args.imported.iterdir() if p.is_dir())
    for rust_dir in modules:
        if args.only and rust_dir.name not in args.only:
            continue
        module_dir = args.library / rust_dir.name
        actions = declarative(rust_dir)
        if not actions:
            continue
        manifest = json.loads((module_dir / "manifest.json").read_text())
        configuration = configuration_of(manifest, url)
        registered = registrations(module_dir)
        equal = 0
        for path in sorted(module_dir.glob("action_*.json")):
            action = json.loads(path.read_text())
            docker = action.get("docker_parameters")
            if docker not in actions:
                continue
            arguments = arguments_of(action)
            cls_name, import_path = registered.get(docker, (None, None))
            Recorder.seen.clear()
            try:
                run_python(module_dir, cls_name, import_path, configuration, arguments)
                python_error = None
            except Exception as e:  # noqa: BLE001 - reported in the table
                python_error = f"{type(e).__name__}: {e}"
            python = normal(Recorder.seen[0]) if Recorder.seen else None
            Recorder.seen.clear()
            code, output = run_rust(args.cargo_sekoia, rust_dir, docker, configuration, arguments)
            rust = normal(Recorder.seen[0]) if Recorder.seen else None
            diff = difference(python, rust)
            if diff is None:
                equal += 1
            else:
                details.append(f"- {rust_dir.name} `{docker}`: {diff}"
                               + (f" (python: {python_error})" if python_error else "")
                               + ("" if rust else f" (rust exit {code}: {output.strip()[-300:]})"))
        rows.append((rust_dir.name, len(actions), equal))
        print(f"{rust_dir.name}: {equal} of {len(actions)} requests equal", flush=True)

    table = ["| module | declarative actions | requests equal to Python's |", "|---|---:|---:|"]
    table += [f"| {name} | {count} | {equal} |" for name, count, equal in rows]
    total = (sum(r[1] for r in rows), sum(r[2] for r in rows))
    table.append(f"| **all** | **{total[0]}** | **{total[1]}** |")
    report = "\n".join(table) + "\n\n" + ("Differences:\n\n" + "\n".join(details) + "\n" if details else "No difference.\n")
    print(report)
    if args.out:
        args.out.write_text(report)
    server.shutdown()


if __name__ == "__main__":
    main()
