#!/usr/bin/env python3
"""End-to-end delivery benchmark: James 3.8.1 + Null (ceiling), stock RemoteDelivery, TieredRemoteDelivery and
Postfix 3.7, side by side on one machine, against the same receiving SMTP servers on loopback addresses.

Run it through bench/e2e/run.sh (which installs Postfix and builds James first); `run.sh --help` lists the options.
Python 3 standard library only. Every process it starts is stopped on exit, on an error and on Ctrl-C.
"""

import argparse
import copy
import json
import os
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
JAMES_HOME = REPO / "demo" / "target" / "james"
CONF = REPO / "conf"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MAIN_CLASS = "org.apache.james.MemoryJamesServerMain"
TIERED_MAILET = "io.github.tiereddelivery.mailets.TieredRemoteDelivery"
DOMAIN = "bench.test"
SENDER = "sender@" + DOMAIN
RECEIVER_IPS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
HUNG_IP = "127.0.0.5"
BACKUP_IP = "127.0.0.6"
DNS_IP = "127.0.83.53"  # dnsmasq for Postfix's MX variant; port 53 (Postfix's resolver cannot take a port)

CASES = {
    "a": "James + Null mailet (ceiling)",
    "q": "James + queue only (QueueOnly.java)",
    "b": "James + stock RemoteDelivery, gateway list",
    "c": "James + TieredRemoteDelivery, one tier",
    "d": "Postfix 3.7, transport next-hop list",
    "dmx": "Postfix 3.7, 3 equal-preference MX",
}

# Cases that deliver nothing: the receivers play no part, a run is over when James' queues are empty.
NOT_DELIVERING = ("a", "q")

STARTED = time.monotonic()


def log(message):
    elapsed = time.monotonic() - STARTED
    print(f"[{int(elapsed) // 60:3d}:{int(elapsed) % 60:02d}] {message}", flush=True)


class BenchError(Exception):
    pass


# ----------------------------------------------------------------------------------------------------------------
# Processes: every one started here is registered and stopped at exit, in reverse order.

class Cleanup:
    def __init__(self):
        self.actions = []
        self.lock = threading.Lock()

    def add(self, name, action):
        with self.lock:
            self.actions.append((name, action))
        return action

    def remove(self, action):
        with self.lock:
            self.actions = [(n, a) for (n, a) in self.actions if a is not action]

    def run(self):
        while True:
            with self.lock:
                if not self.actions:
                    return
                name, action = self.actions.pop()
            try:
                action()
            except Exception as e:  # keep stopping the others
                print(f"cleanup: stopping {name} failed: {e}", file=sys.stderr, flush=True)


CLEANUP = Cleanup()


def terminate(process, name, term_timeout=60.0, kill_timeout=10.0):
    """SIGTERM, then SIGKILL after term_timeout; returns once the process has ended (bounded)."""
    if process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(term_timeout)
    except subprocess.TimeoutExpired:
        log(f"{name} (pid {process.pid}) still running {term_timeout:.0f} s after SIGTERM: SIGKILL")
        process.kill()
        try:
            process.wait(kill_timeout)
        except subprocess.TimeoutExpired:
            print(f"{name} (pid {process.pid}) survived SIGKILL", file=sys.stderr)


def start_process(name, command, term_timeout=60.0, **kwargs):
    """Popen in its own session (a Ctrl-C on the terminal reaches this script only); stopped at exit."""
    process = subprocess.Popen(command, start_new_session=True, **kwargs)
    action = CLEANUP.add(name, lambda: terminate(process, name, term_timeout))
    process.cleanup_action = action
    return process


def stop_process(process, name, term_timeout=60.0):
    terminate(process, name, term_timeout)
    CLEANUP.remove(process.cleanup_action)


