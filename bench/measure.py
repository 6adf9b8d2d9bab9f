"""Shared helpers of the build benchmarks (bench/build.py, bench/scale.py).

* YAML that survives the tags MkDocs configurations use (``!ENV``, ``!relative``,
  ``!!python/name:``): load with ``_Loader``, write back with ``_Dumper``; ``_absolute``
  makes a path setting absolute against the repository;
* ``run_measured``: run one build in a subprocess and measure its wall time, CPU time and
  peak memory (the RSS of its whole process tree: kbgen runs search in a worker process);
* ``progress``, ``log_tail``, ``find_tool``.

Not a script: the benchmarks put bench/ on ``sys.path`` and ``import measure``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KB = 1024
MB = 1024 * 1024
HEARTBEAT_S = 30.0

_prefix = "bench"  # the name progress lines and tool errors start with


def set_prefix(name: str) -> None:
    """Name the calling script in progress lines (``[NAME 12:00:00] ...``) and errors."""
    global _prefix
    _prefix = name


def progress(message: str) -> None:
    print(f"[{_prefix} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- YAML that survives tags MkDocs configs use (!ENV, !!python/name:, !relative) -------------


class _Tagged:
    """A YAML node with a tag safe_load does not know (!ENV, !relative, ...), kept as is to
    write it back."""

    def __init__(self, tag: str, value: object) -> None:
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


def _construct_tagged(loader: yaml.SafeLoader, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return _Tagged(node.tag, loader.construct_mapping(node, deep=True))


_Loader.add_constructor(None, _construct_tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Dumper.add_representer(_Tagged, _represent_tagged)


def _absolute(value: object, base: Path) -> object:
    """A path setting made absolute against ``base`` (the repository), tags resolved."""
    if isinstance(value, _Tagged) and value.tag == "!relative":
        # MkDocs' !relative means "relative to the config file" (or docs_dir) at use time.
        return str(base) if value.value in ("", "$config_dir", None) else value
    if isinstance(value, str) and value and not Path(value).is_absolute():
        return str((base / value).resolve())
    return value


# -- running and measuring -------------------------------------------------------------------


@dataclass
class Run:
    label: str
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int  # max(peak_tree_bytes, peak_single_bytes): the headline figure
    peak_tree_bytes: int  # largest sampled sum of VmRSS over the build's process tree
    peak_single_bytes: int  # largest peak of one process (GNU time %M, or VmHWM)
    hwm_sum_bytes: int  # sum of every process's own peak: an upper bound
    processes: int  # processes seen in the tree
    rss_method: str
    load_before: float
    load_after: float
    log: str
    report: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (it takes -f and -o), else None."""
    path = shutil.which("time", path="/usr/bin:/bin") or ""
    if not path:
        return None
    try:
        ok = (
            subprocess.run(
                [path, "-f", "%M", "-o", os.devnull, "true"], capture_output=True, timeout=10
            ).returncode
            == 0
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return path if ok else None


def _status(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a live process in bytes; (0, 0) when gone or a zombie."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * KB
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * KB
                    break  # VmRSS follows VmHWM
    except (OSError, ValueError):
        pass
    return rss, hwm


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as handle:
                found += [int(x) for x in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _tree(root: int) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += _children(pid)
    return out


def run_measured(cmd: list[str], log: Path, label: str, cwd: Path) -> Run:
    """Run ``cmd``; return its wall time, CPU time and peak memory.

    Memory is the peak of the whole process tree: kbgen runs its search in a worker process
    beside page rendering, so one process's peak is not the build's. Every 50 ms we sum VmRSS
    over the tree (/proc/<pid>/task/*/children); the headline is the largest sum, or the
    largest single-process peak when that is higher (a short spike between two samples).

    Not ru_maxrss of a child of this process: Linux folds the RSS high-water mark of the
    address space a process had before exec() into its ru_maxrss, and a child forked (or
    vforked) from this process starts with ours -- the generator's lexicons, over 100 MB -- so
    a small build would report our size. GNU time forks from its own tiny process, so its %M
    is exact for one process; without it, the single-process peak is VmHWM from /proc.
    CPU time: user + system of the build and the processes it waited for (wait4).
    """
    timer = gnu_time()
    stats_file = log.with_suffix(".time")
    full = [timer, "-f", "%M", "-o", str(stats_file), *cmd] if timer else cmd
    reaped: dict[str, object] = {}
    tree_peak = 0
    hwm: dict[int, int] = {}
    load_before = os.getloadavg()[0]
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            full, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd
        )

        def reap() -> None:
            reaped["wait"] = os.wait4(proc.pid, 0)
            reaped["end"] = time.perf_counter()

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        last_beat = started
        try:
            while waiter.is_alive():
                total = 0
                for pid in _tree(proc.pid):
                    if timer and pid == proc.pid:
                        continue  # GNU time itself
                    rss, peak = _status(pid)
                    total += rss
                    if peak:
                        hwm[pid] = max(hwm.get(pid, 0), peak)
                tree_peak = max(tree_peak, total)
                waiter.join(0.05)
                if waiter.is_alive() and time.perf_counter() - last_beat >= HEARTBEAT_S:
                    last_beat = time.perf_counter()
                    progress(f"{label}: still building ({last_beat - started:.0f} s)")
        except KeyboardInterrupt:
            proc.kill()
            waiter.join()
            raise
    _, status, usage = reaped["wait"]  # type: ignore[misc]
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    single = max(hwm.values(), default=0)
    method = "tree-poll+vmhwm"
    if timer:
        try:
            single = max(single, int(stats_file.read_text(encoding="ascii").split()[-1]) * KB)
            method = "tree-poll+gnu-time"
        except (OSError, ValueError, IndexError):
            pass
    return Run(
        label=label,
        returncode=proc.returncode,
        wall_s=reaped["end"] - started,  # type: ignore[operator]
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=max(tree_peak, single),
        peak_tree_bytes=tree_peak,
        peak_single_bytes=single,
        hwm_sum_bytes=sum(hwm.values()),
        processes=len(hwm),
        rss_method=method,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        log=str(log),
    )


def log_tail(path: Path | str, lines: int = 40) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(text.rstrip("\n").split("\n")[-lines:])


def find_tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{_prefix}: no '{name}' executable beside {sys.executable} or on PATH")
    return found


def project_config(repo_config: Path, docs_dir: Path, site_dir: Path) -> tuple[dict, dict]:
    """The repository's mkdocs.yml as a dict, for a copy written elsewhere: docs and site
    moved, relative paths made absolute, and the kbgen plugin's options (created if absent)
    returned beside it for the caller to adjust."""
    with repo_config.open(encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_Loader) or {}  # noqa: S506 - SafeLoader subclass
    base = repo_config.resolve().parent
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    theme = config.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = _absolute(theme["custom_dir"], base)
    if isinstance(config.get("hooks"), list):
        config["hooks"] = [_absolute(h, base) for h in config["hooks"]]
    plugins = config.get("plugins")
    if plugins is None:
        plugins = config["plugins"] = []
    if isinstance(plugins, dict):
        if not isinstance(plugins.get("kbgen"), dict):
            plugins["kbgen"] = {}
        return config, plugins["kbgen"]
    for index, entry in enumerate(plugins):
        if entry == "kbgen":
            plugins[index] = {"kbgen": {}}
            return config, plugins[index]["kbgen"]
        if isinstance(entry, dict) and "kbgen" in entry:
            if not isinstance(entry["kbgen"], dict):
                entry["kbgen"] = {}
            return config, entry["kbgen"]
    options: dict = {}
    plugins.append({"kbgen": options})
    return config, options
