"""The benchmark driver: runs the same work on the Python sekoia-automation-sdk and on sekoia-rs,
against one standalone sekoia-emulator process, and writes a markdown report.

Started by `bench/run`, which builds the binaries and the virtualenv first. Each module process
is started through the `rusage` launcher of the bench crate, which reports its wall time, CPU
time (user + sys) and peak RSS from getrusage(2); RSS at rest comes from /proc/<pid>/status.
Only loopback is used.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET = Path(os.environ.get("BENCH_TARGET_DIR", BENCH / "target"))
RELEASE = TARGET / "release"
RUST_MODULE = BENCH / "rust_module"
PY_MODULE = BENCH / "python_module"
VENV = BENCH / ".venv"
VENV_PY = VENV / "bin" / "python"
SDK_DIST = "sekoia-automation-sdk"
SECRETS = {"api_key": "s3cr3t"}
EVENT_SIZE = 350
TOUCHED = RUST_MODULE / "bench_modules" / "src" / "noop.rs"

# Goals of the issue: Python/Rust ratios that should be reached.
GOALS = {
    "cold_wall": 50.0,
    "push_cpu": 20.0,
    "pull_cpu": 20.0,
    "rss": 10.0,
    "ceiling_pct": 80.0,
    # Rust's regeneration at most Python's time: a ratio Python / Rust of at least 1
    "manifests": 1.0,
}
# the push's own CPU budget, seconds per million events
PUSH_CPU_MAX_S = 0.25

# The pull scenario: the emulator's vendor API holds the events (made on the fly from their
# index), behind OAuth2 client credentials; both connectors ask for pages of this size.
PULL_PAGE_SIZE = 1000
VENDOR_CLIENT = ("bench", "vendor-s3cr3t")


# --------------------------------------------------------------------------------------------
# measurements


@dataclass
class Series:
    """Repeated measurements of one quantity."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def min(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def max(self) -> float:
        return max(self.values) if self.values else float("nan")


@dataclass
class Finished:
    """A module process that ended, with what the launcher measured."""

    code: int
    wall: float
    cpu: float
    maxrss_kb: int
    stderr: str
    sys: float = 0.0


class Child:
    """A module process, started through the `rusage` launcher (see its source for why), which
    reports the module's own wall time, CPU time and peak RSS."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, name: str):
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.started = time.perf_counter()
        self.launcher = subprocess.Popen(
            [str(RELEASE / "rusage"), *argv],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._pid: int | None = None

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    @property
    def pid(self) -> int:
        """The module process (not the launcher)."""
        deadline = time.perf_counter() + 10
        while self._pid is None:
            if match := re.search(r"^BENCH_PID=(\d+)$", self.output(), re.M):
                self._pid = int(match[1])
            elif time.perf_counter() > deadline or self.launcher.poll() is not None:
                raise RuntimeError(f"the module did not start:\n{self.output()}")
            else:
                time.sleep(0.001)
        return self._pid

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def wait(self, timeout: float) -> Finished:
        """Waits for the exit (SIGKILL after `timeout`), then reads what the launcher reports."""
        try:
            self.launcher.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.launcher.wait()
        out = self.output()
        os.unlink(self.log.name)
        match = re.search(r"^BENCH_RUSAGE (.*)$", out, re.M)
        if not match:
            raise RuntimeError(f"the launcher reported nothing:\n{out}")
        usage = dict(word.split("=", 1) for word in match[1].split())
        return Finished(
            code=int(usage["exit"]),
            wall=float(usage["wall_s"]),
            cpu=float(usage["user_s"]) + float(usage["sys_s"]),
            maxrss_kb=int(usage["maxrss_kb"]),
            stderr=out,
            sys=float(usage["sys_s"]),
        )

    def stop(self, timeout: float = 30) -> Finished:
        self.signal(signal.SIGTERM)
        return self.wait(timeout)


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def proc_status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


class EmulatorProcess:
    """The standalone sekoia-emulator, driven through its stdin commands."""

    def __init__(self, vendor_events: int = 0):
        self.proc = subprocess.Popen(
            [str(RELEASE / "sekoia-emulator"), "--keep-events", "false", "--secrets", json.dumps(SECRETS),
             "--vendor-events", str(vendor_events), "--vendor-credentials", ":".join(VENDOR_CLIENT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator did not print its URL: {self.url!r}")

    def command(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stats(self, line: str | None = None) -> dict[str, str]:
        return dict(word.split("=", 1) for word in (line or self.command("stats")).split() if "=" in word)

    def clear(self) -> None:
        assert self.command("clear") == "cleared"

    def wait_events(self, count: int, timeout: float) -> dict[str, str]:
        return self.stats(self.command(f"wait {count} {timeout}"))

    def cpu(self) -> float:
        return proc_cpu_seconds(self.proc.pid)

    def close(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        final = self.proc.stdout.readline().strip()
        self.proc.stdin.close()
        self.proc.wait(10)
        return final


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def module_env(emulator: EmulatorProcess, scratch: Path, **values: object) -> dict[str, str]:
    """The platform's configuration, as environment variables (both SDKs read them)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        # the Rust runtime reads files under these roots first; both are empty
        "SEKOIA_CONFIG_ROOT": str(scratch / "config"),
        "SEKOIA_DATA_ROOT": str(scratch / "data"),
        "TOKEN": "tok",
        "URL_CALLBACK": f"{emulator.url}/callback",
        "INTAKE_URL": emulator.url,
        "MODULE_CONFIGURATION": json.dumps({"api_key": ""}),
    }
    for name, value in values.items():
        env[name.upper()] = value if isinstance(value, str) else json.dumps(value)
    return env