def cpu_ticks(pid, children=False):
    """utime + stime of a process (+ cutime + cstime: its reaped children) from /proc/PID/stat, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks


def children_of(pid):
    result = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            result.append(int(entry))
    return result


def free_port(ips, tries=200):
    """A TCP port free on every one of the addresses (checked by binding it)."""
    for _ in range(tries):
        port = random.randint(20000, 59999)
        sockets = []
        try:
            for ip in ips:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(s)
                s.bind((ip, port))
            return port
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise BenchError(f"no free port on {ips}")


def smtp_greets(host, port, timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            greeting = s.makefile("rb").readline()
            try:
                s.sendall(b"QUIT\r\n")
            except OSError:
                pass
            return greeting.startswith(b"220")
    except OSError:
        return False


# ----------------------------------------------------------------------------------------------------------------
# The receiving servers (Receiver.java, one JVM).

class Receivers:
    def __init__(self, workdir):
        self.log_path = workdir / "receiver.log"
        self.log_file = open(self.log_path, "wb")
        command = ["java", "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", str(HERE / "Receiver.java")]
        self.process = start_process("receivers", command, term_timeout=10, stdout=subprocess.PIPE,
                                     stderr=self.log_file)
        line = self._readline_bounded(60)
        if not line.startswith("READY "):
            raise BenchError(f"Receiver.java did not start: {line!r}; see {self.log_path}")
        self.control = int(line.split()[1])
        self.offset_ns = self._clock_offset()

    def _readline_bounded(self, timeout):
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline().decode().strip()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0] if result else "(nothing within %d s)" % timeout

    def command(self, line, timeout=30):
        with socket.create_connection(("127.0.0.1", self.control), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall((line + "\n").encode())
            reply = s.makefile("r").readline().strip()
        if reply.startswith("ERR"):
            raise BenchError(f"receiver: {line}: {reply}")
        return reply

    def _clock_offset(self):
        """Receiver nanoTime minus this process' monotonic_ns (both CLOCK_MONOTONIC on Linux: about 0)."""
        samples = []
        for _ in range(5):
            before = time.monotonic_ns()
            java = int(self.command("CLOCK").split()[1])
            after = time.monotonic_ns()
            samples.append((after - before, java - (before + after) // 2))
        return min(samples)[1]

    def to_local_ns(self, receiver_ns):
        return receiver_ns - self.offset_ns

    def listen(self, name, ip, port, delay_ms, mode="smtp"):
        self.command(f"LISTEN {name} {ip} {port} {delay_ms} {mode}")

    def stats(self):
        return json.loads(self.command("STATS"))

    def reset(self):
        self.command("RESET")

    def arrivals(self, path):
        self.command(f"DUMP {path}")
        result = []
        with open(path) as f:
            for line in f:
                server, nanos, message_id, recipient, bounce = line.rstrip("\n").split("\t")
                result.append((server, self.to_local_ns(int(nanos)), message_id, recipient, bounce == "1"))
        return result

    def cpu(self):
        return cpu_ticks(self.process.pid)

    def stop(self):
        try:
            self.command("EXIT", timeout=5)
        except (OSError, BenchError):
            pass
        stop_process(self.process, "receivers", term_timeout=10)
        self.log_file.close()


# ----------------------------------------------------------------------------------------------------------------
# James: the memory server of demo/target/james started as the official image starts it, as a separate JVM.

def xml_tree(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    return ET.parse(path, parser)


def set_property(path, key, value):
    lines = path.read_text(encoding="iso-8859-1").splitlines()
    out, done = [], False
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith(("#", "!")) and stripped.split("=", 1)[0].strip() == key:
            if not done:
                out.append(f"{key}={value}")
                done = True
            continue
        out.append(line)
    if not done:
        out.append(f"{key}={value}")
    path.write_text("\n".join(out) + "\n", encoding="iso-8859-1")


def mailet(class_name, parameters):
    element = ET.Element("mailet", {"match": "All", "class": class_name})
    for name, value in parameters:
        child = ET.SubElement(element, name)
        child.text = str(value)
    return element


def project_tiered_mailet():
    """The TieredRemoteDelivery mailet of the project's conf/mailetcontainer.xml (its shipped parameters)."""
    root = xml_tree(CONF / "mailetcontainer.xml").getroot()
    found = [m for m in root.iter("mailet") if m.get("class") == TIERED_MAILET]
    if len(found) != 1:
        raise BenchError(f"conf/mailetcontainer.xml has {len(found)} {TIERED_MAILET} mailets, expected 1")
    return found[0]


def parameters_of(element):
    return [(child.tag, (child.text or "").strip()) for child in element if isinstance(child.tag, str)]


def with_parameters(element, overrides):
    result = copy.deepcopy(element)
    for child in list(result):
        if not isinstance(child.tag, str):
            result.remove(child)  # comments
    for name, value in overrides:
        existing = [child for child in result if child.tag == name]
        if existing:
            existing[0].text = str(value)
        else:
            ET.SubElement(result, name).text = str(value)
    return result


class James:
    """One James JVM. relay: the <mailet> elements of the relay processor; routes: delivery-routes.xml text."""

    def __init__(self, name, root, relay, routes, heap, java_options=(), extra_jars=()):
        self.name = name
        self.extra_jars = list(extra_jars)
        self.dir = root / f"james-{name}"
        self.relay = relay
        self.routes = routes
        self.heap = heap
        self.java_options = list(java_options)
        self.process = None
        self.smtp_port = None
        self.webadmin_port = None

    def prepare(self):
        self.dir.mkdir(parents=True)
        conf = self.dir / "conf"
        shutil.copytree(CONF, conf)
        (self.dir / "logs").mkdir()
        self.smtp_port = free_port(["127.0.0.1"])
        self.webadmin_port = free_port(["127.0.0.1"])

        tree = xml_tree(conf / "smtpserver.xml")
        enabled = [s for s in tree.getroot().iter("smtpserver") if s.get("enabled", "true") != "false"]
        if len(enabled) != 1:
            raise BenchError(f"conf/smtpserver.xml: expected one enabled SMTP server, found {len(enabled)}")
        enabled[0].find("bind").text = f"127.0.0.1:{self.smtp_port}"
        tree.write(conf / "smtpserver.xml", encoding="utf-8", xml_declaration=True)

        set_property(conf / "webadmin.properties", "host", "127.0.0.1")
        set_property(conf / "webadmin.properties", "port", str(self.webadmin_port))
        set_property(conf / "jmx.properties", "jmx.enabled", "false")

        tree = xml_tree(conf / "mailetcontainer.xml")
        relays = [p for p in tree.getroot().iter("processor") if p.get("state") == "relay"]
        if len(relays) != 1:
            raise BenchError("conf/mailetcontainer.xml: expected one relay processor")
        relay = relays[0]
        for child in list(relay):
            relay.remove(child)
        for element in self.relay:
            relay.append(element)
        ET.indent(tree)
        tree.write(conf / "mailetcontainer.xml", encoding="utf-8", xml_declaration=True)

        (conf / "delivery-routes.xml").write_text(self.routes, encoding="utf-8")
        extensions = self.dir / "extensions-jars"
        extensions.mkdir()
        for jar in sorted((JAMES_HOME / "extensions-jars").glob("*.jar")) + self.extra_jars:
            shutil.copy(jar, extensions / jar.name)

    def start(self, timeout=180):
        self.prepare()
        command = [
            "java", f"-Xmx{self.heap}", *self.java_options,
            f"-Dworking.directory={self.dir}",
            f"-Dextra.props={self.dir / 'conf' / 'jvm.properties'}",
            f"-Dlogback.configurationFile={self.dir / 'conf' / 'logback.xml'}",
            "-Djdk.tls.ephemeralDHKeySize=2048",
            "-cp", str(JAMES_HOME / "libs" / "*"),
            MAIN_CLASS,
        ]
        console = open(self.dir / "logs" / "console.log", "wb")
        self.process = start_process(f"James ({self.name})", command, term_timeout=60, cwd=self.dir,
                                     stdout=console, stderr=subprocess.STDOUT)
        console.close()
        deadline = time.monotonic() + timeout
        next_note = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"James ({self.name}) exited with status {self.process.returncode} while "
                                 f"starting:\n{self.tail()}")
            if smtp_greets("127.0.0.1", self.smtp_port) and self.http_status("/healthcheck") == 200:
                log_file = self.dir / "logs" / "james.log"
                self.log_offset = log_file.stat().st_size if log_file.exists() else 0
                return
            if time.monotonic() > deadline:
                raise BenchError(f"James ({self.name}) not ready within {timeout} s:\n{self.tail()}")
            if time.monotonic() > next_note:
                log(f"  still waiting for James ({self.name}) to start")
                next_note += 15
            time.sleep(0.25)

    def tail(self, lines=30):
        path = self.dir / "logs" / "console.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no console log)"

    def http(self, path, timeout=5):
        url = f"http://127.0.0.1:{self.webadmin_port}{path}"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()

    def http_status(self, path):
        try:
            return self.http(path)[0]
        except (OSError, urllib.error.URLError):
            return None

    def queue_size(self, name):
        """Mail in James' queue NAME, those being processed included; None when there is no such queue."""
        try:
            status, body = self.http(f"/mailQueues/{name}")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise
        return int(json.loads(body)["size"])

    def repository_size(self, path):
        try:
            status, body = self.http("/mailRepositories/" + urllib.parse.quote(path, safe=""))
            return int(json.loads(body).get("size", 0))
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return 0
            raise

    def problems(self):
        """Counts the ERROR and WARN lines James logged once started, and keeps a few distinct ones."""
        path = self.dir / "logs" / "james.log"
        counts = {"ERROR": 0, "WARN": 0}
        samples = []
        try:
            with open(path, errors="replace") as f:
                f.seek(getattr(self, "log_offset", 0))
                for line in f:
                    for level in counts:
                        if f"[{level}" in line[:40]:
                            counts[level] += 1
                            key = line[13:200].strip()
                            if len(samples) < 5 and not any(key[:80] == s[:80] for s in samples):
                                samples.append(key)
        except OSError:
            pass
        return counts, samples

    def cpu(self):
        return cpu_ticks(self.process.pid)

    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process is not None:
            stop_process(self.process, f"James ({self.name})", term_timeout=60)
            self.process = None


# ----------------------------------------------------------------------------------------------------------------
# Postfix 3.7: an instance of its own (config, queue and data directories in the work folder).

POSTFIX_MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{listen} inet n       -       n       -       -       smtpd
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    def __init__(self, name, root, transport, extra=None, dns=None):
        self.name = name
        self.dir = root / f"postfix-{name}"
        self.etc = self.dir / "etc"
        self.queue = self.dir / "queue"
        self.transport = transport
        self.extra = extra or {}
        self.dns = dns  # a resolv.conf text: Postfix then runs in a mount namespace where it is /etc/resolv.conf
        self.smtp_port = None
        self.master = None

    def prepare(self, root):
        self.etc.mkdir(parents=True)
        self.queue.mkdir()  # root's; 'postfix start' creates what is below it with Postfix' owners
        (self.dir / "data").mkdir()
        shutil.chown(self.dir / "data", "postfix")  # the master's lock file
        self.smtp_port = free_port(["127.0.0.1"])
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": str(self.queue),
            "data_directory": str(self.dir / "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "postfix-bench.invalid",
            "mydomain": "postfix-bench.invalid",
            "mydestination": "",
            "local_recipient_maps": "",
            "local_transport": "error:5.1.1 local delivery is disabled",
            "alias_maps": "",
            "alias_database": "",
            "relay_domains": "",
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "transport_maps": f"texthash:{self.etc / 'transport'}",
            "maillog_file": str(self.dir / "maillog"),
            "maillog_file_prefixes": str(root),
            "smtp_tls_security_level": "none",
            "smtpd_tls_security_level": "none",
            "smtputf8_enable": "no",
            "biff": "no",
            "smtpd_peername_lookup": "no",  # as James here (james.protocols.mdc.hostname=false)
            "notify_classes": "",
        }
        settings.update(self.extra)
        (self.etc / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        (self.etc / "master.cf").write_text(POSTFIX_MASTER_CF.format(listen=f"127.0.0.1:{self.smtp_port}"))
        (self.etc / "transport").write_text(self.transport + "\n")
        if self.dns:
            (self.etc / "resolv.conf").write_text(self.dns)

    def start(self, root, timeout=60):
        self.prepare(root)
        command = ["postfix", "-c", str(self.etc), "start"]
        if self.dns:
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       f"mount --bind '{self.etc / 'resolv.conf'}' /etc/resolv.conf && exec postfix -c '{self.etc}' start"]
        self.cleanup_action = CLEANUP.add(f"Postfix ({self.name})", self.stop)
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise BenchError(f"postfix start failed ({result.returncode}): {result.stdout}{result.stderr}"
                             f"{self.maillog_tail()}")
        deadline = time.monotonic() + timeout
        while not smtp_greets("127.0.0.1", self.smtp_port):
            if time.monotonic() > deadline:
                raise BenchError(f"Postfix ({self.name}) does not answer on port {self.smtp_port}; see "
                                 f"{self.dir / 'maillog'}")
            time.sleep(0.2)
        self.master = self.master_pid()

    def maillog_tail(self, lines=8):
        try:
            return "\n" + "\n".join((self.dir / "maillog").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def master_pid(self):
        try:
            return int((self.queue / "pid" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def cpu(self):
        """The master's own and reaped children's CPU, plus its live children's (smtpd, smtp, qmgr, cleanup…)."""
        total = cpu_ticks(self.master, children=True)
        for child in children_of(self.master):
            try:
                total += cpu_ticks(child)
            except OSError:
                pass  # ended meanwhile: counted in the master's cutime once reaped
        return total

    def pid(self):
        return self.master

    def queued(self):
        count = 0
        for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(self.queue / sub):
                count += len(files)
        return count

    def problems(self):
        counts = {"ERROR": 0, "WARN": 0}
        samples = []
        try:
            with open(self.dir / "maillog", errors="replace") as f:
                for line in f:
                    if "fatal:" in line or "panic:" in line or "error:" in line:
                        counts["ERROR"] += 1
                    elif "warning:" in line or "status=deferred" in line or "status=bounced" in line:
                        counts["WARN"] += 1
                    else:
                        continue
                    key = line.split(": ", 1)[-1].strip()[:200]
                    if len(samples) < 5 and not any(key[:60] == s[:60] for s in samples):
                        samples.append(key)
        except OSError:
            pass
        return counts, samples

    def stop(self):
        CLEANUP.remove(getattr(self, "cleanup_action", None))
        master = self.master or self.master_pid()
        if master is None or not os.path.exists(f"/proc/{master}"):
            return
        subprocess.run(["postfix", "-c", str(self.etc), "stop"], capture_output=True, timeout=30)
        deadline = time.monotonic() + 20
        while os.path.exists(f"/proc/{master}") and time.monotonic() < deadline:
            time.sleep(0.2)
        if os.path.exists(f"/proc/{master}"):
            log(f"Postfix ({self.name}) master {master} still running 20 s after 'postfix stop': SIGKILL")
            for pid in children_of(master) + [master]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        self.master = None


class Dnsmasq:
    """dnsmasq on DNS_IP:53 serving mx.bench.test: three MX of preference 10 to the receivers."""

    def __init__(self, workdir, ips):
        command = ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                   "--no-hosts", "--pid-file", "--bind-interfaces", f"--listen-address={DNS_IP}", "--port=53",
                   "--local=/#/", "--local-ttl=300", "--log-facility=-"]
        for i, ip in enumerate(ips, 1):
            command.append(f"--host-record=mx{i}.{DOMAIN},{ip}")
            command.append(f"--mx-host=mx.{DOMAIN},mx{i}.{DOMAIN},10")
        self.log = open(workdir / "dnsmasq.log", "wb")
        self.process = start_process("dnsmasq", command, term_timeout=5, stdout=self.log, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        if self.process.poll() is not None:
            raise BenchError(f"dnsmasq exited ({self.process.returncode}); see {workdir / 'dnsmasq.log'}")

    def stop(self):
        stop_process(self.process, "dnsmasq", term_timeout=5)
        self.log.close()


# ----------------------------------------------------------------------------------------------------------------
# Injection with Postfix's smtp-source.

def smtp_source(port, count, sessions, size, recipient, injector_log):
    command = ["smtp-source", "-s", str(sessions), "-l", str(size), "-m", str(count), "-N",
               "-f", SENDER, "-t", recipient, "-M", "injector.invalid", f"127.0.0.1:{port}"]
    return start_process("smtp-source", command, term_timeout=5, stdout=injector_log, stderr=subprocess.STDOUT)


class Run:
    """One measured injection into one system, waiting until it is all through."""

    def __init__(self, args, receivers, system, case, label, count, workdir):
        self.args, self.receivers, self.system, self.case = args, receivers, system, case
        self.label, self.count, self.workdir = label, count, workdir

    def done_condition(self, stats, injector_done):
        if self.case == "a":
            return injector_done and self.system.queue_size("spool") == 0
        if self.case == "q":
            return injector_done and self.system.queue_size("spool") == 0 and self.system.queue_size("outgoing") == 0
        return stats["distinct"] >= self.count

    def execute(self, measured=True):
        receivers = self.receivers
        receivers.reset()
        bound = self.args.run_timeout or (90 + self.count / 15)
        injector_log = open(self.workdir / f"smtp-source-{self.label}.log", "wb")
        load_before = os.getloadavg()[0]
        cpu0, rcpu0 = self.system.cpu(), receivers.cpu()
        start = time.monotonic_ns()
        injector = smtp_source(self.system.smtp_port, self.count, self.args.sessions, self.args.size,
                               "user@" + DOMAIN, injector_log)
        injector_end = None
        last_progress, last_value = time.monotonic(), -1
        next_note = time.monotonic() + 10
        status = "ok"
        while True:
            if injector_end is None and injector.poll() is not None:
                injector_end = time.monotonic_ns()
            stats = receivers.stats() if self.case not in NOT_DELIVERING else {"distinct": 0}
            if self.done_condition(stats, injector_end is not None):
                break
            now = time.monotonic()
            if self.case in NOT_DELIVERING:
                # the ceilings: progress is the injection, then the queues emptying
                value = now if injector_end is None else (self.system.queue_size("spool"),
                                                          self.system.queue_size("outgoing"))
            else:
                value = stats["distinct"]
            if value != last_value:
                last_value, last_progress = value, now
            if now - last_progress > self.args.stall_timeout:
                status = f"stalled: no progress for {self.args.stall_timeout:.0f} s"
                break
            if now - start / 1e9 > bound:
                status = f"not done within {bound:.0f} s"
                break
            if measured and now > next_note:
                done = stats["distinct"] if self.case not in NOT_DELIVERING else "?"
                log(f"    {self.label}: {done}/{self.count} arrived, injector "
                    f"{'done' if injector_end else 'running'}")
                next_note = now + 10
            time.sleep(0.05)
        detected = time.monotonic_ns()
        cpu1, rcpu1 = self.system.cpu(), receivers.cpu()
        load_after = os.getloadavg()[0]
        if injector.poll() is None:
            stop_process(injector, "smtp-source", term_timeout=5)
            injector_end = injector_end or time.monotonic_ns()
        else:
            CLEANUP.remove(injector.cleanup_action)
        injector_log.close()
        injector_rc = injector.returncode
        if self.case in NOT_DELIVERING:
            end = detected
        else:
            end = receivers.to_local_ns(receivers.stats()["lastArrivalNs"]) if status == "ok" else detected
        time.sleep(self.args.settle)  # late duplicates or bounces would show up now
        stats = receivers.stats()
        arrivals = (receivers.arrivals(self.workdir / f"arrivals-{self.label}.tsv")
                    if self.case not in NOT_DELIVERING else [])
        seconds = max(end - start, 1) / 1e9
        result = {
            "status": status,
            "messages": self.count,
            "seconds": round(seconds, 3),
            "inject_seconds": round(((injector_end or detected) - start) / 1e9, 3),
            "msgs_per_s": round(self.count / seconds, 1) if status == "ok" else None,
            "cpu_s_per_1000": round((cpu1 - cpu0) / CLK_TCK / self.count * 1000, 3),
            "receiver_cpu_s_per_1000": round((rcpu1 - rcpu0) / CLK_TCK / self.count * 1000, 3),
            "injector_exit": injector_rc,
            "load_before": round(load_before, 2),
            "load_after": round(load_after, 2),
        }
        if self.case not in NOT_DELIVERING:
            servers = {name: s for name, s in stats["servers"].items() if name.startswith("r")}
            total = sum(s["messages"] for s in servers.values()) or 1
            ids = [a[2] for a in arrivals if not a[4]]
            result.update({
                "received": stats["messages"],
                "distinct": stats["distinct"],
                "duplicates": len(ids) - len(set(ids)),
                "lost": max(0, self.count - stats["distinct"]),
                "bounces": stats["bounces"],
                "sessions": sum(s["sessionsUsed"] for s in servers.values()),
                "sessions_opened": sum(s["sessions"] for s in servers.values()),
                "shares": {name: round(100.0 * s["messages"] / total, 1) for name, s in servers.items()},
                "per_server": servers,
            })
        return result


# ----------------------------------------------------------------------------------------------------------------
# The systems under test.

def routes_file(hosts):
    """hosts: [(ip, port, preference)]"""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<delivery-routes>", f'    <route domain="{DOMAIN}">']
    lines += [f'        <host preference="{pref}">[{ip}]:{port}</host>' for ip, port, pref in hosts]
    lines += ["    </route>", "</delivery-routes>", ""]
    return "\n".join(lines)


EMPTY_ROUTES = '<?xml version="1.0" encoding="UTF-8"?>\n<delivery-routes/>\n'


def common_delivery_parameters():
    """The shipped conf/ values of the parameters stock RemoteDelivery knows (outgoing under its code's name)."""
    shipped = dict(parameters_of(project_tiered_mailet()))
    result = [("outgoing", shipped.get("outgoingQueue", shipped.get("outgoing", "outgoing")))]
    for name in ("delayTime", "maxRetries", "maxDnsProblemRetries", "sendpartial", "bounceProcessor"):
        if name in shipped:
            result.append((name, shipped[name]))
    return result


def james_options(args):
    return shlex.split(args.james_java_options)


class QueueOnlyJar:
    """Case q's mailet (QueueOnly.java), compiled against James' own jars into a jar for its extensions-jars."""
    MAILET = "io.github.tiereddelivery.bench.e2e.QueueOnly"

    @staticmethod
    def build(root):
        classes, jar = root / "queue-only-classes", root / "queue-only.jar"
        if not jar.exists():
            for command in (["javac", "-nowarn", "-cp", str(JAMES_HOME / "libs" / "*"), "-d", str(classes),
                             str(HERE / "QueueOnly.java")],
                            ["jar", "cf", str(jar), "-C", str(classes), "."]):
                result = subprocess.run(command, capture_output=True, text=True, timeout=120)
                if result.returncode != 0:
                    raise BenchError(f"{' '.join(command[:1])} failed for QueueOnly.java:\n{result.stdout}{result.stderr}")
        return jar


def make_james(case, root, args, servers, timeouts=None, ordered=False, name=None):
    """servers: [(ip, port)] in order; ordered = fail-over (in order) rather than one balanced tier."""
    extra = [("timeout", timeouts), ("connectiontimeout", timeouts)] if timeouts else []
    name = name or case
    if case == "a":
        return James(name, root, [mailet("Null", [])], EMPTY_ROUTES, args.james_heap, james_options(args))
    if case == "q":
        parameters = [("outgoing", "outgoing"), ("deliveryThreads", args.threads)]
        return James(name, root, [mailet(QueueOnlyJar.MAILET, parameters)], EMPTY_ROUTES, args.james_heap,
                     james_options(args), extra_jars=[QueueOnlyJar.build(root)])
    if case == "b":
        parameters = common_delivery_parameters() + [
            ("deliveryThreads", args.threads),  # stock ignores it and uses 10 x cores threads
            ("gateway", ",".join(f"{ip}:{port}" for ip, port in servers)),
            ("loadBalancing", "false" if ordered else "true"),
        ] + extra
        return James(name, root, [mailet("RemoteDelivery", parameters)], EMPTY_ROUTES, args.james_heap, james_options(args))
    if case == "c":
        element = with_parameters(project_tiered_mailet(), [("deliveryThreads", args.threads),
                                                            ("routes", "file://conf/delivery-routes.xml")] + extra)
        hosts = [(ip, port, 10 * (i + 1) if ordered else 10) for i, (ip, port) in enumerate(servers)]
        return James(name, root, [element], routes_file(hosts), args.james_heap, james_options(args))
    raise ValueError(case)


def make_postfix(case, root, servers, timeouts=None, name=None):
    name = name or case
    extra = {}
    if timeouts:
        extra = {"smtp_connect_timeout": f"{timeouts // 1000}s", "smtp_helo_timeout": f"{timeouts // 1000}s"}
    if case == "d":
        hops = ",".join(f"[{ip}]:{port}" for ip, port in servers)
        return Postfix(name, root, f"{DOMAIN} smtp:{hops}", extra)
    if case == "dmx":
        port = servers[0][1]
        return Postfix(name, root, f"{DOMAIN} smtp:mx.{DOMAIN}:{port}", extra,
                       dns=f"nameserver {DNS_IP}\noptions timeout:1 attempts:2\n")
    raise ValueError(case)


# ----------------------------------------------------------------------------------------------------------------
# Throughput and fail-over runs.

def start_system(system, root):
    if isinstance(system, Postfix):
        system.start(root)
    else:
        system.start()


def throughput(args, root, results_dir, receivers, port, case, delays):
    servers = [(ip, port) for ip in RECEIVER_IPS]
    dnsmasq = None
    if case in ("d", "dmx"):
        system = make_postfix(case, root, servers)
        if case == "dmx":
            dnsmasq = Dnsmasq(root, RECEIVER_IPS)
    else:
        system = make_james(case, root, args, servers)
    results = {}
    try:
        log(f"{case}: starting {CASES[case]}")
        start_system(system, root)
        for delay in delays:
            label = f"{case}-{delay}ms"
            if args.warmup:
                # at 0 ms: the JIT compiles the same code whatever the delay, and it takes less time
                receivers.command("DELAY 0")
                log(f"  {label}: warm-up, {args.warmup} messages (0 ms per reply)")
                warm = Run(args, receivers, system, case, label + "-warmup", args.warmup, results_dir).execute(False)
                if warm["status"] != "ok":
                    raise BenchError(f"{label}: warm-up {warm['status']}")
            receivers.command(f"DELAY {delay}")
            runs = []
            for k in range(args.repeat):
                run_label = label if args.repeat == 1 else f"{label}-{k + 1}"
                log(f"  {run_label}: {args.messages} messages")
                result = Run(args, receivers, system, case, run_label, args.messages, results_dir).execute()
                if isinstance(system, James):
                    result["queues_after"] = {q: system.queue_size(q) for q in ("spool", "outgoing")}
                    result["error_repository"] = system.repository_size("memory://var/mail/error/")
                else:
                    result["queues_after"] = {"postfix": system.queued()}
                log(f"  {run_label}: {summary_line(result)}")
                runs.append(result)
            results[str(delay)] = median_run(runs)
    finally:
        counts, samples = system.problems()
        for delay in results:
            results[delay]["log_errors"] = counts
            results[delay]["log_samples"] = samples
        system.stop()
        keep_log(system, results_dir)  # with the shutdown
        if dnsmasq:
            dnsmasq.stop()
    return results


def median_run(runs):
    """The run with the median messages/s; lost, duplicates and bounces are added up over all runs."""
    ok = [r for r in runs if r["status"] == "ok"]
    chosen = dict(sorted(ok, key=lambda r: r["msgs_per_s"])[len(ok) // 2] if ok else runs[-1])
    if len(runs) > 1:
        chosen["runs_msgs_per_s"] = [r["msgs_per_s"] for r in runs]
        chosen["runs_cpu_s_per_1000"] = [r["cpu_s_per_1000"] for r in runs]
        for key in ("lost", "duplicates", "bounces"):
            if key in chosen:
                chosen[key] = sum(r.get(key, 0) for r in runs)
        if len(ok) < len(runs):
            chosen["status"] = "; ".join(r["status"] for r in runs if r["status"] != "ok")
    return chosen


def keep_log(system, results_dir):
    source = system.dir / ("logs/james.log" if isinstance(system, James) else "maillog")
    if source.exists():
        shutil.copy(source, results_dir / f"{system.name}-{'james.log' if isinstance(system, James) else 'maillog'}")


def summary_line(r):
    text = f"{r['msgs_per_s']} msg/s, {r['cpu_s_per_1000']} CPU-s/1000 msgs"
    if "sessions" in r:
        text += (f", {r['sessions']} sessions, shares {r['shares']}, lost {r['lost']}, dup {r['duplicates']}, "
                 f"bounces {r['bounces']}")
    if r["status"] != "ok":
        text += f" [{r['status']}]"
    return text


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def failover(args, root, results_dir, receivers, port, case):
    """Primary accepts and never greets, backup healthy; each message injected by its own smtp-source at a steady
    rate; latency = arrival at the backup minus the moment its smtp-source read the 250 to the end of data."""
    servers = [(HUNG_IP, port), (BACKUP_IP, port)]
    timeout_ms = args.failover_timeout * 1000
    if case == "d":
        system = make_postfix("d", root, servers, timeout_ms, name="d-failover")
    else:
        system = make_james(case, root, args, servers, timeouts=timeout_ms, ordered=True, name=f"{case}-failover")
    result = None
    try:
        log(f"fail-over {case}: starting {CASES[case]}")
        start_system(system, root)
        receivers.command("DELAY 0")
        receivers.reset()
        count, rate = args.failover_messages, args.failover_rate
        injected = {}
        lock = threading.Lock()
        threads = []

        def one(i):
            """One smtp-source for one message, verbose: the time it reads the 250 to the end of data is the moment
            the system under test took responsibility for the message."""
            recipient = f"fo{i}@{DOMAIN}"
            command = ["smtp-source", "-v", "-s", "1", "-m", "1", "-l", str(args.size), "-f", SENDER,
                       "-t", recipient, "-M", "injector.invalid", f"127.0.0.1:{system.smtp_port}"]
            began = time.monotonic_ns()
            process = start_process("smtp-source", command, term_timeout=5, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            killer = threading.Timer(60, process.kill)
            killer.start()
            accepted, after_dot = None, False
            for raw in process.stderr:
                line = raw.decode(errors="replace").rstrip()
                if line.endswith(": ."):
                    after_dot = True
                elif after_dot and "<<< " in line:
                    if line.split("<<< ", 1)[1].startswith("250") and accepted is None:
                        accepted = time.monotonic_ns()
                    after_dot = False
            killer.cancel()
            stop_process(process, "smtp-source", term_timeout=5)
            with lock:
                injected[recipient] = (began, accepted, process.returncode)

        cpu0 = system.cpu()
        t0 = time.monotonic_ns()
        log(f"  fail-over {case}: {count} messages at {rate}/s, primary hung, timeouts {args.failover_timeout} s")
        for i in range(count):
            due = t0 + int(i * 1e9 / rate)
            pause = (due - time.monotonic_ns()) / 1e9
            if pause > 0:
                time.sleep(pause)
            thread = threading.Thread(target=one, args=(i,), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(90)
        bound = time.monotonic() + 3 * args.failover_timeout + 120
        next_note = time.monotonic() + 10
        status = "ok"
        while receivers.stats()["distinct"] < count:
            if time.monotonic() > bound:
                status = "not all arrived"
                break
            if time.monotonic() > next_note:
                log(f"    fail-over {case}: {receivers.stats()['distinct']}/{count} arrived")
                next_note += 10
            time.sleep(0.1)
        cpu1 = system.cpu()
        time.sleep(args.settle)
        stats = receivers.stats()
        arrivals = receivers.arrivals(results_dir / f"arrivals-failover-{case}.tsv")
        first_arrival = {}
        for server, nanos, _, recipient, bounce in arrivals:
            if not bounce and (recipient not in first_arrival or nanos < first_arrival[recipient][0]):
                first_arrival[recipient] = (nanos, server)
        latencies, steady = [], []
        detection = t0 + timeout_ms * 1_000_000 + 1_000_000_000
        with open(results_dir / f"latency-failover-{case}.tsv", "w") as table:
            table.write("recipient\tinjection_start_ms\tinjected_ms\tarrived_ms\tlatency_ms\tserver\n")
            for recipient, (began, ended, rc) in sorted(injected.items(), key=lambda item: item[1][0]):
                arrival = first_arrival.get(recipient)
                latency = (arrival[0] - ended) / 1e6 if arrival and ended else None
                table.write(f"{recipient}\t{(began - t0) / 1e6:.1f}\t{(ended - t0) / 1e6 if ended else -1:.1f}\t"
                            f"{(arrival[0] - t0) / 1e6 if arrival else -1:.1f}\t{fmt(latency, 1)}\t"
                            f"{arrival[1] if arrival else '-'}\n")
                if latency is not None:
                    latencies.append(latency)
                    if began >= detection:
                        steady.append(latency)
        hung = stats["servers"]["hung"]
        result = {
            "status": status,
            "messages": count,
            "delivered": len(latencies),
            "injector_failures": sum(1 for v in injected.values() if v[2] != 0 or v[1] is None),
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            "steady_count": len(steady),
            "steady_p50_ms": round(percentile(steady, 50), 1) if steady else None,
            "steady_p95_ms": round(percentile(steady, 95), 1) if steady else None,
            "hung_sessions": hung["sessions"],
            "duplicates": len([a for a in arrivals if not a[4]]) - len(first_arrival),
            "bounces": stats["bounces"],
            "cpu_s": round((cpu1 - cpu0) / CLK_TCK, 2),
        }
        log(f"  fail-over {case}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, after detection p95 "
            f"{result['steady_p95_ms']} ms, {result['hung_sessions']} sessions to the hung server, "
            f"{result['delivered']}/{count} delivered")
        return result
    finally:
        counts, samples = system.problems()
        if result is not None:
            result["log_errors"], result["log_samples"] = counts, samples
        system.stop()
        keep_log(system, results_dir)


# ----------------------------------------------------------------------------------------------------------------
# Report.

def fmt(value, digits=0):
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def tp_get(results, case, delay):
    return results["throughput"].get(case, {}).get(str(delay))


def ratio(x, y):
    if not x or not y:
        return None
    return x / y


def report(args, results, meta):
    lines = []
    lines.append(f"End-to-end delivery benchmark, {meta['date']}, N={args.messages} messages of {args.size} bytes "
                 f"({args.sessions} injecting sessions, warm-up {args.warmup} at 0 ms before each), {meta['cpus']} CPUs, "
                 f"load average at start {meta['load_start']}")
    lines.append(f"receivers: {', '.join(RECEIVER_IPS)} (reply delay per run), James delivery threads "
                 f"{args.threads}, commit {meta['commit']}")
    lines.append("")
    header = (f"{'delay':>5}  {'case':<44} {'msg/s':>7} {'CPU-s/1000':>10} {'sessions':>8}  "
              f"{'shares % (' + '/'.join(ip.split('.')[-1] for ip in RECEIVER_IPS) + ')':<20} "
              f"{'lost':>4} {'dup':>4} {'bnc':>4} {'recv CPU':>8}")
    lines.append(header)
    for delay in args.delays:
        for case in args.cases:
            r = results["throughput"].get(case, {}).get(str(delay))
            if r is None:
                continue
            shares = "/".join(fmt(r["shares"].get(f"r{i + 1}"), 1) for i in range(len(RECEIVER_IPS))) \
                if "shares" in r else "-"
            status = "" if r["status"] == "ok" else f"  [{r['status']}]"
            lines.append(f"{str(delay) + 'ms':>5}  {case + ' ' + CASES[case]:<44} {fmt(r['msgs_per_s']):>7} "
                         f"{fmt(r['cpu_s_per_1000'], 2):>10} {r.get('sessions', '-'):>8}  {shares:<20} "
                         f"{r.get('lost', '-'):>4} {r.get('duplicates', '-'):>4} {r.get('bounces', '-'):>4} "
                         f"{fmt(r['receiver_cpu_s_per_1000'], 2):>8}{status}")
    if args.repeat > 1:
        lines.append(f"each row: the median of {args.repeat} runs (msg/s of every run, CPU-s/1000 of every run):")
        for delay in args.delays:
            for case in args.cases:
                r = tp_get(results, case, delay)
                if r and "runs_msgs_per_s" in r:
                    lines.append(f"  {delay:>3} ms {case:<4} {r['runs_msgs_per_s']}  {r['runs_cpu_s_per_1000']}")
    lines.append("")
    lines.append("msg/s: N / (last arrival at a receiver - start of smtp-source); for a and q: until James' queues are empty.")
    lines.append("CPU-s/1000: CPU seconds of the system under test (James JVM; Postfix master + children) per 1000 messages. "
                 "recv CPU: the receivers'")
    lines.append("JVM, for the same run (not counted above).")
    lines.append("sessions: the SMTP sessions that carried mail during the run (one opened before, e.g. pooled during the "
                 "warm-up, counts too).")
    lines.append("a and q do not deliver (the receivers play no part): their rows at each delay show the run-to-run noise. "
                 "q queues each mail in James' outgoing")
    lines.append("queue and acknowledges it (bench/e2e/QueueOnly.java): the ceiling of a delivery mailet that queues, "
                 "as RemoteDelivery and TieredRemoteDelivery do.")
    lines.append("")
    tp = results["throughput"]

    def get(case, delay, key):
        return tp.get(case, {}).get(str(delay), {}).get(key)

    lines.append("Ratios (messages/s, and CPU per message in brackets):")
    for delay in args.delays:
        parts = []
        for other in ("b", "d", "dmx", "q", "a"):
            if "c" in tp and other in tp:
                r = ratio(get("c", delay, "msgs_per_s"), get(other, delay, "msgs_per_s"))
                rc = ratio(get("c", delay, "cpu_s_per_1000"), get(other, delay, "cpu_s_per_1000"))
                parts.append(f"c/{other} {fmt(r, 2)} ({fmt(rc, 2)})")
        lines.append(f"  {delay} ms: " + ", ".join(parts))
    lines.append("")
    if results.get("failover"):
        lines.append(f"Fail-over: primary {HUNG_IP} accepts and never greets, backup {BACKUP_IP}; timeouts "
                     f"{args.failover_timeout} s; {args.failover_messages} messages at {args.failover_rate}/s, "
                     "one smtp-source per message")
        lines.append(f"  {'case':<44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 after detection':>20} "
                     f"{'hung sessions':>13} {'delivered':>9}")
        for case in ("b", "c", "d"):
            f = results["failover"].get(case)
            if f is None:
                continue
            lines.append(f"  {case + ' ' + CASES[case]:<44} {fmt(f['p50_ms']):>8} {fmt(f['p95_ms']):>8} "
                         f"{fmt(f['max_ms']):>8} {fmt(f['steady_p95_ms']):>20} {f['hung_sessions']:>13} "
                         f"{f['delivered']:>5}/{f['messages']}")
        lines.append("  latency: arrival at the backup minus the moment the message's own smtp-source (-v) read the 250 "
                     "to its end of data;")
        lines.append(f"  'after detection': the messages injected {args.failover_timeout + 1} s or more after the first "
                     "one (the first timeout has passed)")
        lines.append("")
    problems = []
    for case in args.cases:
        for delay, r in sorted(tp.get(case, {}).items()):
            notes = []
            if r.get("status", "ok") != "ok":
                notes.append(r["status"])
            for key in ("lost", "duplicates", "bounces"):
                if r.get(key):
                    notes.append(f"{key} {r[key]}")
            if r.get("injector_exit"):
                notes.append(f"smtp-source exit status {r['injector_exit']}")
            leftovers = {q: n for q, n in (r.get("queues_after") or {}).items() if n}
            if leftovers:
                notes.append(f"still queued after the run {leftovers}")
            if r.get("error_repository"):
                notes.append(f"{r['error_repository']} mail in James' error repository")
            if notes:
                problems.append(f"{case} at {delay} ms: " + ", ".join(notes))
        some = next(iter(tp.get(case, {}).values()), None)
        if some and (some.get("log_errors", {}).get("ERROR") or some.get("log_errors", {}).get("WARN")):
            counts = some["log_errors"]
            problems.append(f"{case}: {counts['ERROR']} ERROR and {counts['WARN']} WARN log lines, e.g. "
                            + " | ".join(some.get("log_samples", [])[:3]))
    for case, f in sorted(results.get("failover", {}).items()):
        if f.get("status") != "ok" or f.get("duplicates") or f.get("bounces") or f.get("injector_failures"):
            problems.append(f"fail-over {case}: {f['status']}, delivered {f['delivered']}/{f['messages']}, "
                            f"duplicates {f['duplicates']}, bounces {f['bounces']}, injection failures "
                            f"{f['injector_failures']}")
        if f.get("log_errors", {}).get("ERROR"):
            problems.append(f"fail-over {case}: log has {f['log_errors']['ERROR']} ERROR lines, e.g. "
                            + " | ".join(f.get("log_samples", [])[:3]))
    lines.append("Problems seen: " + ("none" if not problems else ""))
    lines += ["  " + p for p in problems]
    lines.append("")
    lines.append("Targets (issue 6):")
    for line in targets(args, results):
        lines.append("  " + line)
    return "\n".join(lines)


def targets(args, results):
    tp = results["throughput"]
    out = []

    def get(case, delay, key):
        return tp.get(case, {}).get(str(delay), {}).get(key)

    def verdict(ok):
        return "n/a " if ok is None else ("MET " if ok else "MISS")

    if 20 in args.delays:
        c, b, d = get("c", 20, "msgs_per_s"), get("b", 20, "msgs_per_s"), get("d", 20, "msgs_per_s")
        dmx = get("dmx", 20, "msgs_per_s")
        ok = None if not (c and b) else c >= 3 * b
        out.append(f"{verdict(ok)} 20 ms: c >= 3 x b messages/s ({fmt(c)} vs 3 x {fmt(b)})")
        best_d = max([x for x in (d, dmx) if x], default=None)
        ok = None if not (c and best_d) else c >= best_d
        out.append(f"{verdict(ok)} 20 ms: c >= d messages/s ({fmt(c)} vs {fmt(d)} next-hop list, {fmt(dmx)} MX)")
    if 0 in args.delays:
        c, a = get("c", 0, "msgs_per_s"), get("a", 0, "msgs_per_s")
        ok = None if not (c and a) else c >= 0.9 * a
        out.append(f"{verdict(ok)} 0 ms: c >= 0.9 x a messages/s ({fmt(c)} vs 0.9 x {fmt(a)})")
        q = get("q", 0, "msgs_per_s")
        if q and a:
            out.append(f"     (q, James' queue alone, delivering nothing: {fmt(q)} = {fmt(q / a, 2)} x a; "
                       f"c = {fmt(c / q, 2) if c else '-'} x q)")
        cc, cb = get("c", 0, "cpu_s_per_1000"), get("b", 0, "cpu_s_per_1000")
        cds = [x for x in (get("d", 0, "cpu_s_per_1000"), get("dmx", 0, "cpu_s_per_1000")) if x]
        ok = None if not (cc and cds) else cc <= min(cds)
        out.append(f"{verdict(ok)} 0 ms: CPU per message c <= Postfix ({fmt(cc, 2)} vs "
                   f"{'/'.join(fmt(x, 2) for x in cds) or '-'} CPU-s per 1000)")
        ok = None if not (cc and cb) else cc < cb
        out.append(f"{verdict(ok)} 0 ms: CPU per message c < b ({fmt(cc, 2)} vs {fmt(cb, 2)} CPU-s per 1000)")
    f = results.get("failover", {}).get("c")
    if f:
        ok = None if f["steady_p95_ms"] is None else f["steady_p95_ms"] < 50
        out.append(f"{verdict(ok)} hung primary: c p95 after the first detection < 50 ms ({fmt(f['steady_p95_ms'])} "
                   f"ms; stock {fmt(results['failover'].get('b', {}).get('steady_p95_ms'))} ms)")
    for delay in args.delays:
        sessions = get("c", delay, "sessions")
        shares = get("c", delay, "shares")
        if sessions is None:
            continue
        if args.messages >= 5000:
            per5000 = sessions * 5000 / args.messages
            out.append(f"{verdict(per5000 <= 100)} {delay} ms: c sessions per 5000 messages <= 100 ({per5000:.0f})")
        else:
            out.append(f"n/a  {delay} ms: c sessions per 5000 messages <= 100 ({sessions} for {args.messages}; "
                       "judged with N >= 5000)")
        expected = 100.0 / len(RECEIVER_IPS)
        deviation = max(abs(v - expected) for v in shares.values())
        ok = deviation <= 2.0 if args.messages >= 10000 else None
        note = "" if args.messages >= 10000 else f" (judged over 10 000 messages; here N={args.messages})"
        out.append(f"{verdict(ok)} {delay} ms: c shares within +-2 points of {expected:.1f} % (max deviation "
                   f"{deviation:.1f}){note}")
    return out


# ----------------------------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/e2e/run.sh",
        description="End-to-end benchmark: (a) James + Null, (b) stock RemoteDelivery, (c) TieredRemoteDelivery, "
                    "(d) Postfix (next-hop list; dmx: equal-preference MX), against the same receiving SMTP "
                    "servers, then a fail-over run with a hung primary.")
    parser.add_argument("--messages", "-n", type=int, help="messages per measured run (default 5000, quick 500)")
    parser.add_argument("--delays", default="0,20", help="reply delays of the receivers in ms (default 0,20)")
    parser.add_argument("--quick", action="store_true", help="500 messages, short warm-up and fail-over run")
    parser.add_argument("--cases", default="a,q,b,c,d,dmx", help="which of a,q,b,c,d,dmx (default all)")
    parser.add_argument("--warmup", type=int, help="messages injected (at 0 ms per reply) before the measured runs "
                                                    "of each case and delay (default N, at most 5000)")
    parser.add_argument("--repeat", type=int, default=1, help="measured runs per case and delay; the median is "
                                                               "reported (default 1)")
    parser.add_argument("--sessions", type=int, default=20, help="smtp-source sessions (default 20)")
    parser.add_argument("--size", type=int, default=1300, help="message body bytes (default 1300)")
    parser.add_argument("--threads", type=int, help="James delivery threads (default 10 x CPUs: what stock uses)")
    parser.add_argument("--no-failover", action="store_true", help="skip the fail-over run")
    parser.add_argument("--failover-only", action="store_true", help="only the fail-over run")
    parser.add_argument("--failover-messages", type=int, help="messages of the fail-over run (default 200, "
                                                               "quick 40)")
    parser.add_argument("--failover-rate", type=float, default=2.0, help="fail-over injection rate per s "
                                                                          "(default 2)")
    parser.add_argument("--failover-timeout", type=int, default=5, help="connect/greeting timeouts, s (default 5)")
    parser.add_argument("--james-heap", default="512m", help="James' -Xmx (default 512m, as the demo)")
    parser.add_argument("--james-java-options", default="",
                        help="more options for James' JVM, e.g. a profiler: "
                             "--james-java-options=-XX:StartFlightRecording=filename=/tmp/c.jfr,settings=profile")
    parser.add_argument("--stall-timeout", type=float, default=60.0, help="give a run up after this many seconds "
                                                                         "without progress (default 60)")
    parser.add_argument("--run-timeout", type=float, help="bound per run in s (default 90 + N/15)")
    parser.add_argument("--settle", type=float, default=1.0, help="s to wait after a run for late duplicates")
    parser.add_argument("--results", help="results folder (default bench/e2e/target/<date>)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (James and Postfix folders)")
    args = parser.parse_args(argv)
    args.messages = args.messages or (500 if args.quick else 5000)
    if args.warmup is None:
        args.warmup = min(5000, args.messages)
    args.failover_messages = args.failover_messages or (40 if args.quick else 200)
    args.delays = [int(x) for x in args.delays.split(",") if x.strip()]
    args.cases = [x.strip() for x in args.cases.split(",") if x.strip()]
    for case in args.cases:
        if case not in CASES:
            parser.error(f"unknown case {case}; use a, b, c, d, dmx")
    cpus = len(os.sched_getaffinity(0))
    args.threads = args.threads or 10 * cpus
    return args


def check_prerequisites(args):
    if not (JAMES_HOME / "libs").is_dir() or not list((JAMES_HOME / "extensions-jars").glob("*.jar")):
        raise BenchError(f"{JAMES_HOME} is not assembled: run `mvn -B -ntp -DskipTests package` at {REPO} "
                         "(bench/e2e/run.sh does it)")
    if shutil.which("smtp-source") is None:
        raise BenchError("smtp-source is missing: install the postfix package (bench/e2e/run.sh does it)")
    if shutil.which("postfix") is None:
        log("postfix is not installed: cases d and dmx are skipped")
        args.cases = [c for c in args.cases if c not in ("d", "dmx")]
    if "dmx" in args.cases:
        why = None
        if not os.path.exists("/usr/sbin/dnsmasq"):
            why = "no /usr/sbin/dnsmasq (package dnsmasq-base)"
        elif os.geteuid() != 0 or shutil.which("unshare") is None:
            why = "needs root and unshare (Postfix's resolver is pointed at dnsmasq in a mount namespace)"
        else:
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.bind((DNS_IP, 53))
            except OSError as e:
                why = f"{DNS_IP}:53 is not free ({e})"
        if why:
            log(f"case dmx skipped: {why}")
            args.cases.remove("dmx")


def main(argv):
    args = parse_args(argv)
    check_prerequisites(args)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results_dir = Path(args.results) if args.results else HERE / "target" / stamp
    results_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="tiered-bench-"))
    os.chmod(root, 0o755)  # Postfix' daemons (user postfix) work in its queue directory below it
    if not args.keep:
        CLEANUP.add("work folder", lambda: shutil.rmtree(root, ignore_errors=True))
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "?"
    except OSError:
        commit = "?"
    meta = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "cpus": len(os.sched_getaffinity(0)),
            "load_start": round(os.getloadavg()[0], 2), "commit": commit}
    log(f"work folder {root}, results in {results_dir}")
    log(f"N={args.messages}, delays {args.delays} ms, cases {args.cases}, warm-up {args.warmup}, "
        f"James delivery threads {args.threads}")

    receivers = Receivers(root)
    CLEANUP.add("receivers", receivers.stop)
    port = free_port(RECEIVER_IPS + [HUNG_IP, BACKUP_IP])
    for i, ip in enumerate(RECEIVER_IPS, 1):
        receivers.listen(f"r{i}", ip, port, 0)
    receivers.listen("hung", HUNG_IP, port, 0, "hung")
    receivers.listen("backup", BACKUP_IP, port, 0)
    log(f"receivers on {', '.join(RECEIVER_IPS)} port {port}; hung {HUNG_IP}, backup {BACKUP_IP}")

    results = {"meta": meta, "args": {k: v for k, v in vars(args).items()}, "throughput": {}, "failover": {}}

    def save():
        (results_dir / "results.json").write_text(json.dumps(results, indent=2))

    if not args.failover_only:
        for case in args.cases:
            try:
                results["throughput"][case] = throughput(args, root, results_dir, receivers, port, case,
                                                         args.delays)
            except Exception as e:  # the other cases still run
                log(f"{case}: FAILED: {e}")
                if not isinstance(e, BenchError):
                    traceback.print_exc()
                results["throughput"].setdefault(case, {})
                results.setdefault("failures", []).append(f"{case}: {e}")
            save()
    if not args.no_failover:
        for case in ("b", "c", "d"):
            if case not in args.cases:
                continue
            try:
                results["failover"][case] = failover(args, root, results_dir, receivers, port, case)
            except Exception as e:
                log(f"fail-over {case}: FAILED: {e}")
                if not isinstance(e, BenchError):
                    traceback.print_exc()
                results.setdefault("failures", []).append(f"fail-over {case}: {e}")
            save()
    results["meta"]["load_end"] = round(os.getloadavg()[0], 2)
    text = report(args, results, meta)
    for failure in results.get("failures", []):
        text += "\nFAILED: " + failure
    (results_dir / "report.txt").write_text(text + "\n")
    save()
    print()
    print(text, flush=True)
    print(f"\n(results: {results_dir}/report.txt, results.json, logs)")
    return 1 if results.get("failures") else 0


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    status = 2
    try:
        status = main(sys.argv[1:])
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr, flush=True)
        status = 130
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr, flush=True)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        CLEANUP.run()
    sys.exit(status)
