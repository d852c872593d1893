#!/usr/bin/env python3
"""End-to-end tests of `bsb-matrix run`, `runs` and `report` through the real binary.

Usage: run_e2e_test.py SCENARIO BSB_MATRIX AGENTS_DIR WORK_DIR [SHARED_DIR]

Each scenario writes a small matrix into WORK_DIR/SCENARIO, runs the real bsb-matrix with the
real agents (local and qemu-user), and checks what a user would see: exit codes, the store,
the reports. Zoo models are trained once into WORK_DIR/cache (kept between test runs).
Exit 0 pass, 1 fail, 77 skipped (a prerequisite is missing; the reason is printed).
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

FASHION = os.environ.get("BSB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
SKIP = 77


def skip(why):
    print("SKIPPED: " + why)
    sys.exit(SKIP)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Env:
    def __init__(self, scenario, bsb, agents, work, shared):
        self.bsb, self.agents, self.shared = bsb, agents, shared
        self.dir = os.path.join(work, scenario)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        # BSB_TEST_CACHE: the build's shared test cache (zoo models trained once per build tree).
        self.cache = os.environ.get("BSB_TEST_CACHE") or os.path.join(work, "cache")
        self.env = dict(os.environ, BSB_CACHE_DIR=self.cache, BSB_AGENTS_DIR=agents, NO_COLOR="1")
        self.db = os.path.join(self.dir, "results.sqlite")

    def matrix(self, body, name="matrix.yaml"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(body)
        return path

    def cmd(self, *args):
        return [self.bsb, *args]

    def run(self, *args, timeout=240):
        p = subprocess.run(self.cmd(*args), env=self.env, capture_output=True, text=True, timeout=timeout)
        print("$ bsb-matrix " + " ".join(args) + f"  → exit {p.returncode}")
        if p.stdout:
            print(p.stdout[-3000:])
        if p.stderr:
            print(p.stderr[-3000:], file=sys.stderr)
        return p

    def start(self, *args):
        return subprocess.Popen(self.cmd(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def sql(self, query, *params):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def statuses(self, run_id):
        return dict(self.sql("SELECT cell_id, status FROM cells WHERE run_id = ?", run_id))


def header(name, samples=40, runs=5, timeout="2m", retries=0):
    return f"""version: 1
name: {name}
defaults: {{warmup: 1, runs: {runs}, samples: {samples}, threads: 1, timeout: {timeout}, retries: {retries}}}
datasets:
  fashion-test:
    images: {FASHION}/t10k-images-idx3-ubyte.gz
    labels: {FASHION}/t10k-labels-idx1-ubyte.gz
    scale: 0.00392156862745098
  fashion-train:
    images: {FASHION}/train-images-idx3-ubyte.gz
    labels: {FASHION}/train-labels-idx1-ubyte.gz
    scale: 0.00392156862745098
"""


FC_SMALL = """  - name: fc-small
    source: zoo:fc-small
    dataset: fashion-test
    calibration: {dataset: fashion-train, samples: 50}
"""


def wait_for(pred, timeout_s, what):
    end = time.time() + timeout_s
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def ok_count(env):
    try:
        return env.sql("SELECT COUNT(*) FROM cells WHERE status = 'ok'")[0][0]
    except sqlite3.Error:
        return 0


# --- scenarios -------------------------------------------------------------------------------

def quickstart(env):
    """A small quick-start (local + qemu-user aarch64), then every report format."""
    if not os.path.exists(os.path.join(env.agents, "aarch64", "bsb-agent")):
        skip("no aarch64 agent in " + env.agents)
    if shutil.which("qemu-aarch64-static") is None:
        skip("qemu-aarch64-static not installed")
    m = env.matrix(header("e2e-quick") + "models:\n" + FC_SMALL + """schemes: [fp32, float16, int8, int8-only]
targets:
  - {name: x86, kind: local}
  - {name: arm64-emu, kind: qemu-user, arch: aarch64}