RUST_BIN = RELEASE / "bench"


def command(side: str, component: str) -> tuple[list[str], Path]:
    if side == "rust":
        return [str(RUST_BIN), component], RUST_MODULE
    return [str(VENV_PY), "main.py", component], PY_MODULE


SIDES = ("python", "rust")


# --------------------------------------------------------------------------------------------
# scenarios


def cold_start(emulator: EmulatorProcess, scratch: Path, runs: dict[str, int]) -> dict:
    """The Noop action: process start to exit, two PATCH /callback on the way."""
    result = {}
    for side in SIDES:
        wall, rss, cpu = Series(), Series(), Series()
        for index in range(runs[side] + 1):  # run 0 warms the page cache and is not counted
            emulator.clear()
            argv, cwd = command(side, "Noop")
            env = module_env(emulator, scratch, arguments={"value": "x"})
            finished = Child(argv, env, cwd, f"noop-{side}").wait(60)
            stats = emulator.stats()
            if finished.code != 0 or stats["requests"] != "2":
                raise RuntimeError(f"{side} Noop failed (exit {finished.code}, {stats}):\n{finished.stderr}")
            if index == 0:
                continue
            wall.add(finished.wall)
            rss.add(finished.maxrss_kb / 1024)
            cpu.add(finished.cpu)
        result[side] = {"wall_s": wall, "peak_rss_mb": rss, "cpu_s": cpu}
    return result


PUSHED = re.compile(r"pushed (\d+) events in ([0-9.]+) s")


def push_once(emulator: EmulatorProcess, scratch: Path, side: str, events: int) -> dict:
    emulator.clear()
    argv, cwd = command(side, "Flood")
    configuration = {"intake_key": "bench", "intake_server": emulator.url, "count": events, "size": EVENT_SIZE}
    env = module_env(
        emulator,
        scratch,
        connector_configuration=configuration,
        liveness_port=str(free_port()),
        metrics_port=str(free_port()),
    )
    emulator_cpu = emulator.cpu()
    child = Child(argv, env, cwd, f"flood-{side}")
    deadline = time.perf_counter() + 300
    while True:
        stats = emulator.wait_events(events, 0.5)
        if stats.get("reached") == "true" or child.launcher.poll() is not None or time.perf_counter() > deadline:
            break
    done = time.perf_counter() - child.started  # includes the launcher's own start, well under 1 ms
    emulator_cpu = emulator.cpu() - emulator_cpu
    deadline = time.perf_counter() + 30
    while not PUSHED.search(child.output()) and time.perf_counter() < deadline:
        time.sleep(0.01)
    finished = child.stop()
    match = PUSHED.search(finished.stderr)
    if stats.get("reached") != "true" or int(stats["events"]) != events or not match or int(match[1]) != events:
        raise RuntimeError(f"{side} Flood did not push {events} events ({stats}):\n{finished.stderr[-3000:]}")
    push_s = float(match[2])
    return {
        "push_s": push_s,
        "e2e_s": done,
        "events_per_s": events / push_s,
        "mb_per_s": int(stats["batch_bytes"]) / push_s / 1e6,
        "cpu_per_m_s": finished.cpu * 1e6 / events,
        "sys_per_m_s": finished.sys * 1e6 / events,
        "peak_rss_mb": finished.maxrss_kb / 1024,
        "emulator_cpu_per_m_s": emulator_cpu * 1e6 / events,
        "batches": int(stats["batches"]),
        "batch_bytes": int(stats["batch_bytes"]),
    }


def per_side(once, runs: dict[str, int]) -> dict:
    """`once(side)` run `runs[side]` times on each side, its figures gathered into series."""
    result = {}
    for side in SIDES:
        series: dict[str, Series] = {}
        for _ in range(runs[side]):
            for key, value in once(side).items():
                series.setdefault(key, Series()).add(value)
        result[side] = series
    return result


def push(emulator: EmulatorProcess, scratch: Path, runs: dict[str, int], events: int) -> dict:
    return per_side(lambda side: push_once(emulator, scratch, side, events), runs)


PULLED = re.compile(r"pulled (\d+) events in ([0-9.]+) s")


