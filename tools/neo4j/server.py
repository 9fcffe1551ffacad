"""Start a real Neo4j Community 5.26 server on this machine, without Docker.

Stdlib only, so tests can import it by path (``sys.path.insert(0, "tools/neo4j")``)::

    from server import Neo4jServer

    with Neo4jServer(password="secret") as neo:
        driver = GraphDatabase.driver(neo.uri, auth=("neo4j", "secret"))

The jars come from Maven Central via ``mvn`` (pom.xml beside this file) into ``lib/``,
once; ``Launcher.java`` runs them in Java's source-launch mode. Run this file to start
one by hand (``make neo4j``)::

    python tools/neo4j/server.py [--password-env] [--data DIR] [--port N] [--for-tests] [--import DIR]

It prints the ``export`` line for ONE use: ``PSP_STORE`` for your work, or, with
``--for-tests`` (temporary data only), ``PSP_TEST_NEO4J_URI`` for the test suite.
Never both: tests pointed at the server that holds your work could wipe it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = [
    "Neo4jServer",
    "compact",
    "ensure_gds_jars",
    "ensure_jars",
    "import_database",
    "import_java_flags",
    "java_available",
    "neo4j_version",
]

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LIB = HERE / "lib"
LAUNCHER = HERE / "Launcher.java"
COMPACT = HERE / "Compact.java"
_LOCK = HERE / ".lib.lock"
# The Graph Data Science library (Community edition): its modules, fetched by gds/pom.xml.
GDS_POM = HERE / "gds" / "pom.xml"
PLUGINS = HERE / "plugins"

# Read by Launcher.java; the only way the password reaches the JVM (never argv).
PASSWORD_ENV = "PSP_NEO4J_LAUNCH_PASSWORD"  # noqa: S105 (a variable name, not a password)
USER = "neo4j"

JAVA_FLAGS: tuple[str, ...] = (
    "-Xmx1g",
    # A small test server: the serial GC kept RSS ~100 MiB lower than G1 after a load.
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
    # What Neo4j's own tests pass on Java 17 (Netty and the page cache use reflection).
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)

_READY = re.compile(r"^READY (bolt://\S+)$")


# On a short import the optimising compiler (C2) costs more CPU than it saves: C1 only for
# files below IMPORT_QUICK_BYTES (docs/benchmarks.md, "Neo4j": 100,000 links in 38 MB,
# 22.1 -> 9.7 s of importer CPU with C1 only; "Session 6": 1M links in 376 MB, 55 -> 77 s).
IMPORT_JAVA_FLAGS: tuple[str, ...] = ("-XX:TieredStopAtLevel=1",)
IMPORT_QUICK_BYTES = 150_000_000


def import_java_flags(files: Path) -> tuple[str, ...]:
    """The importer's JVM flags for the CSV files in ``files``: C1 only when they are small."""
    size = sum(p.stat().st_size for p in Path(files).glob("*.csv"))
    return IMPORT_JAVA_FLAGS if size < IMPORT_QUICK_BYTES else ()