""")
    p = env.run("run", m, "--db", env.db)
    check(p.returncode == 0, f"run exit {p.returncode}, expected 0")
    check("8 cells: 8 ok" in p.stdout, "summary counts all 8 cells ok")
    check("int8" in p.stdout and "pp" in p.stdout, "summary shows accuracy deltas vs fp32")
    # CI mode (not a terminal): one line per finished cell on stderr.
    check(p.stderr.count("(cell ") == 8, "one progress line per finished cell")

    (run_id,) = env.sql("SELECT MAX(id) FROM runs")[0]
    check(env.sql("SELECT status FROM runs WHERE id = ?", run_id)[0][0] == "finished", "run finished")
    rows = env.sql("SELECT c.target, r.emulated, r.accuracy FROM cells c JOIN results r USING (run_id, cell_id) "
                   "WHERE run_id = ?", run_id)
    check(len(rows) == 8, "8 results stored")
    check(all((t == "arm64-emu") == bool(e) for t, e, _ in rows), "qemu-user rows detected as emulated, local not")
    check(all(a > 0.5 for _, _, a in rows), "every cell classifies better than chance")
    check(len(env.sql("SELECT * FROM predictions WHERE run_id = ?", run_id)) == 8, "predictions stored")
    arts = dict(env.sql("SELECT role, COUNT(*) FROM cell_artifacts WHERE run_id = ? GROUP BY role", run_id))
    check(arts == {"model": 8, "images": 8, "labels": 8, "agent": 8}, f"artifacts linked per cell: {arts}")

    p = env.run("runs", "--db", env.db)
    check(p.returncode == 0 and "e2e-quick" in p.stdout and "8 ok" in p.stdout, "runs lists the run")

    out = {}
    for fmt in ["html", "md", "csv", "json", "junit"]:
        path = os.path.join(env.dir, "report." + fmt)
        p = env.run("report", "--db", env.db, "--run", "latest", "--" + fmt, "-o", path)
        check(p.returncode == 0, f"report --{fmt} exit {p.returncode}")
        out[fmt] = open(path, encoding="utf-8", newline="").read()
    check("<html" in out["html"] and "Emulated" in out["html"] and "Native" in out["html"],
          "HTML has native and emulated sections")
    check("http://" not in out["html"] and "https://" not in out["html"], "HTML asks the network for nothing")
    check("| fc-small" in out["md"] or "fc-small |" in out["md"], "Markdown table rows")
    lines = out["csv"].strip().split("\r\n")
    check(lines[0].startswith("timestamp,pipeline,framework,runtime,variant,quantization"), "CSV seed columns")
    check(len(lines) == 9, f"CSV: header + 8 rows, got {len(lines)}")
    doc = json.loads(out["json"])
    check(isinstance(doc, dict), "JSON parses")
    suites = ET.fromstring(out["junit"])
    cases = suites.findall(".//testcase")
    check(len(cases) == 8 and not suites.findall(".//failure"), "JUnit: 8 testcases, no failures")
    # The same report to stdout.
    p = env.run("report", "--db", env.db, "--csv")
    check(p.returncode == 0 and p.stdout.replace("\r\n", "\n").strip() == out["csv"].replace("\r\n", "\n").strip(),
          "report to stdout equals -o")


def resume_after_kill(env):
    """kill -9 mid-run loses at most the cells in flight; --resume runs each missing cell once."""
    # runs: enough timed inferences (fc-small: ~0.03 ms each on x86, float16 ~0.08 ms) that a cell
    # takes a few polling intervals (0.1 s).
    m = env.matrix(header("e2e-resume", samples=200, runs=10000) + "models:\n" + FC_SMALL +
                   """schemes: [fp32, float16, dynamic, int8, int8-only]
targets:
  - {name: x86, kind: local}
