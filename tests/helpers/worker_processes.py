"""Starting, waiting for and killing local tf.distribute worker processes in tests."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_ports(count):
    """Ports nothing listens on now; held open together so they are distinct."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("localhost", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(ports, index):
    workers = [f"localhost:{port}" for port in ports]
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


def start_workers(command, tmp_path, name, count=2, extra_env=None):
    """Starts `count` processes of `command` with TF_CONFIG; returns `(processes, log paths)`."""
    ports = free_ports(count)
    processes, logs = [], []
    for index in range(count):
        log_path = tmp_path / f"{name}_worker{index}.log"
        environment = {
            **os.environ,
            "PYTHONPATH": TESTS_DIR,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "TF_CONFIG": tf_config(ports, index),
            **(extra_env or {}),
        }
        with open(log_path, "w") as log:
            processes.append(
                subprocess.Popen(
                    command(index), stdout=log, stderr=subprocess.STDOUT, env=environment,
                    cwd=tmp_path / f"cwd{index}" if (tmp_path / f"cwd{index}").is_dir()
                    else tmp_path,
                )
            )
        logs.append(log_path)
    return processes, logs


def wait_all(processes, logs, timeout):
    deadline = time.monotonic() + timeout
    for process, log in zip(processes, logs):
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pytest.fail(f"a worker did not finish in {timeout} s:\n{log.read_text()[-3000:]}")
        assert process.returncode == 0, log.read_text()[-3000:]


def kill_all(processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
