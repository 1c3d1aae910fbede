"""chatt-server under slow and many connections (issue 14 item 6): a connection that sends
no complete request head (nothing, half a head, or nothing more after its last answer) is
closed after `http.idle_timeout`; the connections held open stay below the open-file
limit, so a flood of slow connections cannot lock everyone else out for good.

Before: idle, partial-header and keep-alive sockets stayed open 300+ s, and 1,100 slow
connections under `ulimit -n 1024` made the server unreachable."""
import resource
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest

from harness import BIN, WEB_ROOT, Part, free_port, wait_until

IDLE_TIMEOUT = 2  # seconds, the server's http.idle_timeout in these tests
OPEN_FILE_LIMIT = 256
DEADLINE = 30.0  # seconds to wait for what must happen; never a timed assertion


def limit_open_files():
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILE_LIMIT, OPEN_FILE_LIMIT))


@pytest.fixture
def server():
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-limits-"))
    config = workdir / "chatt.yaml"
    config.write_text(f"http:\n  idle_timeout: {IDLE_TIMEOUT}\n")
    part = Part("chatt-server", workdir)
    port = free_port()
    part.spawn([str(BIN / "chatt-server"), "--config", str(config), "--db", str(workdir / "chatt.db"),
                "--bind", "127.0.0.1", "--port", str(port), "--web-root", str(WEB_ROOT)],
               preexec_fn=limit_open_files)
    try:
        part.wait_port(port)
        part.port = port
        yield part
    finally:
        part.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def closed_by_server(sock: socket.socket, deadline: float = DEADLINE) -> bool:
    """Reads until the server closes the connection (True) or the deadline passes (False)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        sock.settimeout(max(0.1, end - time.monotonic()))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        if not data:
            return True
    return False


def get(port: int, path: str, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaa"])
def test_a_connection_without_a_complete_head_is_closed(server, sent):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        if sent:
            sock.sendall(sent)
        assert closed_by_server(sock), f"still open after {DEADLINE:.0f} s (idle timeout {IDLE_TIMEOUT} s)"


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        assert closed_by_server(sock)


def test_a_flood_of_slow_connections_does_not_lock_others_out(server):
    # The "listening" line comes once the server runs, which may be just after its port opens.
    def listening_log() -> str:
        text = server.output(tail=100_000)
        return text if "max_connections=" in text else ""
    log = wait_until(listening_log, what="chatt-server's listening line")
    # The connection limit sits below the open-file limit (256 - 64).
    assert "max_connections=192" in log, log
    held = []
    try:
        for _ in range(400):
            sock = socket.socket()
            sock.setblocking(False)
            try:
                sock.connect(("127.0.0.1", server.port))
            except BlockingIOError:
                pass
            held.append(sock)
        for sock in held:
            try:
                sock.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            except OSError:
                pass  # not connected (yet): the listen queue is full
        before = cpu_seconds(server.process.pid)
        start = time.monotonic()
        # Someone else gets an answer, once the slow ones have been closed.
        end = time.monotonic() + 60
        answer = b""
        while time.monotonic() < end and not answer.startswith(b"HTTP/1.1 200"):
            try:
                answer = get(server.port, "/healthz")
            except OSError:
                time.sleep(0.2)
        assert answer.startswith(b"HTTP/1.1 200"), "the server stayed unreachable behind 400 slow connections"
        elapsed = time.monotonic() - start
        print(f"\nanswered {elapsed:.1f} s into a flood of 400 slow connections (limit 256 files); "
              f"server CPU meanwhile {100 * (cpu_seconds(server.process.pid) - before) / max(elapsed, 0.01):.0f} %")
        assert server.running()
    finally:
        for sock in held:
            sock.close()


def read_head(sock: socket.socket, deadline: float = DEADLINE) -> bytes:
    """Bytes up to the end of one answer's head (an empty line), or what came before the
    connection closed or the deadline passed."""
    data = b""
    end = time.monotonic() + deadline
    while b"\r\n\r\n" not in data and time.monotonic() < end:
        sock.settimeout(max(0.1, end - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_an_upload_that_expects_100_continue_gets_it_before_sending_its_body(server):
    # curl sends `Expect: 100-continue` for bodies over 1 MB and waits a second for the
    # answer before sending anyway; the server said nothing, so every such upload waited
    # (and a client waiting longer than the idle timeout was cut off). It failed before.
    body = b"hello, files"
    with socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE) as sock:
        sock.sendall(b"POST /data/files?name=note.txt HTTP/1.1\r\nHost: chatt\r\n"
                     b"Content-Type: text/plain\r\nContent-Length: %d\r\n"
                     b"Expect: 100-continue\r\n\r\n" % len(body))
        interim = read_head(sock)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        sock.sendall(body)
        rest = interim.split(b"\r\n\r\n", 1)[1]
        final = rest if b"\r\n\r\n" in rest else rest + read_head(sock)
        assert final.startswith(b"HTTP/1.1 201"), final