axes: {threads: [1, 2]}
""")
    proc = env.start("run", m, "--db", env.db)
    try:
        wait_for(lambda: ok_count(env) >= 2 or proc.poll() is not None, 180, "two finished cells")
        if proc.poll() is not None:
            raise AssertionError("the run ended before it could be killed: " + proc.communicate()[0][-2000:])
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    (run_id,) = env.sql("SELECT MAX(id) FROM runs")[0]
    before = env.statuses(run_id)
    check(len(before) == 10, "all 10 planned cells recorded at the start")
    done = {c for c, s in before.items() if s == "ok"}
    check(2 <= len(done) < 10, f"some but not all cells finished before the kill: {len(done)}")
    check(all(s in ("ok", "pending") for s in before.values()), f"only ok or pending after kill -9: {before}")
    check(env.sql("SELECT status FROM runs WHERE id = ?", run_id)[0][0] == "running", "killed run still 'running'")
    kept = dict(env.sql("SELECT cell_id, result_json FROM results WHERE run_id = ?", run_id))

    p = env.run("run", m, "--db", env.db, "--resume", str(run_id))
    check(p.returncode == 0, f"resume exit {p.returncode}")
    after = env.statuses(run_id)
    check(len(after) == 10 and all(s == "ok" for s in after.values()), f"every cell ok after resume: {after}")
    check(env.sql("SELECT COUNT(*) FROM runs")[0][0] == 1, "resume continues the run, no new run")
    check(env.sql("SELECT COUNT(*) FROM results WHERE run_id = ?", run_id)[0][0] == 10, "one result per cell")
    again = dict(env.sql("SELECT cell_id, result_json FROM results WHERE run_id = ?", run_id))
    check(all(again[c] == kept[c] for c in done), "cells finished before the kill were not run again")
    check(f"{10 - len(done)} of 10 cells to run" in p.stderr, "resume runs only the missing cells")
    check(env.sql("SELECT status FROM runs WHERE id = ?", run_id)[0][0] == "finished", "resumed run finished")
    # A second resume has nothing to do.
    p = env.run("run", m, "--db", env.db, "--resume", str(run_id))
    check(p.returncode == 0 and "0 of 10 cells to run" in p.stderr, "nothing left to resume")
    # A changed matrix cannot resume this run.
    with open(m, "a") as f:
        f.write("# changed\n")
    p = env.run("run", m, "--db", env.db, "--resume", str(run_id))
    check(p.returncode == 2 and "matrix changed" in p.stderr, "resume refuses a changed matrix")


def sigint(env):
    """Ctrl-C: finished cells recorded, the rest interrupted, exit 130; twice: at once."""
    m = env.matrix(header("e2e-sigint", samples=200, runs=10000) + "models:\n" + FC_SMALL +
                   """schemes: [fp32, float16, dynamic, int8, int8-only]
targets:
  - {name: x86, kind: local}
