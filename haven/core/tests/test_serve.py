"""``haven serve`` really serves: migrate, start gunicorn, answer over HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_haven_serve_migrates_and_answers_on_haven_bind(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DATABASE_"))}
    env.update(HAVEN_DATA_DIR=str(tmp_path), HAVEN_BIND=f"127.0.0.1:{port}", HAVEN_WORKERS="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "haven", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 45
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200 and r.read() == b"ok"
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=5) as r:
            assert b"Sign in to Haven" in r.read()
            assert "no-store" in r.headers["Cache-Control"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    assert (tmp_path / "haven.sqlite3").exists()