def pull_once(emulator: EmulatorProcess, scratch: Path, side: str, events: int) -> dict:
    """The Pull connector: a token, then pages of the emulator's vendor API until its last one,
    each page mapped, pushed and checkpointed. Timed by the emulator, from the first vendor
    request to the last batch accepted."""
    emulator.clear()
    # a fresh data directory: no checkpoint left by the run before
    data = scratch / f"pull-{side}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    # the Python SDK's data directory is /symphony_data; its `sub_folder`, joined to it with
    # pathlib, moves it to an absolute path (the Rust runtime reads SEKOIA_DATA_ROOT, and
    # refuses a sub_folder that leaves it)
    where = {"sub_folder": str(data)} if side == "python" else {"sekoia_data_root": str(data)}
    argv, cwd = command(side, "Pull")
    configuration = {
        "intake_key": "bench", "intake_server": emulator.url, "base_url": f"{emulator.url}/vendor",
        "client_id": VENDOR_CLIENT[0], "client_secret": VENDOR_CLIENT[1], "page_size": PULL_PAGE_SIZE,
    }
    env = module_env(emulator, scratch, connector_configuration=configuration,
                     liveness_port=str(free_port()), metrics_port=str(free_port()), **where)
    emulator_cpu = emulator.cpu()
    child = Child(argv, env, cwd, f"pull-{side}")
    deadline = time.perf_counter() + 600
    while True:
        stats = emulator.wait_events(events, 0.5)
        if stats.get("reached") == "true" or child.launcher.poll() is not None or time.perf_counter() > deadline:
            break
    done = time.perf_counter() - child.started
    emulator_cpu = emulator.cpu() - emulator_cpu
    deadline = time.perf_counter() + 30
    while not PULLED.search(child.output()) and time.perf_counter() < deadline:
        time.sleep(0.01)
    finished = child.stop()
    match = PULLED.search(finished.stderr)
    if (stats.get("reached") != "true" or int(stats["events"]) != events or int(stats["vendor_events"]) != events
            or not match or int(match[1]) != events):
        raise RuntimeError(f"{side} Pull did not pull and push {events} events once each ({stats}):\n"
                           f"{finished.stderr[-3000:]}")
    if events > PULL_PAGE_SIZE:  # the cursor of the last page (the API gives none after it)
        expected = {"cursor": f"c{(events - 1) // PULL_PAGE_SIZE * PULL_PAGE_SIZE}"}
        saved = json.loads((data / "context.json").read_text())
        if saved != expected:
            raise RuntimeError(f"{side} Pull checkpointed {saved}, not {expected}")
    span = float(stats["pull_span_ms"]) / 1000
    return {
        "events_per_s": events / span,
        "pull_span_s": span,
        "logged_s": float(match[2]),
        "e2e_s": done,
        "cpu_per_m_s": finished.cpu * 1e6 / events,
        "peak_rss_mb": finished.maxrss_kb / 1024,
        "emulator_cpu_per_m_s": emulator_cpu * 1e6 / events,
        "vendor_requests": int(stats["vendor_requests"]),
        "batches": int(stats["batches"]),
        "batch_bytes": int(stats["batch_bytes"]),
    }


def pull(emulator: EmulatorProcess, scratch: Path, runs: dict[str, int], events: int) -> dict:
    return per_side(lambda side: pull_once(emulator, scratch, side, events), runs)


CEILING = re.compile(r"(\w+)=([0-9.]+)")


def ceiling(emulator: EmulatorProcess, runs: int, events: int, connections: int) -> dict[str, Series]:
    series: dict[str, Series] = {}
    for _ in range(runs):
        emulator.clear()
        cpu = emulator.cpu()
        out = subprocess.run(
            [str(RELEASE / "ceiling"), emulator.url, "--events", str(events), "--size", str(EVENT_SIZE),
             "--connections", str(connections)],
            capture_output=True, text=True, check=True, timeout=300,
        ).stdout
        cpu = emulator.cpu() - cpu
        values = {k: float(v) for k, v in CEILING.findall(out)}
        if int(emulator.stats()["events"]) != events:
            raise RuntimeError(f"the ceiling client's events were not all accepted: {out}")
        values["emulator_cpu_per_m_s"] = cpu * 1e6 / events
        values["mb_per_s"] = values.pop("body_mb_per_s")
        for key, value in values.items():
            series.setdefault(key, Series()).add(value)
    return series


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def at_rest(emulator: EmulatorProcess, scratch: Path, runs: int, rest_s: float) -> dict:
    """Both idle triggers side by side: RSS and CPU after `rest_s` seconds, health and metrics up."""
    result = {side: {"rss_mb": Series(), "anon_mb": Series(), "cpu_ms": Series()} for side in SIDES}
    for _ in range(runs):
        emulator.clear()
        children = {}
        for side in SIDES:
            argv, cwd = command(side, "Idle")
            ports = (free_port(), free_port())
            env = module_env(emulator, scratch, trigger_configuration={"interval": 1},
                             liveness_port=str(ports[0]), metrics_port=str(ports[1]))
            children[side] = (Child(argv, env, cwd, f"idle-{side}"), ports)
        time.sleep(rest_s)
        for side, (child, (liveness, metrics)) in children.items():
            health, prom = get(f"http://127.0.0.1:{liveness}/health"), get(f"http://127.0.0.1:{metrics}/metrics")
            rss = proc_status_kb(child.pid, "VmRSS") / 1024
            cpu = proc_cpu_seconds(child.pid) * 1000
            if health != 200 or prom != 200:
                finished = child.stop()
                raise RuntimeError(f"{side} Idle: /health {health}, /metrics {prom}:\n{finished.stderr[-3000:]}")
            result[side]["rss_mb"].add(rss)
            result[side]["anon_mb"].add(proc_status_kb(child.pid, "RssAnon") / 1024)
            result[side]["cpu_ms"].add(cpu)
        for side, (child, _) in children.items():
            finished = child.stop()
            if finished.code != 0:
                raise RuntimeError(f"{side} Idle exited {finished.code}:\n{finished.stderr[-3000:]}")
    return result