axes: {threads: [1, 2]}
""")
    proc = env.start("run", m, "--db", env.db, "--grace", "30")
    wait_for(lambda: ok_count(env) >= 1 or proc.poll() is not None, 180, "a finished cell")
    if proc.poll() is not None:
        raise AssertionError("the run ended before the signal: " + proc.communicate()[0][-2000:])
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    print(err[-2000:], file=sys.stderr)
    check(proc.returncode == 130, f"exit {proc.returncode}, expected 130")
    (run_id,) = env.sql("SELECT MAX(id) FROM runs")[0]
    st = env.statuses(run_id)
    check(set(st.values()) <= {"ok", "interrupted"}, f"only ok and interrupted: {st}")
    check(list(st.values()).count("interrupted") >= 1, "the rest is interrupted")
    check(env.sql("SELECT status FROM runs WHERE id = ?", run_id)[0][0] == "interrupted", "run marked interrupted")
    reasons = [r for (r,) in env.sql("SELECT reason FROM cells WHERE status = 'interrupted'")]
    check(all("SIGINT" in r for r in reasons), f"interrupted cells say why: {reasons[:2]}")

    # Two Ctrl-C: the second exits at once, even with a long grace period for a long cell.
    long = env.matrix(header("e2e-sigint2", samples=50, runs=2000000) + "models:\n" + FC_SMALL +
                      "schemes: [fp32]\ntargets: [{name: x86, kind: local}]\n", "long.yaml")
    db2 = os.path.join(env.dir, "second.sqlite")
    proc = subprocess.Popen(env.cmd("run", long, "--db", db2, "--grace", "600"), env=env.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def started():
        try:
            con = sqlite3.connect(db2, timeout=10)
            return con.execute("SELECT COUNT(*) FROM cells").fetchone()[0] > 0
        except sqlite3.Error:
            return False
    wait_for(started, 120, "the second run to record its cells")
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    time.sleep(1)
    check(proc.poll() is None, "after one SIGINT the running cell has its grace period")
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    check(proc.returncode == 130, f"second SIGINT exit {proc.returncode}")
    check(time.time() - t0 < 5, "second SIGINT exits at once")
    # The running agent (its own process group) is killed, not orphaned: no process still
    # reads this run's cell spec (named after the orchestrator's pid).
    def leftovers():
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if f"cell-{proc.pid}-".encode() in f.read():
                        found.append(pid)
            except OSError:
                pass
        return found
    wait_for(lambda: not leftovers(), 5, "the running agent to be gone after the second SIGINT")
    con = sqlite3.connect(db2)
    check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "the store stays consistent")
    check(con.execute("SELECT status FROM cells").fetchone()[0] == "pending", "the unfinished cell stays pending")


def gates(env):
    """A quantized cell losing more than gates.accuracy_drop: exit 4 and a JUnit failure naming it."""
    bad = os.path.join(env.shared, "conformance", "mnist_ffn_int8", "model.tflite")
    if not os.path.exists(bad):
        skip("conformance model not found: " + bad)
    # int8-only here is the seed's MNIST network (digits), scored on Fashion-MNIST: a big drop.
    m = env.matrix(header("e2e-gates") + f"""models:
  - name: mixed
    artifacts: {{fp32: zoo:fc-small, int8-only: {bad}}}
    dataset: fashion-test
schemes: [fp32, int8-only]
targets:
  - {{name: x86, kind: local}}
