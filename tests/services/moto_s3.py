"""A moto S3 server on a loopback port that checks every signature after its setup.

Its first actions are unauthenticated (`INITIAL_NO_AUTH_ACTION_COUNT`): they create an IAM
user allowed `s3:*`, its access key, and the buckets the tests use; every request after them
must be signed with that key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.session
from botocore.config import Config

from tests.services.servers import free_port

REGION = "us-east-1"
BLOB_BUCKET = "hub-documents"
CHECKPOINT_BUCKET = "hub-checkpoints"
"""Created with object lock enabled."""
_SETUP_ACTIONS = 5
_S3_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
)


@dataclass(frozen=True)
class MotoS3:
    endpoint: str
    access_key: str
    secret_key: str = field(repr=False)


def _client(service: str, endpoint: str, access_key: str, secret_key: str) -> Any:
    return botocore.session.get_session().create_client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
    )


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto_server exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


def _set_up(endpoint: str) -> MotoS3:
    iam = _client("iam", endpoint, "AKIASETUP", "setup")
    iam.create_user(UserName="hub")
    key = iam.create_access_key(UserName="hub")["AccessKey"]
    iam.put_user_policy(UserName="hub", PolicyName="s3", PolicyDocument=_S3_POLICY)
    s3 = _client("s3", endpoint, "AKIASETUP", "setup")
    s3.create_bucket(Bucket=BLOB_BUCKET)
    s3.create_bucket(Bucket=CHECKPOINT_BUCKET, ObjectLockEnabledForBucket=True)
    return MotoS3(endpoint, key["AccessKeyId"], key["SecretAccessKey"])


@contextmanager
def moto_s3_server() -> Iterator[MotoS3]:
    """The server, set up, for as long as the context lasts."""
    binary = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if binary is None:
        raise RuntimeError("moto_server is not installed: pip install 'moto[server]' (dev extra)")
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(_SETUP_ACTIONS)}
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield _set_up(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)