def trigger_rate(emulator: EmulatorProcess, scratch: Path, runs: int, events: int) -> dict:
    """The Burst trigger: `events` events, each sent once the callback took the one before. The
    rate is measured by the emulator, from the first event's arrival to the last's; CPU from
    the trigger's process alone."""
    result = {}
    for side in SIDES:
        series = {"events_per_s": Series(), "cpu_per_k_ms": Series(), "wall_per_event_ms": Series()}
        for _ in range(runs):
            emulator.clear()
            argv, cwd = command(side, "Burst")
            env = module_env(emulator, scratch, trigger_configuration={"events": events},
                             liveness_port=str(free_port()), metrics_port=str(free_port()))
            child = Child(argv, env, cwd, f"burst-{side}")
            deadline = time.perf_counter() + 600
            stats = emulator.stats()
            while int(stats["trigger_events"]) < events and time.perf_counter() < deadline:
                if child.launcher.poll() is not None:
                    break
                time.sleep(0.1)
                stats = emulator.stats()
            cpu = proc_cpu_seconds(child.pid)
            finished = child.stop()
            if int(stats["trigger_events"]) < events:
                raise RuntimeError(f"{side} Burst sent {stats['trigger_events']} of {events} events:\n{finished.stderr[-3000:]}")
            span = float(stats["trigger_span_ms"]) / 1000
            series["events_per_s"].add((events - 1) / span)
            series["cpu_per_k_ms"].add(cpu * 1e6 / events)
            series["wall_per_event_ms"].add(span * 1000 / (events - 1))
        result[side] = series
    return result


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def manifests(runs: int, profiles: list[str]) -> dict:
    """Rust: `cargo check` (the build script writes the manifests; nothing is linked but the build
    script) and `cargo build` (the manifests and the binary), each after touching one component
    file. Python: generate-files-from-code."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    result: dict[str, dict[str, Series]] = {"rust": {}, "python": {"wall_s": Series()}}
    for profile in profiles:
        for command in ("check", "build"):
            argv = ["cargo", command, "-q", "-p", "bench"] + (["--bin", "bench"] if command == "build" else []) \
                + (["--release"] if profile == "release" else [])
            timed(argv, ROOT, env)  # up to date before the clock starts
            series = result["rust"].setdefault(f"{profile} {command}", Series())
            for _ in range(runs):
                TOUCHED.touch()
                series.add(timed(argv, ROOT, env))
    generator = str(VENV / "bin" / "sekoia-automation")
    with tempfile.TemporaryDirectory(prefix="bench-pygen-") as scratch:
        for index in range(runs + 1):
            copy = Path(scratch) / f"module{index}"
            shutil.copytree(PY_MODULE, copy, ignore=shutil.ignore_patterns("__pycache__"))
            wall = timed([generator, "generate-files-from-code", str(copy)], copy)
            generated = json.loads((copy / "action_noop.json").read_text())
            if generated["docker_parameters"] != "Noop":
                raise RuntimeError("generate-files-from-code wrote an unexpected action_noop.json")
            if index > 0:  # run 0 warms the page cache
                result["python"]["wall_s"].add(wall)
    return result


def sdk_closure_bytes() -> tuple[int, int, list[str]]:
    """Bytes on disk of sekoia-automation-sdk and every distribution it requires, transitively
    (what the module needs), and of the whole site-packages (which also holds the plotting
    libraries of this bench)."""
    seen: dict[str, md.Distribution] = {}
    todo = [SDK_DIST]
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[name] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            todo.append(requirement)
    total = 0
    for dist in seen.values():
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    site = Path(md.distribution(SDK_DIST).locate_file(""))
    everything = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.is_symlink())
    return total, everything, sorted(seen)


def footprint() -> dict:
    binary = RELEASE / "bench"
    with tempfile.TemporaryDirectory() as scratch:
        stripped = Path(scratch) / "bench"
        shutil.copy(binary, stripped)
        subprocess.run(["strip", str(stripped)], check=True)
        stripped_size = stripped.stat().st_size
    closure, site, names = sdk_closure_bytes()
    return {
        "rust_binary": binary.stat().st_size,
        "rust_stripped": stripped_size,
        "python_closure": closure,
        "python_site_packages": site,
        "python_distributions": names,
    }


# --------------------------------------------------------------------------------------------
# the report


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def wait_for_quiet(threshold: float, limit_s: float) -> tuple[float, float, float]:
    deadline = time.monotonic() + limit_s
    while True:
        load = loadavg()
        if load[0] < threshold or time.monotonic() > deadline:
            return load
        print(f"  load {load[0]:.2f} >= {threshold}: waiting (up to {deadline - time.monotonic():.0f} s more)", flush=True)
        time.sleep(15)


def fmt(series: Series, digits: int = 2, scale: float = 1.0) -> str:
    def one(value: float) -> str:
        value *= scale
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"

    if len(series.values) == 1:
        return one(series.median)
    return f"{one(series.median)} ({one(series.min)}–{one(series.max)})"


def ratio(python: float, rust: float) -> float:
    return python / rust if rust else float("inf")


def verdict(value: float, goal: float) -> str:
    return f"{'yes' if value >= goal else '**no**'} (goal ≥{goal:g}x)"


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def environment_lines(args, load_start, load_waited) -> list[str]:
    sdk = md.version(SDK_DIST)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    # tracked files only: the report's own files are not written yet, its plot is
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = proc_meminfo_gib()
    return [
        f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}",
        f"- load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}"
        + (f" (after waiting for the 1-minute load to fall below {args.max_load}: {load_waited[0]:.2f})" if load_waited != load_start else ""),
        f"- Python {platform.python_version()}, {SDK_DIST} {sdk} (bench/.venv)",
        f"- {rustc}, release profile of the workspace; sekoia-rs at {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- events: {args.events:,} of about {EVENT_SIZE} bytes; pull: {args.pull_events:,} vendor events in pages of "
        f"{PULL_PAGE_SIZE:,}; runs: {args.runs_summary}",
    ]


def proc_meminfo_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def report(args, results: dict, env_lines: list[str], plot_name: str | None) -> str:
    cold, pushes, ceil, rest, gen, foot = (results[k] for k in ("cold", "push", "ceiling", "rest", "manifests", "footprint"))
    rows = []
    misses = []

    def row(scenario, metric, python, rust, r, goal):
        rows.append(f"| {scenario} | {metric} | {python} | {rust} | {r} | {goal} |")

    def check(name: str, value: float, goal: float) -> str:
        if value < goal:
            misses.append(name)
        return verdict(value, goal)

    c = cold
    r = ratio(c["python"]["wall_s"].median, c["rust"]["wall_s"].median)
    row("no-op action, cold start", "wall, start to exit (ms)", fmt(c["python"]["wall_s"], 0, 1000), fmt(c["rust"]["wall_s"], 1, 1000),
        f"{r:.0f}x", check("cold start wall", r, GOALS["cold_wall"]))
    r = ratio(c["python"]["peak_rss_mb"].median, c["rust"]["peak_rss_mb"].median)
    row("", "peak RSS (MB)", fmt(c["python"]["peak_rss_mb"], 1), fmt(c["rust"]["peak_rss_mb"], 1), f"{r:.1f}x",
        check("cold start RSS", r, GOALS["rss"]))
    r = ratio(c["python"]["cpu_s"].median, c["rust"]["cpu_s"].median)
    row("", "CPU user+sys (ms)", fmt(c["python"]["cpu_s"], 0, 1000), fmt(c["rust"]["cpu_s"], 1, 1000), f"{r:.0f}x", "")

    p = pushes
    n = f"{args.events / 1e6:g}M"
    r = ratio(p["rust"]["events_per_s"].median, p["python"]["events_per_s"].median)
    row(f"connector push, {n} events", "events/s (push call)", fmt(p["python"]["events_per_s"], 0), fmt(p["rust"]["events_per_s"], 0),
        f"Rust {r:.1f}x faster", "")
    row("", "MB/s on the wire (push call)", fmt(p["python"]["mb_per_s"], 0), fmt(p["rust"]["mb_per_s"], 0), "", "")
    r = ratio(p["python"]["e2e_s"].median, p["rust"]["e2e_s"].median)
    row("", "wall, process start to last event accepted (s)", fmt(p["python"]["e2e_s"]), fmt(p["rust"]["e2e_s"]), f"{r:.1f}x", "")
    r = ratio(p["python"]["cpu_per_m_s"].median, p["rust"]["cpu_per_m_s"].median)
    row("", "connector CPU user+sys per million events (s)", fmt(p["python"]["cpu_per_m_s"]), fmt(p["rust"]["cpu_per_m_s"], 3),
        f"{r:.1f}x", check("push CPU per million events", r, GOALS["push_cpu"]))
    rust_cpu_m = p["rust"]["cpu_per_m_s"].median
    if rust_cpu_m > PUSH_CPU_MAX_S:
        misses.append(f"push CPU at most {PUSH_CPU_MAX_S} s per million events")
    row("", "", "", "", "", f"{'yes' if rust_cpu_m <= PUSH_CPU_MAX_S else '**no**'} (goal ≤{PUSH_CPU_MAX_S} s)")
    r = ratio(p["python"]["peak_rss_mb"].median, p["rust"]["peak_rss_mb"].median)
    row("", "connector peak RSS (MB)", fmt(p["python"]["peak_rss_mb"], 0), fmt(p["rust"]["peak_rss_mb"], 1), f"{r:.1f}x",
        check("push RSS", r, GOALS["rss"]))
    row("", "emulator CPU per million events (s)", fmt(p["python"]["emulator_cpu_per_m_s"]), fmt(p["rust"]["emulator_cpu_per_m_s"]), "", "")

    ce = ceil["main"]
    pct = 100 * p["rust"]["events_per_s"].median / ce["events_per_s"].median
    if pct < GOALS["ceiling_pct"]:
        misses.append("Rust push throughput vs ceiling")
    row(f"ceiling: minimal client, {args.connections} keep-alive connections", "events/s",
        "", fmt(ce["events_per_s"], 0), f"Rust push = {pct:.0f}% of it",
        f"{'yes' if pct >= GOALS['ceiling_pct'] else '**no**'} (goal ≥{GOALS['ceiling_pct']:g}%)")
    row("", "MB/s on the wire", "", fmt(ce["mb_per_s"], 0), "", "")
    row("", "emulator CPU per million events (s)", "", fmt(ce["emulator_cpu_per_m_s"]), "", "")
    pyp = 100 * p["python"]["events_per_s"].median / ce["events_per_s"].median
    row("", "Python push as % of the ceiling", f"{pyp:.0f}%", "", "", "")

    t = rest
    r = ratio(t["python"]["rss_mb"].median, t["rust"]["rss_mb"].median)
    row(f"idle trigger, after {args.rest:g} s", "RSS, health and metrics up (MB)", fmt(t["python"]["rss_mb"], 1), fmt(t["rust"]["rss_mb"], 1),
        f"{r:.1f}x", check("trigger at rest RSS", r, GOALS["rss"]))
    if "anon_mb" in t["rust"]:
        r = ratio(t["python"]["anon_mb"].median, t["rust"]["anon_mb"].median)
        row("", "of which the process's own memory (RssAnon, MB; the rest is mapped files: code, libraries)",
            fmt(t["python"]["anon_mb"], 1), fmt(t["rust"]["anon_mb"], 2), f"{r:.0f}x", "")
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    rust_cpu = t["rust"]["cpu_ms"]
    if rust_cpu.max < tick_ms:  # /proc counts whole clock ticks
        rust_cell, r_cell = f"< {tick_ms:.0f} (one clock tick)", f"> {t['python']['cpu_ms'].median / tick_ms:.0f}x"
    else:
        rust_cell, r_cell = fmt(rust_cpu, 0), f"{ratio(t['python']['cpu_ms'].median, rust_cpu.median):.0f}x"
    row("", f"CPU user+sys over the {args.rest:g} s, start-up included (ms)", fmt(t["python"]["cpu_ms"], 0), rust_cell,
        r_cell, "")

    if "trigger" in results:
        b = results["trigger"]
        r = ratio(b["rust"]["events_per_s"].median, b["python"]["events_per_s"].median)
        row(f"trigger event rate, {args.trigger_events:,} events", "events/s (first to last event at the emulator)",
            fmt(b["python"]["events_per_s"], 0), fmt(b["rust"]["events_per_s"], 0), f"Rust {r:.1f}x faster", "")
        row("", "wall per event (ms)", fmt(b["python"]["wall_per_event_ms"], 3), fmt(b["rust"]["wall_per_event_ms"], 3), "", "")
        r = ratio(b["python"]["cpu_per_k_ms"].median, b["rust"]["cpu_per_k_ms"].median)
        row("", "trigger CPU user+sys per thousand events (ms), start-up included",
            fmt(b["python"]["cpu_per_k_ms"], 1), fmt(b["rust"]["cpu_per_k_ms"], 1), f"{r:.1f}x", "")

    if "pull" in results:
        u = results["pull"]
        n_pull = f"{args.pull_events / 1e6:g}M"
        r = ratio(u["rust"]["events_per_s"].median, u["python"]["events_per_s"].median)
        row(f"pull connector, {n_pull} vendor events in pages of {PULL_PAGE_SIZE:,}",
            "events/s (first vendor request to last event accepted)",
            fmt(u["python"]["events_per_s"], 0), fmt(u["rust"]["events_per_s"], 0), f"Rust {r:.1f}x faster", "")
        r = ratio(u["python"]["e2e_s"].median, u["rust"]["e2e_s"].median)
        row("", "wall, process start to last event accepted (s)", fmt(u["python"]["e2e_s"]), fmt(u["rust"]["e2e_s"]),
            f"{r:.1f}x", "")
        r = ratio(u["python"]["cpu_per_m_s"].median, u["rust"]["cpu_per_m_s"].median)
        row("", "connector CPU user+sys per million events (s), start-up included", fmt(u["python"]["cpu_per_m_s"]),
            fmt(u["rust"]["cpu_per_m_s"], 3), f"{r:.1f}x", check("pull CPU per million events", r, GOALS["pull_cpu"]))
        r = ratio(u["python"]["peak_rss_mb"].median, u["rust"]["peak_rss_mb"].median)
        row("", "connector peak RSS (MB)", fmt(u["python"]["peak_rss_mb"], 0), fmt(u["rust"]["peak_rss_mb"], 1),
            f"{r:.1f}x", check("pull RSS", r, GOALS["rss"]))
        row("", "emulator CPU per million events (s)", fmt(u["python"]["emulator_cpu_per_m_s"]),
            fmt(u["rust"]["emulator_cpu_per_m_s"]), "", "")

    g = gen
    py_gen = g["python"]["wall_s"]
    labels = {"dev check": "`cargo check`", "dev build": "`cargo build`",
              "release check": "`cargo check --release`", "release build": "`cargo build --release`"}
    for variant, series in g["rust"].items():
        r = ratio(py_gen.median, series.median)
        row("manifest regeneration" if variant == next(iter(g["rust"])) else "",
            f"wall (s): generate-files-from-code vs {labels.get(variant, variant)} after touching one component file",
            fmt(py_gen), fmt(series), f"{r:.2f}x", check(f"manifest regeneration by {labels.get(variant, variant)}", r, GOALS["manifests"]))

    f = foot
    r = f["python_closure"] / f["rust_binary"]
    row("footprint", "release binary vs SDK environment (site-packages closure)", mb(f["python_closure"]),
        f"{mb(f['rust_binary'])} ({mb(f['rust_stripped'])} stripped)", f"{r:.0f}x", "")

    lines = [
        f"# sekoia-rs vs sekoia-automation-sdk: {dt.date.today().isoformat()}",
        "",
        *env_lines,
        "",
        "Cells are the median (min–max) over the runs. Ratios are Python / Rust unless said otherwise.",
        "",
        "| scenario | metric | Python SDK | sekoia-rs | ratio | goal met? |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Goals missed: {', '.join(misses) if misses else 'none'}.",
        "",
        "Notes:",
        f"- Python environment: {len(f['python_distributions'])} distributions required by {SDK_DIST} "
        f"({mb(f['python_closure'])}); the whole bench/.venv site-packages, plotting libraries included, is "
        f"{mb(f['python_site_packages'])}. The interpreter itself is not counted; the Rust binary needs only libc.",
        "- events/s and MB/s use the duration of the `push_events` / `push_events_to_intakes` call, logged by "
        "each connector (Python builds its list of events before the clock starts; Rust serializes its events "
        "lazily inside the call). MB/s counts the `/batch` request bodies the emulator accepted.",
        "- CPU times and peak RSS come from getrusage(2) on the module process alone (the `rusage` launcher): the client, without the "
        "emulator. Emulator CPU is read from /proc for the same window.",
    ]
    if "pull" in results:
        lines.append(
            "- pull: events/s runs from the connector's first request to the vendor API (its token request) to the "
            "last `/batch` the intake accepted, as the emulator saw them (`pull_span_ms`): the process start-up "
            "(Python's imports) is outside it, and inside the wall and CPU rows. Each page is mapped, pushed, "
            "then its cursor written to `context.json`: Rust's state file is flushed to the disk (fsync) at "
            "each write, Python's `PersistentJSON` is not. Python's `push_data_to_intakes` is allowed more "
            "than its default one call a second (see bench/README.md).")
    cores = os.cpu_count() or 1
    rust_total = p["rust"]["cpu_per_m_s"].median + p["rust"]["emulator_cpu_per_m_s"].median
    bound = cores / rust_total * 1e6
    lines.append(
        f"- CPU budget: a Rust push costs {p['rust']['cpu_per_m_s'].median:.2f} s of connector CPU and "
        f"{p['rust']['emulator_cpu_per_m_s'].median:.2f} s of emulator CPU per million events; with both on "
        f"{cores} cores, no schedule can go past {bound:,.0f} events/s "
        f"({100 * bound / ce['events_per_s'].median:.0f}% of the ceiling, whose client costs next to nothing). "
        f"The connector runs at {100 * p['rust']['events_per_s'].median / bound:.0f}% of that bound.")
    ce_more = ceil.get("by_connections", {})
    if ce_more:
        lines.append("- ceiling by connection count: " + ", ".join(
            f"{k}: {fmt(v['events_per_s'], 0)} events/s" for k, v in ce_more.items()))
    if plot_name:
        lines += ["", f"![medians with min–max]({plot_name})"]
    return "\n".join(lines) + "\n"


def plot(results: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    cold, pushes, ceil, rest = results["cold"], results["push"], results["ceiling"], results["rest"]
    pulls = results.get("pull")
    fig, axes = plt.subplots(1, 5 if pulls else 4, figsize=(20 if pulls else 16, 4))
    colors = {"python": "#3776ab", "rust": "#ce422b", "ceiling": "#888888"}

    def bars(ax, title, items, log=False):
        names = [name for name, _, _ in items]
        medians = [s.median for _, s, _ in items]
        lows = [s.median - s.min for _, s, _ in items]
        highs = [s.max - s.median for _, s, _ in items]
        ax.bar(names, medians, yerr=[lows, highs], capsize=4, color=[colors[c] for _, _, c in items])
        ax.set_title(title, fontsize=10)
        if log:
            ax.set_yscale("log")
        for i, value in enumerate(medians):
            ax.annotate(f"{value:,.3g}", (i, value), ha="center", va="bottom", fontsize=8)

    bars(axes[0], "no-op action: start to exit (ms, log)",
         [("Python", Series([v * 1000 for v in cold["python"]["wall_s"].values]), "python"),
          ("Rust", Series([v * 1000 for v in cold["rust"]["wall_s"].values]), "rust")], log=True)
    bars(axes[1], "push: events/s",
         [("Python", pushes["python"]["events_per_s"], "python"), ("Rust", pushes["rust"]["events_per_s"], "rust"),
          ("ceiling", ceil["main"]["events_per_s"], "ceiling")])
    cpu = [("Py push", pushes["python"]["cpu_per_m_s"], "python"), ("Rust push", pushes["rust"]["cpu_per_m_s"], "rust")]
    rss = [("Py action", cold["python"]["peak_rss_mb"], "python"), ("Rust action", cold["rust"]["peak_rss_mb"], "rust"),
           ("Py push", pushes["python"]["peak_rss_mb"], "python"), ("Rust push", pushes["rust"]["peak_rss_mb"], "rust"),
           ("Py idle", rest["python"]["rss_mb"], "python"), ("Rust idle", rest["rust"]["rss_mb"], "rust")]
    if pulls:
        cpu += [("Py pull", pulls["python"]["cpu_per_m_s"], "python"), ("Rust pull", pulls["rust"]["cpu_per_m_s"], "rust")]
        rss += [("Py pull", pulls["python"]["peak_rss_mb"], "python"), ("Rust pull", pulls["rust"]["peak_rss_mb"], "rust")]
    bars(axes[2], "connector CPU s per million events (log)", cpu, log=True)
    axes[2].tick_params(axis="x", labelrotation=45, labelsize=8)
    bars(axes[3], "RSS (MB, log)", rss, log=True)
    axes[3].tick_params(axis="x", labelrotation=45, labelsize=8)
    if pulls:
        bars(axes[4], "pull: events/s",
             [("Python", pulls["python"]["events_per_s"], "python"), ("Rust", pulls["rust"]["events_per_s"], "rust")])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small scale for development: 100k events, fewer runs, no load wait, report in bench/work/")
    parser.add_argument("--events", type=int, help="events per push run (default 1,000,000; --quick 100,000)")
    parser.add_argument("--runs", type=int, help="runs of each scenario (defaults per scenario)")
    parser.add_argument("--rest", type=float, default=10.0, help="seconds the idle triggers rest (default 10)")
    parser.add_argument("--connections", type=int, default=4, help="connections of the ceiling client (default 4)")
    parser.add_argument("--max-load", type=float, default=0.7, help="wait until the 1-minute load is below this")
    parser.add_argument("--load-wait", type=float, default=600, help="longest wait for a quiet machine, seconds")
    parser.add_argument("--dev-manifests-only", action="store_true",
                        help="time only the incremental dev `cargo check` and `cargo build` (--quick does), not also `--release`")
    parser.add_argument("--out", type=Path, help="the report file (default bench/results/<date>.md)")
    parser.add_argument("--trigger-events", type=int, help="events of the trigger rate runs (default 5,000; --quick 1,000)")
    parser.add_argument("--pull-events", type=int,
                        help="vendor events of each pull run (default 1,000,000; --quick 100,000)")
    parser.add_argument("--only", help="comma-separated scenarios: cold,push,ceiling,rest,trigger,pull,manifests,footprint")
    parser.add_argument("--sides", default="python,rust", help="with --only: python, rust or both (default)")
    parser.add_argument("--rust-bin", type=Path, help="with --only: another build of the Rust module binary (A/B runs)")
    args = parser.parse_args()
    global SIDES, RUST_BIN
    RUST_BIN = args.rust_bin.resolve() if args.rust_bin else RUST_BIN
    SIDES = tuple(side for side in ("python", "rust") if side in args.sides.split(","))

    quick = args.quick
    args.events = args.events or (100_000 if quick else 1_000_000)
    args.trigger_events = args.trigger_events or (1_000 if quick else 5_000)
    args.pull_events = args.pull_events or (100_000 if quick else 1_000_000)
    default_runs = {
        "cold_rust": 5 if quick else 20, "cold_python": 3 if quick else 10,
        "push_rust": 2 if quick else 5, "push_python": 2 if quick else 3,
        "ceiling": 2 if quick else 5, "rest": 1 if quick else 3, "manifests": 2 if quick else 3,
        "trigger": 1 if quick else 3,
        "pull_rust": 2 if quick else 5, "pull_python": 2 if quick else 3,
    }
    runs = {k: (args.runs or v) for k, v in default_runs.items()}
    args.runs_summary = (f"cold start {runs['cold_python']} Python / {runs['cold_rust']} Rust, push {runs['push_python']} / "
                         f"{runs['push_rust']}, ceiling {runs['ceiling']}, idle trigger {runs['rest']}, trigger rate {runs['trigger']}, "
                         f"pull {runs['pull_python']} / {runs['pull_rust']}, manifests {runs['manifests']}")
    if quick:
        args.rest = min(args.rest, 3.0)
    only = set(args.only.split(",")) if args.only else None
    wanted = lambda name: only is None or name in only  # noqa: E731

    load_start = loadavg()
    load_waited = load_start
    if not quick and load_start[0] >= args.max_load:
        print(f"load average {load_start[0]:.2f}: waiting for a quieter machine", flush=True)
        load_waited = wait_for_quiet(args.max_load, args.load_wait)

    started = time.monotonic()
    results: dict = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    (scratch / "config").mkdir()
    (scratch / "data").mkdir()
    emulator = EmulatorProcess(vendor_events=args.pull_events)
    try:
        def step(name: str, title: str, fn):
            if not wanted(name):
                return
            t = time.monotonic()
            print(f"- {title}...", end=" ", flush=True)
            results[name] = fn()
            print(f"{time.monotonic() - t:.1f} s", flush=True)

        step("cold", "no-op action cold start",
             lambda: cold_start(emulator, scratch, {"rust": runs["cold_rust"], "python": runs["cold_python"]}))
        step("push", f"connector push of {args.events:,} events",
             lambda: push(emulator, scratch, {"rust": runs["push_rust"], "python": runs["push_python"]}, args.events))

        def ceilings():
            main_series = ceiling(emulator, runs["ceiling"], args.events, args.connections)
            more = {c: ceiling(emulator, 1, args.events, c) for c in (1, 2) if c != args.connections}
            more[args.connections] = main_series
            return {"main": main_series, "by_connections": dict(sorted(more.items()))}

        step("ceiling", "ceiling (minimal client)", ceilings)
        step("rest", f"idle triggers at rest ({args.rest:g} s)", lambda: at_rest(emulator, scratch, runs["rest"], args.rest))
        step("trigger", f"trigger event rate ({args.trigger_events:,} events)",
             lambda: trigger_rate(emulator, scratch, runs["trigger"], args.trigger_events))
        step("pull", f"pull connector, {args.pull_events:,} vendor events",
             lambda: pull(emulator, scratch, {"rust": runs["pull_rust"], "python": runs["pull_python"]}, args.pull_events))
        step("manifests", "manifest generation",
             lambda: manifests(runs["manifests"], ["dev"] if quick or args.dev_manifests_only else ["dev", "release"]))
        step("footprint", "footprint", footprint)
    finally:
        final = emulator.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"emulator at exit: {final}")
    print(f"scenarios took {time.monotonic() - started:.0f} s")

    if only:
        print(json.dumps({k: to_plain(v, brief=True) for k, v in results.items()}, indent=1, default=str))
        return 0
    day = dt.date.today().isoformat()
    out = args.out or (BENCH / "work" / f"{day}-quick.md" if quick else BENCH / "results" / f"{day}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    png = out.with_suffix(".png")
    plot_name = png.name if plot(results, png) else None
    text = report(args, results, environment_lines(args, load_start, load_waited), plot_name)
    out.write_text(text)
    (out.with_suffix(".json")).write_text(json.dumps({k: to_plain(v) for k, v in results.items()}, indent=1, default=str))
    print()
    print(text)
    print(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


def to_plain(value, brief: bool = False):
    if isinstance(value, Series):
        if brief:
            return f"{value.median:.4g} ({value.min:.4g}-{value.max:.4g})"
        return {"median": value.median, "min": value.min, "max": value.max, "values": value.values}
    if isinstance(value, dict):
        return {str(k): to_plain(v, brief) for k, v in value.items()}
    return value


if __name__ == "__main__":
    sys.exit(main())