gates: {{accuracy_drop: 0.05}}
""")
    p = env.run("run", m, "--db", env.db)
    check(p.returncode == 4, f"exit {p.returncode}, expected 4")
    check("gate failed: mixed int8-only on x86" in p.stdout, "the summary names the cell")
    path = os.path.join(env.dir, "junit.xml")
    p = env.run("report", "--db", env.db, "--junit", "-o", path)
    check(p.returncode == 0, "junit report")
    failures = ET.parse(path).getroot().findall(".//failure")
    check(len(failures) == 1 and failures[0].get("type") == "gate:accuracy_drop", "one gate failure in JUnit")
    (cell_id,) = env.sql("SELECT cell_id FROM cells WHERE scheme = 'int8-only'")[0]
    check(cell_id in failures[0].get("message", ""), "the JUnit failure names the cell")


def invalid(env):
    """Invalid input exits 2 with file:line:col, before anything runs."""
    m = env.matrix("version: 1\nname: bad\nmodels: []\nschemes: [fp32, int9]\ntargets: [{name: x, kind: local}]\n")
    p = env.run("run", m, "--db", env.db)
    check(p.returncode == 2, f"exit {p.returncode}, expected 2")
    check(m + ":4:" in p.stderr, "error names file:line:col")
    check(not os.path.exists(env.db), "nothing was recorded")
    p = env.run("run", os.path.join(env.dir, "missing.yaml"))
    check(p.returncode == 2, "missing matrix → 2")
    good = env.matrix(header("ok") + "models:\n" + FC_SMALL + "schemes: [fp32]\ntargets: [{name: x86, kind: local}]\n",
                      "good.yaml")
    p = env.run("run", good, "--db", env.db, "--resume", "41")
    check(p.returncode == 2 and "no results store" in p.stderr, "--resume without a store → 2")
    check(not os.path.exists(env.db), "--resume does not create a store")
    sqlite3.connect(env.db).close()  # an empty file: Open creates the schema
    p = env.run("run", good, "--db", env.db, "--resume", "41")
    check(p.returncode == 2 and "no run 41" in p.stderr, "--resume of an unknown run → 2")
    p = env.run("report", "--db", env.db, "--run", "abc", "--md")
    check(p.returncode == 2, "report --run abc → 2")
    p = env.run("report", "--db", os.path.join(env.dir, "none.sqlite"), "--md")
    check(p.returncode == 2 and "no results store" in p.stderr, "report on a missing store → 2")
    p = env.run("report", "--db", env.db)
    check(p.returncode == 2, "report without a format → 2")
    p = env.run("run", good, "--jobs", "-1")
    check(p.returncode == 2, "--jobs -1 → 2")


def fail_fast_and_jobs(env):
    """A benchmark failure is recorded and not retried; --fail-fast stops the sweep; --jobs 1
    runs one target at a time; an unsupported target kind fails its cells with the reason."""
    garbage = os.path.join(env.dir, "garbage.tflite")
    with open(garbage, "wb") as f:
        f.write(b"this is not a flatbuffer" * 10)
    body = header("e2e-ff", retries=2) + f"""models:
  - name: broken
    artifacts: {{fp32: {garbage}, int8: {garbage}}}
    dataset: fashion-test
""" + FC_SMALL + """schemes: [fp32, int8]
targets:
  - {name: a, kind: local}
"""
    m = env.matrix(body)
    p = env.run("run", m, "--db", env.db)
    check(p.returncode == 3, f"a failed cell → exit 3, got {p.returncode}")
    rows = env.sql("SELECT model, status, attempts, reason FROM cells")
    broken = [r for r in rows if r[0] == "broken"]
    check(all(s == "failed" and a == 1 for _, s, a, _ in broken), f"failed, not retried: {broken}")
    check(all(s == "ok" for mo, s, _, _ in rows if mo == "fc-small"), "the other cells still ran")

    db = os.path.join(env.dir, "ff.sqlite")
    p = env.run("run", m, "--db", db, "--fail-fast")
    check(p.returncode == 3, f"--fail-fast exit {p.returncode}")
    st = [s for (s,) in sqlite3.connect(db).execute("SELECT status FROM cells ORDER BY rowid")]
    check(st[0] == "failed" and all(s == "interrupted" for s in st[1:]), f"fail-fast stops after the first: {st}")
    # Resuming with a different agent build would mix artifacts within one run: refused.
    alt = os.path.join(env.dir, "agents-alt")
    os.makedirs(os.path.join(alt, "x86_64"))
    shutil.copy(os.path.join(env.agents, "x86_64", "bsb-agent"), os.path.join(alt, "x86_64", "bsb-agent"))
    with open(os.path.join(alt, "x86_64", "bsb-agent"), "ab") as f:
        f.write(b"\0")  # still the same program, but other bytes
    p = env.run("run", m, "--db", db, "--resume", "1", "--agents-dir", alt)
    check(p.returncode == 2 and "artifacts of these cells changed" in p.stderr, "resume refuses changed artifacts")
    p = env.run("run", m, "--db", db, "--resume", "1")
    check(p.returncode == 3, f"resume re-runs the interrupted and failed cells: exit {p.returncode}")
    st = dict(sqlite3.connect(db).execute("SELECT model || '/' || scheme, status FROM cells").fetchall())
    check(st == {"broken/fp32": "failed", "broken/int8": "failed", "fc-small/fp32": "ok", "fc-small/int8": "ok"},
          f"after resume: {st}")

    # --jobs 1: target b starts only after target a is done.
    m2 = env.matrix(header("e2e-jobs", samples=100, runs=100) + "models:\n" + FC_SMALL +
                    """schemes: [fp32, float16, int8]