def neo4j_version() -> str:
    """The Neo4j version pinned in pom.xml."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text())
    if match is None:
        raise RuntimeError(f"no <neo4j.version> in {POM}")
    return match.group(1)


def _java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def java_available() -> bool:
    """True if a java of version 17 or newer is on PATH (or in JAVA_HOME)."""
    java = _java()
    if java is None:
        return False
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    # `java -version` prints e.g. 'openjdk version "17.0.15"' or "1.8.0_392" to stderr.
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match is None:
        return False
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    return major >= 17


def _jars_ready(stamp_file: Path, stamp: str) -> bool:
    return stamp_file.is_file() and stamp_file.read_text().strip() == stamp


def ensure_jars(quiet: bool = True) -> Path:
    """Return lib/, fetching Neo4j's jars with mvn first if they are missing.

    Cached: nothing is fetched while lib/ matches pom.xml. A changed pom.xml (a new
    Neo4j version) empties lib/ first so two versions never share the classpath.
    A file lock lets parallel test processes call this safely.
    """
    return _fetch(POM, LIB, "neo4j-*.jar", quiet)


def ensure_gds_jars(quiet: bool = True) -> Path:
    """Return plugins/, fetching the Graph Data Science jars (gds/pom.xml) if missing.

    Cached and locked like :func:`ensure_jars`."""
    return _fetch(GDS_POM, PLUGINS, "opengds-extension-*.jar", quiet)


def _fetch(pom: Path, dest: Path, expect: str, quiet: bool) -> Path:
    stamp = hashlib.sha256(pom.read_bytes()).hexdigest()
    stamp_file = dest / ".pom-sha256"  # written last: dest is complete for this pom
    if _jars_ready(stamp_file, stamp):
        return dest
    if not java_available():
        raise RuntimeError("Java 17 or newer is needed to run Neo4j (java not found or too old)")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError(f"Maven (mvn) is needed to fetch jars into {dest}")
    with _LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _jars_ready(stamp_file, stamp):  # another process fetched them while we waited
            return dest
        shutil.rmtree(dest, ignore_errors=True)
        cmd = [mvn, "-B", "--no-transfer-progress", "-f", str(pom)]
        cmd += ["-q"] if quiet else []
        cmd.append("dependency:copy-dependencies")
        proc = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join(((proc.stdout or "") + (proc.stderr or "")).splitlines()[-30:])
            raise RuntimeError(f"mvn could not fetch the jars of {pom} (exit {proc.returncode}):\n{tail}")
        if not any(dest.glob(expect)):
            raise RuntimeError(f"mvn succeeded but no {expect} is in {dest}")
        stamp_file.write_text(stamp + "\n")
    return dest


def import_database(home: Path, files: Path, timeout: float = 3600.0) -> float:
    """Run ``neo4j-admin database import full`` into the (stopped, new) database ``neo4j`` of
    the server home ``home``, from the files and argument file ``psp sync --import-files``
    wrote in ``files``. Returns the importer's CPU seconds. Raises RuntimeError with the
    tail of its output when it fails (e.g. the database already exists)."""
    ensure_jars()
    java = _java()
    if java is None:
        raise RuntimeError("Java 17 or newer is needed to run Neo4j's importer")
    args = Path(files).resolve() / "neo4j-admin-import.args"
    if not args.is_file():
        raise RuntimeError(f"{args} is missing: write the files with psp sync --import-files DIR")
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    cmd = [java, *JAVA_FLAGS, *import_java_flags(args.parent), "-cp", str(LIB / "*"), "org.neo4j.cli.AdminTool"]
    cmd += ["database", "import", "full"]
    # Off-heap memory capped like the server's page cache: the importer would size it from RAM.
    cmd += ["neo4j", "--max-off-heap-memory=256M", "--threads=2", f"--report-file={home / 'import.report'}"]
    cmd.append(f"@{args}")
    before = os.times()
    proc = subprocess.run(
        cmd,
        env={**os.environ, "NEO4J_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    after = os.times()
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
        raise RuntimeError(f"neo4j-admin import into {home} failed (exit {proc.returncode}):\n{tail}")
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        with path.open(errors="replace") as f:
            return "".join(deque(f, maxlen=lines))
    except OSError:
        return "(no log)"


class Neo4jServer:
    """A Neo4j Community server in a child JVM, with Bolt on 127.0.0.1.

    Auth is off unless ``password`` is given; then user ``neo4j`` has that password.
    Data lives in a temporary folder deleted on stop unless ``data_dir`` is given.
    With ``gds=True`` the Graph Data Science library (Community) is loaded as a plugin.
    The JVM also exits when this process dies (it watches its stdin).
    """

    def __init__(
        self,
        password: str | None = None,
        data_dir: Path | None = None,
        timeout: float = 120.0,
        port: int | None = None,
        gds: bool = False,
        import_from: Path | None = None,
    ) -> None:
        self.password = password
        self.gds = gds
        self.data_dir = data_dir
        self.import_from = import_from  # files of psp sync --import-files, imported before the start
        self._imported_home: Path | None = None  # a temporary home made for the import, deleted on stop
        self.timeout = timeout
        self.port = port  # None: a free port, chosen by the OS
        self.log_path: Path | None = None
        self._uri: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        if self._uri is None:
            raise RuntimeError("Neo4jServer is not started")
        return self._uri

    @property
    def pid(self) -> int:
        """The JVM's process id (e.g. to read its CPU time from /proc)."""
        if self._proc is None:
            raise RuntimeError("Neo4jServer is not started")
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Neo4jServer:
        if self._proc is not None:
            raise RuntimeError("Neo4jServer already started")
        ensure_jars()
        classpath = str(LIB / "*")
        if self.gds:
            classpath += os.pathsep + str(ensure_gds_jars() / "*")
        java = _java()
        if java is None or not java_available():
            raise RuntimeError("Java 17 or newer is needed to run Neo4j (java not found or too old)")

        cmd = [java, *JAVA_FLAGS, "-cp", classpath, str(LAUNCHER)]
        if self.gds:
            cmd += ["--plugins", str(PLUGINS)]
        if self.import_from is not None:
            if self.data_dir is None:
                self.data_dir = self._imported_home = Path(tempfile.mkdtemp(prefix="psp-neo4j-import-"))
            import_database(self.data_dir, self.import_from)
        if self.data_dir is not None:
            self.data_dir = Path(self.data_dir).resolve()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            cmd += ["--data", str(self.data_dir)]
            self.log_path = self.data_dir / "launcher.log"
        else:
            fd, name = tempfile.mkstemp(prefix="psp-neo4j-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        if self.port is not None:
            cmd += ["--port", str(self.port)]

        env = dict(os.environ)
        env.pop(PASSWORD_ENV, None)
        if self.password:
            env[PASSWORD_ENV] = self.password

        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                cmd,
                # stdin closes when we die, and the launcher then shuts down.
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=HERE,
                env=env,
                # A terminal's Ctrl-C is ours to handle (by stopping it), not the JVM's.
                start_new_session=True,
            )
        try:
            self._uri = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = self._proc.stdout

        def pump(out: IO[bytes]) -> None:
            for line in iter(out.readline, b""):
                lines.put(line)
            lines.put(b"")  # EOF

        threading.Thread(target=pump, args=(stdout,), daemon=True).start()
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(self._failure(f"did not start within {self.timeout:g} s"))
            try:
                line = lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if line == b"":
                code = self._proc.wait(timeout=30)
                raise RuntimeError(self._failure(f"exited early with code {code}"))
            match = _READY.match(line.decode(errors="replace").strip())
            if match:
                return match.group(1)

    def _failure(self, what: str) -> str:
        assert self.log_path is not None
        return f"Neo4j {what}; last lines of {self.log_path}:\n{_tail(self.log_path)}"

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL. Safe to call twice."""
        proc, self._proc, self._uri = self._proc, None, None
        if proc is None:
            self._drop_imported_home()
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self._drop_imported_home()

    def _drop_imported_home(self) -> None:
        home, self._imported_home = self._imported_home, None
        if home is not None:
            self.data_dir = None
            shutil.rmtree(home, ignore_errors=True)

    def wait(self) -> int:
        """Block until the JVM exits; return its exit code."""
        if self._proc is None:
            raise RuntimeError("Neo4jServer is not started")
        return self._proc.wait()

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def compact(data_dir: Path, timeout: float = 3600.0) -> str:
    """Rewrite a STOPPED server's data folder so nothing deleted survives in its files.

    Neo4j never zeroes freed records and keeps committed transactions in its logs, so after
    ``psp erase`` an erased person's text stays in the files under ``data_dir`` until this runs
    (Compact.java: a fresh copy of what the database holds now, its indexes re-created, the old
    files zeroed and deleted; docs/trust.md). Returns Compact.java's one-line summary.
    """
    data_dir = Path(data_dir).resolve()
    ensure_jars()
    java = _java()
    if java is None or not java_available():
        raise RuntimeError("Java 17 or newer is needed to compact a Neo4j folder")
    lock = data_dir / "data" / "databases" / "store_lock"
    if lock.is_file():
        with lock.open("a") as f:
            try:
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.lockf(f, fcntl.LOCK_UN)
            except OSError:
                raise RuntimeError(f"stop the Neo4j server using {data_dir} first, then compact it") from None
    cmd = [java, *JAVA_FLAGS, "-cp", str(LIB / "*"), str(COMPACT), str(data_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("COMPACTED ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.splitlines()[-20:])
        raise RuntimeError(f"compacting {data_dir} failed (exit {proc.returncode}):\n{tail}")
    return lines[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start a local Neo4j for psp-graph.")
    parser.add_argument(
        "--password-env",
        action="store_true",
        help="turn auth on; the neo4j user's password is $PSP_NEO4J_PASSWORD",
    )
    parser.add_argument("--data", type=Path, help="keep data here (default: temporary)")
    parser.add_argument("--port", type=int, help="Bolt port (default: a free one)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--gds", action="store_true", help="load the Graph Data Science library (Community)")
    parser.add_argument(
        "--import",
        dest="import_from",
        type=Path,
        help="first load the files of `psp sync --import-files DIR` with neo4j-admin import "
        "(into a new database: a --data folder that holds none, or temporary data)",
    )
    parser.add_argument(
        "--for-tests",
        action="store_true",
        help="a throwaway server for the test suite: prints PSP_TEST_NEO4J_URI instead of PSP_STORE",
    )
    parser.add_argument(
        "--compact",
        action="store_true",
        help="do not start: rewrite the stopped server's --data folder so nothing deleted "
        "(e.g. by psp erase) survives in its files",
    )
    args = parser.parse_args(argv)
    if args.compact:
        if not args.data:
            parser.error("--compact needs --data DIR (the folder of a stopped server)")
        try:
            print(compact(args.data))
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    if args.for_tests and args.data:
        parser.error("--for-tests keeps no data: drop --data (tests wipe the database they use)")

    password = None
    if args.password_env:
        password = os.environ.get("PSP_NEO4J_PASSWORD")
        if not password:
            parser.error("--password-env needs PSP_NEO4J_PASSWORD set and non-empty")

    # SIGTERM (e.g. from make or a supervisor) stops the server like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    server = Neo4jServer(
        password=password,
        data_dir=args.data,
        timeout=args.timeout,
        port=args.port,
        gds=args.gds,
        import_from=args.import_from,
    )
    print(
        f"Starting Neo4j {neo4j_version()} (the first run fetches jars with mvn)...",
        flush=True,
    )
    try:
        server.start()
        print(f"READY {server.uri}")
        if args.for_tests:
            print(f"export PSP_TEST_NEO4J_URI={server.uri}")
            print("# for the test suite only: never set PSP_STORE to this server")
        else:
            print(f"export PSP_STORE={server.uri}")
            print("# your store: never point PSP_TEST_NEO4J_URI here (tests wipe what they use)")
        if password:
            print(f"export PSP_NEO4J_USER={USER}  # password: PSP_NEO4J_PASSWORD, as set")
        else:
            print("# auth is off")
        print(f"# data: {args.data or 'temporary, deleted on exit'}")
        print(f"# log: {server.log_path}")
        print("# Ctrl-C to stop", flush=True)
        code = server.wait()
        print(f"Neo4j exited with code {code}; log: {server.log_path}", file=sys.stderr)
        return code or 1
    except KeyboardInterrupt:
        print("\nstopping Neo4j...", file=sys.stderr)
        return 0
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
