"""Signed checkpoints, their sinks and their publisher: forgeries, removals, object lock, keys."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from datasources.audit_anchor import CheckpointPublisher, newest, verify_anchors
from datasources.audit_checkpoints import SignedCheckpoint, parse_record, sign_checkpoint
from datasources.audit_keys import (
    SigningKey,
    VerifyKeys,
    key_id,
    load_signing_key,
    load_verify_keys,
)
from datasources.blob_stores import build_blob_store
from datasources.checkpoint_sinks import (
    CheckpointSinkError,
    FileCheckpointSink,
    S3CheckpointSink,
    build_checkpoint_sink,
)
from datasources.s3_blobs import S3BlobStore
from datasources.s3_clients import S3Connection, S3Endpoint
from datasources.sql_audit import SqlAuditTrail
from settings import Settings, SettingsError, load_settings
from tests.conftest import Hub
from tests.datasources.audit_support import EVENTS, append_numbered
from tests.services.moto_s3 import CHECKPOINT_BUCKET, REGION, MotoS3
from tests.services.servers import free_port

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(key_id(private.public_key()), private)


def _keys(*keys: SigningKey) -> VerifyKeys:
    return VerifyKeys({key.id: key.private.public_key() for key in keys})


def _chain(key: SigningKey, seqs: list[int], prev: str | None = None) -> list[SignedCheckpoint]:
    signed = []
    for seq in seqs:
        one = sign_checkpoint(key, seq=seq, hash_=f"{seq:064x}", at=NOW, now=NOW, prev=prev)
        prev = one.checkpoint.digest
        signed.append(one)
    return signed


async def _sink_of(path: Path, checkpoints: list[SignedCheckpoint]) -> FileCheckpointSink:
    sink = FileCheckpointSink(path)
    for signed in checkpoints:
        await sink.publish(signed)
    return sink


@pytest.fixture
async def s3_sink(
    moto_s3: MotoS3, request: pytest.FixtureRequest
) -> AsyncIterator[S3CheckpointSink]:
    where = S3Endpoint(moto_s3.endpoint, REGION, moto_s3.access_key, moto_s3.secret_key)
    sink = S3CheckpointSink(
        S3Connection(where), bucket=CHECKPOINT_BUCKET, prefix=f"{request.node.name}/", lock_days=1
    )
    yield sink
    await sink.close()


# ---------------------------------------------------------------- records and signatures


def test_a_record_reads_back_as_it_was_signed():
    key = _key()
    [signed] = _chain(key, [7])
    assert parse_record(signed.record()) == signed
    assert signed.is_signed_by(_keys(key))
    assert not signed.is_signed_by(_keys(_key()))


@pytest.mark.parametrize(
    "record",
    [
        b"not json",
        b"[]",
        b'{"checkpoint": {"v": 2}, "signature": ""}',
        b'{"checkpoint": {"v": 1, "other": 1}, "signature": ""}',
        b'{"checkpoint": {"v": 1, "seq": "1", "hash": "h", "at": "a", "signed_at": "s",'
        b' "key_id": "k", "prev": null}, "signature": ""}',
        b'{"checkpoint": {"v": 1, "seq": 1, "hash": "h", "at": "a", "signed_at": "s",'
        b' "key_id": "k", "prev": 5}, "signature": ""}',
        b'{"checkpoint": {"v": 1}, "signature": "not base64!"}',
    ],
)
async def test_unreadable_records_are_reported_by_their_place(
    tmp_path: Path, audit_engine: AsyncEngine, record: bytes
):
    # given a good checkpoint, then a record that is not one
    key = _key()
    sink = await _sink_of(tmp_path / "c.jsonl", [])
    (tmp_path / "c.jsonl").write_bytes(b"\n" + record + b"\n")

    # when
    report = await verify_anchors(audit_engine, sink, _keys(key))

    # then
    assert not report.ok
    assert report.faults[0].startswith("published record 1 is unreadable: ")
    assert newest(await sink.read_all()) is None


async def test_a_forged_checkpoint_is_reported(
    tmp_path: Path, audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
):
    # given a published checkpoint whose hash was changed afterwards, its signature kept
    await append_numbered(audit_trail, 3)
    key = _key()
    publisher = CheckpointPublisher(
        audit_trail, audit_engine, FileCheckpointSink(tmp_path / "c"), key
    )
    assert await publisher.publish_due() == 1
    document = json.loads((tmp_path / "c").read_bytes())
    document["checkpoint"]["hash"] = "f" * 64
    (tmp_path / "c").write_text(json.dumps(document) + "\n")

    # when
    report = await verify_anchors(audit_engine, FileCheckpointSink(tmp_path / "c"), _keys(key))

    # then
    assert report.faults == ["checkpoint at seq 3 is forged: its signature does not verify"]
    assert report.checked == 0


async def test_a_checkpoint_of_another_key_is_reported(tmp_path: Path, audit_engine: AsyncEngine):
    stranger = _key()
    sink = await _sink_of(tmp_path / "c", _chain(stranger, [1]))
    report = await verify_anchors(audit_engine, sink, _keys(_key()))
    assert report.faults == [
        f"checkpoint at seq 1 names key {stranger.id}, which is not a verify key"
    ]


async def test_after_rotation_both_keys_verify_and_the_chain_continues(
    tmp_path: Path, audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
):
    # given checkpoints signed by the old key, then by the new one, chained across
    await append_numbered(audit_trail, 4)
    old, new = _key(), _key()
    sink = FileCheckpointSink(tmp_path / "c")
    assert await CheckpointPublisher(audit_trail, audit_engine, sink, old).publish_due() == 1
    await append_numbered(audit_trail, 4)
    assert await CheckpointPublisher(audit_trail, audit_engine, sink, new).publish_due() == 1
    records = [parse_record(r).checkpoint for r in await sink.read_all()]
    assert [c.key_id for c in records] == [old.id, new.id]
    assert records[1].prev == records[0].digest

    # then with both public keys all is well; without the old one its checkpoint is reported
    assert (await verify_anchors(audit_engine, sink, _keys(old, new))).checked == 2
    without_old = await verify_anchors(audit_engine, sink, _keys(new))
    assert without_old.faults == [
        f"checkpoint at seq 4 names key {old.id}, which is not a verify key",
        "checkpoint at seq 8 follows a checkpoint that is not published (removed from the store?)",
    ]


async def test_a_removed_checkpoint_is_reported(tmp_path: Path, audit_engine: AsyncEngine):
    # given three chained checkpoints, of which the middle one was removed from the file
    key = _key()
    first, _, third = _chain(key, [1, 2, 3])
    sink = await _sink_of(tmp_path / "c", [first, third])

    # when
    report = await verify_anchors(audit_engine, sink, _keys(key))

    # then
    assert (
        "checkpoint at seq 3 follows a checkpoint that is not published (removed from the store?)"
        in report.faults
    )


async def test_a_second_chain_start_is_reported(tmp_path: Path, audit_engine: AsyncEngine):
    key = _key()
    sink = await _sink_of(tmp_path / "c", [*_chain(key, [1]), *_chain(key, [2])])
    report = await verify_anchors(audit_engine, sink, _keys(key))
    assert "checkpoint at seq 2 follows none, but others precede it" in report.faults


async def test_a_purged_chain_still_agrees_with_its_checkpoints(
    tmp_path: Path, audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
):
    # given checkpoints at 3 and 6, and events through 6 purged (the purge keeps a checkpoint)
    old = datetime(2000, 1, 1, tzinfo=UTC)
    await append_numbered(audit_trail, 3, at=old)
    publisher = CheckpointPublisher(
        audit_trail, audit_engine, FileCheckpointSink(tmp_path / "c"), _key()
    )
    await publisher.publish_due()
    await append_numbered(audit_trail, 3, at=old)
    await publisher.publish_due()
    await append_numbered(audit_trail, 2)
    assert await audit_trail.purge(older_than=datetime(2001, 1, 1, tzinfo=UTC)) == 6

    # when
    report = await verify_anchors(
        audit_engine, FileCheckpointSink(tmp_path / "c"), _keys(publisher._key)
    )

    # then the one at 3 lies before the purge point, the one at 6 is it
    assert report.ok, report.faults
    assert report.checked == 2


# ---------------------------------------------------------------- publishing


async def test_every_checkpoint_of_the_database_is_published_in_order(
    tmp_path: Path, audit_engine: AsyncEngine
):
    # given a trail that checkpoints every 5 events
    trail = SqlAuditTrail(audit_engine, checkpoint_every=5)
    await append_numbered(trail, 12)
    sink = FileCheckpointSink(tmp_path / "c")
    publisher = CheckpointPublisher(trail, audit_engine, sink, _key())

    # when
    published = await publisher.publish_due()

    # then 5, 10 and the head (12), each chained to the one before
    assert published == 3
    checkpoints = [parse_record(r).checkpoint for r in await sink.read_all()]
    assert [c.seq for c in checkpoints] == [5, 10, 12]
    assert [c.prev for c in checkpoints] == [None, checkpoints[0].digest, checkpoints[1].digest]
    assert await publisher.publish_due() == 0  # nothing new

    # and a publisher started later continues the chain the sink holds
    await append_numbered(trail, 1)
    assert await CheckpointPublisher(trail, audit_engine, sink, _key()).publish_due() == 1
    last = parse_record((await sink.read_all())[-1]).checkpoint
    assert (last.seq, last.prev) == (13, checkpoints[2].digest)


async def test_a_failing_sink_is_retried_and_logged_without_its_path(
    tmp_path: Path,
    audit_engine: AsyncEngine,
    audit_trail: SqlAuditTrail,
    caplog: pytest.LogCaptureFixture,
):
    # given a sink whose folder is a file
    await append_numbered(audit_trail, 2)
    (tmp_path / "blocked").write_text("")
    sink = FileCheckpointSink(tmp_path / "blocked" / "c")
    publisher = CheckpointPublisher(audit_trail, audit_engine, sink, _key(), retry_delay=0)

    # when
    with caplog.at_level(logging.WARNING, logger="datasources.audit_anchor"):
        published = await publisher.publish_with_retries()

    # then three attempts, each logged by the error's type only
    assert published == 0
    messages = [r.getMessage() for r in caplog.records if r.name == "datasources.audit_anchor"]
    assert messages == [
        f"audit: publishing checkpoints failed (attempt {n} of 3): CheckpointSinkError"
        for n in (1, 2, 3)
    ]
    assert not any("blocked" in message for message in messages)

    # and once the sink works again, the checkpoint is published
    (tmp_path / "blocked").unlink()
    assert await publisher.publish_with_retries() == 1


async def test_the_hub_publishes_on_its_interval(
    hub: Hub, tmp_path: Path, audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
):
    # given a hub that checkpoints every 50 ms to a file
    path = tmp_path / "c.jsonl"
    settings = replace(
        hub.settings, audit_checkpoint_sink=f"file://{path}", audit_checkpoint_interval_seconds=0.05
    )
    app = create_app(settings)
    await append_numbered(audit_trail, 5)
    async with app.router.lifespan_context(app):
        # when the hub runs a while
        for _ in range(200):
            if path.exists() and path.read_bytes():
                break
            await asyncio.sleep(0.05)
    # then the head was published, signed by the development key
    [record] = await FileCheckpointSink(path).read_all()
    signed = parse_record(record)
    assert signed.checkpoint.seq == 5
    assert signed.is_signed_by(load_verify_keys(settings))


# ---------------------------------------------------------------- S3 with object lock


async def test_a_locked_checkpoint_cannot_be_deleted_or_hidden(
    s3_sink: S3CheckpointSink, moto_s3: MotoS3, audit_engine: AsyncEngine
):
    # given a published checkpoint
    key = _key()
    [signed] = _chain(key, [1])
    await s3_sink.publish(signed)
    attacker = S3Connection(
        S3Endpoint(moto_s3.endpoint, REGION, moto_s3.access_key, moto_s3.secret_key)
    )
    try:
        await _attack(s3_sink, signed, attacker)
    finally:
        await attacker.close()

    # then the original is still read, and the forgery is reported
    records = await s3_sink.read_all()
    assert signed.record() in records
    assert sorted(await s3_sink.read_newest()) == sorted(records)
    report = await verify_anchors(audit_engine, s3_sink, _keys(key))
    assert "checkpoint at seq 1 is forged: its signature does not verify" in report.faults


async def _attack(
    s3_sink: S3CheckpointSink, signed: SignedCheckpoint, attacker: S3Connection
) -> None:
    client = await attacker.client()
    object_key = s3_sink.key_of(signed)
    [version] = (await client.list_object_versions(Bucket=CHECKPOINT_BUCKET, Prefix=object_key))[
        "Versions"
    ]

    # then deleting its version is refused
    with pytest.raises(Exception, match="AccessDenied"):
        await client.delete_object(
            Bucket=CHECKPOINT_BUCKET, Key=object_key, VersionId=version["VersionId"]
        )
    # and publishing under its key again is refused
    with pytest.raises(CheckpointSinkError, match="PUT answered PreconditionFailed"):
        await s3_sink.publish(signed)

    # when an attacker writes a newer version over it and then a delete marker
    forged = json.loads(signed.record())
    forged["checkpoint"]["hash"] = "f" * 64
    await client.put_object(
        Bucket=CHECKPOINT_BUCKET, Key=object_key, Body=json.dumps(forged).encode()
    )
    await client.delete_object(Bucket=CHECKPOINT_BUCKET, Key=object_key)


async def test_an_unreachable_bucket_is_reported_by_verify(audit_engine: AsyncEngine):
    where = S3Endpoint(f"http://127.0.0.1:{free_port()}", REGION, "AKIA", "x", attempts=1)
    sink = S3CheckpointSink(S3Connection(where), bucket="b", prefix="", lock_days=1)
    try:
        with pytest.raises(CheckpointSinkError, match="PUT failed: EndpointConnectionError"):
            await sink.publish(_chain(_key(), [1])[0])
        report = await verify_anchors(audit_engine, sink, _keys(_key()))
    finally:
        await sink.close()
    assert report.faults == [
        "the published checkpoints could not be read:"
        " checkpoint bucket: LIST/GET failed: EndpointConnectionError"
    ]


# ---------------------------------------------------------------- settings and keys


def _pem(private: Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def _public_pem(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    )


def _settings(**env: str) -> Settings:
    return load_settings({"HUB_DATA_DIR": "/tmp/hub-test", **env})


def test_production_publishing_needs_a_signing_key():
    with pytest.raises(SettingsError, match="HUB_AUDIT_SIGNING_KEY must be set when HUB_ENV"):
        _settings(
            HUB_ENV="production",
            HUB_TOKEN_SECRET="s" * 64,
            HUB_AUDIT_CHECKPOINT_SINK="file:///tmp/c",
        )
    production = _settings(HUB_ENV="production", HUB_TOKEN_SECRET="s" * 64)
    with pytest.raises(SettingsError, match="must be set outside development"):
        load_signing_key(production)


@pytest.mark.parametrize("sink", ["s3://", "http://x/y", "file://relative"])
def test_a_sink_that_is_not_one_is_refused(sink: str):
    with pytest.raises(SettingsError, match="HUB_AUDIT_CHECKPOINT_SINK must be"):
        _settings(HUB_AUDIT_CHECKPOINT_SINK=sink)


def test_keys_load_from_values_and_paths(tmp_path: Path):
    # given a signing key in a file, and two public keys in files
    signer, retired = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (tmp_path / "signing.pem").write_text(_pem(signer))
    (tmp_path / "a.pem").write_text(_public_pem(signer))
    (tmp_path / "b.pem").write_text(_public_pem(retired))
    settings = _settings(
        HUB_AUDIT_SIGNING_KEY=str(tmp_path / "signing.pem"),
        HUB_AUDIT_VERIFY_KEYS=f"{tmp_path / 'a.pem'}, {tmp_path / 'b.pem'}",
    )
    # then
    assert load_signing_key(settings).id == key_id(signer.public_key())
    assert set(load_verify_keys(settings).keys) == {
        key_id(signer.public_key()),
        key_id(retired.public_key()),
    }
    # and as values: the verify keys default to the signing key's
    inline = _settings(HUB_AUDIT_SIGNING_KEY=_pem(signer))
    assert set(load_verify_keys(inline).keys) == {key_id(signer.public_key())}
    both = _settings(HUB_AUDIT_VERIFY_KEYS=_public_pem(signer) + _public_pem(retired))
    assert len(load_verify_keys(both).keys) == 2


def test_keys_that_are_not_ed25519_or_not_keys_are_refused(tmp_path: Path):
    with pytest.raises(SettingsError, match="HUB_AUDIT_SIGNING_KEY must be a PEM key or the path"):
        _settings(HUB_AUDIT_SIGNING_KEY=str(tmp_path / "absent.pem"))
    ecdsa = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SettingsError, match="must be an Ed25519 key"):
        load_signing_key(_settings(HUB_AUDIT_SIGNING_KEY=_pem(ecdsa)))
    garbled = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    with pytest.raises(SettingsError, match="is not a PEM private key"):
        load_signing_key(_settings(HUB_AUDIT_SIGNING_KEY=garbled))
    ec_public = ecdsa.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(SettingsError, match="keys must be Ed25519 keys"):
        load_verify_keys(_settings(HUB_AUDIT_VERIFY_KEYS=ec_public.decode()))
    garbled_public = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    with pytest.raises(SettingsError, match="is not a PEM public key"):
        load_verify_keys(_settings(HUB_AUDIT_VERIFY_KEYS=garbled_public))


def test_sinks_are_built_from_their_urls():
    assert build_checkpoint_sink(_settings()) is None
    file_sink = build_checkpoint_sink(_settings(HUB_AUDIT_CHECKPOINT_SINK="file:///var/c.jsonl"))
    assert isinstance(file_sink, FileCheckpointSink)
    assert file_sink.path == Path("/var/c.jsonl")
    s3_sink = build_checkpoint_sink(_settings(HUB_AUDIT_CHECKPOINT_SINK="s3://bucket/hub"))
    assert isinstance(s3_sink, S3CheckpointSink)
    [signed] = _chain(_key(), [42])
    assert s3_sink.key_of(signed) == f"hub/{42:020d}-{signed.checkpoint.digest[:16]}.json"
    bare = build_checkpoint_sink(_settings(HUB_AUDIT_CHECKPOINT_SINK="s3://bucket"))
    assert isinstance(bare, S3CheckpointSink)
    assert bare.key_of(signed).startswith(f"{42:020d}-")


async def test_a_missing_and_an_altered_event_are_named_directly(
    tmp_path: Path, audit_engine: AsyncEngine
):
    # given checkpoints at 3 and 6, then event 3 deleted and event 6's hash changed in place
    trail = SqlAuditTrail(audit_engine, checkpoint_every=3)
    await append_numbered(trail, 6)
    key = _key()
    sink = FileCheckpointSink(tmp_path / "c")
    assert await CheckpointPublisher(trail, audit_engine, sink, key).publish_due() == 2
    async with audit_engine.begin() as conn:
        await conn.execute(delete(EVENTS).where(EVENTS.c.seq == 3))
        await conn.execute(update(EVENTS).where(EVENTS.c.seq == 6).values(hash="e" * 64))

    # when
    report = await verify_anchors(audit_engine, sink, _keys(key))

    # then
    assert [fault.split(" (")[0] for fault in report.faults] == [
        "the database contradicts checkpoint at seq 3",
        "the database contradicts checkpoint at seq 6",
    ]
    assert report.faults[0].endswith("): event 3 is missing")
    assert report.faults[1].endswith("): event 6 has another hash")


async def test_an_unreadable_checkpoint_file_is_a_sink_error(tmp_path: Path):
    with pytest.raises(CheckpointSinkError, match="checkpoint file: IsADirectoryError"):
        await FileCheckpointSink(tmp_path).read_all()


def test_an_s3_sink_and_blob_store_use_the_blob_endpoint_when_set():
    settings = _settings(
        HUB_AUDIT_CHECKPOINT_SINK="s3://checkpoints/hub/",
        HUB_BLOB_S3_ENDPOINT="http://s3.internal:9000",
        HUB_BLOB_S3_BUCKET="documents",
        HUB_BLOB_S3_ACCESS_KEY="AKIA",
        HUB_BLOB_S3_SECRET_KEY="secret",
    )
    sink = build_checkpoint_sink(settings)
    assert isinstance(sink, S3CheckpointSink)
    [signed] = _chain(_key(), [1])
    assert sink.key_of(signed).startswith("hub/0000")
    assert isinstance(build_blob_store(settings), S3BlobStore)


async def test_the_newest_checkpoint_in_s3_is_read_without_the_others(s3_sink: S3CheckpointSink):
    signed = _chain(_key(), [1, 2, 10])
    for one in signed:
        await s3_sink.publish(one)
    assert len(await s3_sink.read_all()) == 3
    newest_records = await s3_sink.read_newest()
    assert newest_records == [signed[2].record()]
    assert newest(newest_records) == signed[2]