targets:
  - {name: a, kind: local}
  - {name: b, kind: local}
  - {name: mcu, kind: qemu-mcu, board: nucleo-l4r5zi}
exclude: [{target: mcu, scheme: [float16, int8]}]
""", "jobs.yaml")
    db = os.path.join(env.dir, "jobs.sqlite")
    p = env.run("run", m2, "--db", db, "--jobs", "1")
    check(p.returncode == 3, f"exit 3 (no firmware is built for the qemu-mcu board), got {p.returncode}")
    con = sqlite3.connect(db)
    spans = {t: con.execute("SELECT MIN(started_at), MAX(finished_at) FROM cells WHERE target = ?", (t,)).fetchone()
             for t in ("a", "b")}
    first, second = sorted(spans.values())
    check(first[1] <= second[0], f"--jobs 1: targets one after the other: {spans}")
    (status, reason) = con.execute("SELECT status, reason FROM cells WHERE target = 'mcu'").fetchone()
    check(status == "failed" and "no firmware for board 'nucleo-l4r5zi'" in reason, f"qemu-mcu cell: {status} {reason}")


def run_on_pty(env, args, extra_env):
    """Runs bsb-matrix with stderr on a pseudo-terminal; returns (exit code, what the terminal got)."""
    import pty
    master, slave = pty.openpty()
    proc = subprocess.Popen(env.cmd(*args), env=dict(env.env, **extra_env), stdout=subprocess.PIPE,
                            stderr=slave, text=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def terminal(env):
    """On a terminal: a live line per target, redrawn in place; colour unless NO_COLOR; --quiet."""
    m = env.matrix(header("e2e-tty") + "models:\n" + FC_SMALL + """schemes: [fp32, int8]
targets:
  - {name: alpha, kind: local}
  - {name: beta, kind: local}
""")
    env.env.pop("NO_COLOR", None)
    rc, tty = run_on_pty(env, ["run", m, "--db", env.db], {})
    check(rc == 0, f"exit {rc}")
    check("\x1b[2F\x1b[J" in tty, "the two target lines are redrawn in place")
    check("alpha" in tty and "beta" in tty and "2/2" in tty, "a line per target with done/total")
    check("\x1b[32m" in tty, "colour on a terminal")
    check("(cell " not in tty, "no per-cell log lines on a terminal when all is well")
    rc, tty = run_on_pty(env, ["run", m, "--db", env.db], {"NO_COLOR": "1"})
    check(rc == 0 and "\x1b[2F" in tty and "\x1b[32m" not in tty, "NO_COLOR: live lines, no colour")
    rc, tty = run_on_pty(env, ["run", m, "--db", env.db, "--quiet"], {})
    check(rc == 0 and tty.strip() == "", f"--quiet: nothing on the terminal, got {tty!r}")


CNN_SMALL = """  - name: cnn-small
    source: zoo:cnn-small
    dataset: fashion-test
    calibration: {dataset: fashion-train, samples: 50}
"""


def mcu(env):
    """The emulated Cortex-M4 (qemu-mcu, mps2-an386) beside x86 on the zoo's int8 models: the
    same predictions and accuracy as the x86 int8 cells, flash/RAM/arena reported, dynamic and
    float16 unsupported with the reason, instruction counts identical across two runs."""
    firmware = os.path.join(env.agents, "mcu", "bsb-firmware-mps2-an386.elf")
    if not os.path.exists(firmware):
        skip("no firmware at " + firmware)
    if shutil.which("qemu-system-arm") is None:
        skip("qemu-system-arm not installed")
    m = env.matrix(header("e2e-mcu", samples=30, runs=3) + "models:\n" + FC_SMALL + CNN_SMALL +
                   """schemes: [int8, int8-only, dynamic, float16]
