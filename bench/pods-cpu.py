#!/usr/bin/env python3
"""`parley bench pods` with the pods' CPU: runs the bench from a jar and adds to each line it prints the CPU seconds
each pod process used since the line before (read from /proc every 50 ms; a pod killed and restarted is summed over its
processes). The bench prints a backlog's "written" line and its "replay" line together, after the replay, so a written
line's figure for pod-b is that replay's receiver CPU (plus the idle pod-b while the backlog was written).

Usage: bench/pods-cpu.py <jar> <tag> [bench pods options...]     (pods' data and logs in /tmp/parley-pods-cpu-<tag>)
Linux only. Used for docs/benchmarks.md, "Pods, 2026-12-08"."""
import os, subprocess, sys, threading, time

jar, tag = sys.argv[1], sys.argv[2]
extra = sys.argv[3:]
bdir = f"/tmp/parley-pods-cpu-{tag}"
subprocess.run(["rm", "-rf", bdir])
tick = os.sysconf("SC_CLK_TCK")
seen = {}  # pid -> (pod, ticks)
lock = threading.Lock()
stop = False

def pod_of(pid):
    try:
        args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        return None
    for i, a in enumerate(args):
        if a == b"--data-dir" and i + 1 < len(args):
            d = args[i + 1].decode()
            if d.startswith(bdir + "/"):
                return d[len(bdir) + 1:]
    return None

def sample():
    while not stop:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            with lock:
                known = seen.get(pid)
            pod = known[0] if known else pod_of(pid)
            if pod is None:
                continue
            try:
                f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                ticks = int(f[11]) + int(f[12])
            except (OSError, IndexError):
                continue
            with lock:
                seen[pid] = (pod, ticks)
        time.sleep(0.05)

def cpu():
    with lock:
        out = {}
        for pod, ticks in seen.values():
            out[pod] = out.get(pod, 0) + ticks
        return out

t = threading.Thread(target=sample, daemon=True)
t.start()
java = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"
p = subprocess.Popen([java, "-jar", jar, "bench", "pods", "--dir", bdir] + extra, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
last = cpu()
start = time.time()
for line in p.stdout:
    now = cpu()
    d = {k: (now.get(k, 0) - last.get(k, 0)) / tick for k in sorted(set(now) | set(last))}
    last = now
    cpus = " ".join(f"{k}={v:.1f}s" for k, v in d.items())
    print(f"[{time.time() - start:7.1f}s] {line.rstrip()}  || CPU since previous line: {cpus}", flush=True)
p.wait()
stop = True
print(f"load average: {open('/proc/loadavg').read().strip()}")