targets:
  - {name: x86, kind: local}
  - {name: m4-emu, kind: qemu-mcu, board: mps2-an386, budget: {flash: 2MiB, ram: 640KiB}}
exclude: [{target: x86, scheme: [dynamic, float16]}]
""")
    instructions = []
    for attempt in (1, 2):
        p = env.run("run", m, "--db", env.db, timeout=600)
        check(p.returncode == 0, f"run {attempt}: exit {p.returncode}, expected 0")
        (run_id,) = env.sql("SELECT MAX(id) FROM runs")[0]
        cells = env.sql("SELECT model, scheme, target, status, reason FROM cells WHERE run_id = ?", run_id)
        check(len(cells) == 12, f"12 cells, got {len(cells)}")
        for model, scheme, target, status, reason in cells:
            if scheme in ("dynamic", "float16"):
                check(target == "m4-emu" and status == "unsupported" and scheme in reason,
                      f"{model}/{scheme}/{target}: {status} ({reason})")
            else:
                check(status == "ok", f"{model}/{scheme}/{target}: {status} ({reason})")
        rows = env.sql("SELECT c.model, c.scheme, c.target, r.accuracy, p.encoded, r.emulated, r.result_json "
                       "FROM cells c JOIN results r USING (run_id, cell_id) JOIN predictions p USING (run_id, cell_id) "
                       "WHERE run_id = ?", run_id)
        by = {(mo, sc, t): (acc, pred, emu, json.loads(doc)) for mo, sc, t, acc, pred, emu, doc in rows}
        counts = {}
        for (mo, sc, t), (acc, pred, emu, doc) in by.items():
            if t != "m4-emu":
                check(not emu, f"x86 {mo}/{sc} is native")
                continue
            x86 = by[(mo, sc, "x86")]
            check(pred == x86[1], f"{mo}/{sc}: M4 predictions identical to x86")
            check(acc == x86[0], f"{mo}/{sc}: M4 accuracy identical to x86 ({acc} vs {x86[0]})")
            check(emu, f"M4 {mo}/{sc} stamped emulated")
            met = doc["metrics"]
            for k in ("flash_bytes", "ram_bytes", "arena_bytes", "instructions"):
                check(met.get(k, 0) > 0, f"M4 {mo}/{sc} reports {k}")
            check(met["flash_bytes"] > met["size_bytes"], f"M4 {mo}/{sc}: flash = firmware + model")
            check(met["instructions"] < 10**9, f"M4 {mo}/{sc}: plausible instruction count {met['instructions']}")
            counts[(mo, sc)] = met["instructions"]
        instructions.append(counts)
    # The same firmware on the same inputs under -icount: the same instruction counts, bit for bit.
    for key, first in instructions[0].items():
        second = instructions[1][key]
        check(first == second, f"{key}: instructions {first} then {second}")
    for (mo, sc), n in sorted(instructions[0].items()):
        print(f"[mcu] {mo}/{sc}: {n} instructions per inference on the emulated M4")


SCENARIOS = {
    "mcu": mcu,
    "terminal": terminal,
    "quickstart": quickstart,
    "resume": resume_after_kill,
    "sigint": sigint,
    "gates": gates,
    "invalid": invalid,
    "failfast": fail_fast_and_jobs,
}


def main():
    scenario, bsb, agents, work = sys.argv[1:5]
    shared = sys.argv[5] if len(sys.argv) > 5 else ""
    if not os.path.exists(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz")):
        skip("Fashion-MNIST not found in " + FASHION + " (Debian package dataset-fashion-mnist)")
    env = Env(scenario, bsb, agents, work, shared)
    try:
        SCENARIOS[scenario](env)
    except AssertionError as e:
        print("FAILED: " + str(e))
        return 1
    print("PASSED: " + scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
