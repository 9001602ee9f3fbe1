"""Authentication and per-principal authorization on the secured listeners, with the
Contracts' users (admin, alice, bob): SASL_PLAINTEXT with PLAIN and SASL_SSL with
SCRAM-SHA-512/256 on both clusters. The handshake and authenticate exchanges are spoken
raw, so versions, error codes and messages are compared as the broker sent them."""
import re
import socket
import ssl
import struct
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AclBinding, AclOperation, AclPermissionType, ResourcePatternType, ResourceType

from cases_security import any_filter
from harness import QUIET, case, err_name

SASL_HANDSHAKE, SASL_AUTHENTICATE, API_VERSIONS, METADATA = 17, 36, 18, 3


def secured(ctx):
    """This cluster's secured listeners, or None when the run has none."""
    return getattr(ctx, "security", None)


def connect(ctx, mode):
    sec = secured(ctx)
    host, port = sec[mode].rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=10)
    if mode == "sasl_ssl":
        tls = ssl.create_default_context(cafile=sec["ca"])
        s = tls.wrap_socket(s, server_hostname=host)
    return s


def request(key, version, body, flexible=False):
    client = b"diff"
    header = struct.pack(">hhih", key, version, 7, len(client)) + client + (b"\x00" if flexible else b"")
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def exchange(s, frame):
    """Sends a frame, returns the response body after the correlation id, or None when
    the broker closed the connection."""
    try:
        s.sendall(frame)
        size = read_exact(s, 4)
        if size is None:
            return None
        body = read_exact(s, struct.unpack(">i", size)[0])
        return body[4:] if body is not None else None
    except (ConnectionError, ssl.SSLError, socket.timeout):
        return None


def read_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def closed(s):
    try:
        s.settimeout(5)
        return s.recv(1) == b""
    except (ConnectionError, ssl.SSLError):
        return True
    except socket.timeout:
        return False


def string(v):
    b = v.encode()
    return struct.pack(">h", len(b)) + b


def handshake(s, version, mechanism):
    body = exchange(s, request(SASL_HANDSHAKE, version, string(mechanism)))
    if body is None:
        return "closed"
    code, n = struct.unpack(">hi", body[:6])
    at, mechs = 6, []
    for _ in range(n):
        (ln,) = struct.unpack(">h", body[at : at + 2])
        mechs.append(body[at + 2 : at + 2 + ln].decode())
        at += 2 + ln
    return {"error": code, "mechanisms": mechs}


def authenticate_v1(s, token):
    """SaslAuthenticate v1 (not flexible): error code, message, whether bytes came back,
    and the session lifetime."""
    body = exchange(s, request(SASL_AUTHENTICATE, 1, struct.pack(">i", len(token)) + token))
    if body is None:
        return "closed"
    code, ln = struct.unpack(">hh", body[:4])
    message = body[4 : 4 + ln].decode() if ln >= 0 else None
    at = 4 + max(ln, 0)
    (nbytes,) = struct.unpack(">i", body[at : at + 4])
    (lifetime,) = struct.unpack(">q", body[at + 4 + nbytes : at + 12 + nbytes])
    return {"error": code, "message": message, "auth_bytes": nbytes > 0, "lifetime": lifetime}


def plain(user, password):
    return f"\0{user}\0{password}".encode()


@case
def case_sasl_api_versions(ctx):
    if not secured(ctx):
        return "no secured listeners"
    s = connect(ctx, "sasl_plaintext")
    body = exchange(s, request(API_VERSIONS, 0, b""))
    code, n = struct.unpack(">hi", body[:6])
    versions = {}
    for i in range(n):
        key, lo, hi = struct.unpack(">hhh", body[6 + 6 * i : 12 + 6 * i])
        if key in (SASL_HANDSHAKE, SASL_AUTHENTICATE):
            versions[key] = [lo, hi]
    s.close()
    return {"error": code, "sasl": versions}


@case
def case_sasl_handshakes(ctx):
    if not secured(ctx):
        return "no secured listeners"
    out = {}
    for mode, mech in [("sasl_plaintext", "PLAIN"), ("sasl_ssl", "SCRAM-SHA-512"), ("sasl_ssl", "SCRAM-SHA-256")]:
        for version in (0, 1):
            s = connect(ctx, mode)
            out[f"{mode} {mech} v{version}"] = handshake(s, version, mech)
            s.close()
    for mode, mech in [("sasl_plaintext", "GSSAPI"), ("sasl_plaintext", "SCRAM-SHA-512"), ("sasl_ssl", "PLAIN")]:
        s = connect(ctx, mode)
        out[f"{mode} {mech}"] = [handshake(s, 1, mech), closed(s)]
    return out


@case
def case_sasl_plain_authenticate(ctx):
    if not secured(ctx):
        return "no secured listeners"
    out = {}
    for label, user, password in [
        ("good", "alice", "alice-secret"),
        ("bad password", "alice", "wrong"),
        ("unknown user", "mallory", "alice-secret"),
        ("empty password", "alice", ""),
    ]:
        s = connect(ctx, "sasl_plaintext")
        handshake(s, 1, "PLAIN")
        answer = authenticate_v1(s, plain(user, password))
        out[label] = [answer, closed(s) if answer != "closed" and answer["error"] else "open"]
    # Anything but ApiVersions and SaslHandshake before authenticating ends the connection.
    s = connect(ctx, "sasl_plaintext")
    out["metadata first"] = exchange(s, request(METADATA, 1, struct.pack(">i", -1))) is None
    return out


def client_error(conf):
    """The first error librdkafka reports for a client with `conf`, its timing removed."""
    errors = []
    c = Consumer({**conf, "log_level": 0, "group.id": "unused", "error_cb": lambda e: errors.append(e)})
    try:
        c.list_topics(timeout=8)
    except Exception as e:
        errors.append(e)
    finally:
        c.close()
    if not errors:
        return "ok"
    for e in errors:
        m = re.search(r"SASL authentication error: (.*?) \(after", str(e))
        if m:
            return m.group(1)
        m = re.search(r"(Unsupported SASL mechanism: .*?) \(after", str(e))
        if m:
            return m.group(1)
    return err_name(errors[0])


def sasl_conf(ctx, mode, user, password, mechanism):
    sec = secured(ctx)
    conf = {
        "bootstrap.servers": sec[mode],
        "security.protocol": mode.upper(),
        "sasl.mechanism": mechanism,
        "sasl.username": user,
        "sasl.password": password,
    }
    if mode == "sasl_ssl":
        conf["ssl.ca.location"] = sec["ca"]
    return conf


@case
def case_sasl_scram_through_librdkafka(ctx):
    if not secured(ctx):
        return "no secured listeners"
    out = {}
    for mech in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
        for label, user, password in [("good", "bob", "bob-secret"), ("bad password", "bob", "nope"), ("unknown user", "mallory", "x")]:
            out[f"{mech} {label}"] = client_error(sasl_conf(ctx, "sasl_ssl", user, password, mech))
    out["PLAIN on the SCRAM listener"] = client_error(sasl_conf(ctx, "sasl_ssl", "bob", "bob-secret", "PLAIN"))
    return out


@case
def case_sasl_acls_per_principal(ctx):
    """alice may read topic `guarded`, bob may not; neither may write it."""
    if not secured(ctx):
        return "no secured listeners"
    t = ctx.topic("guarded")
    ctx.produce(t, [(None, b"secret")])
    acl = AclBinding(ResourceType.TOPIC, t, ResourcePatternType.LITERAL, "User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW)
    ctx.admin().create_acls([acl])[acl].result(timeout=15)
    time.sleep(0.5)  # Kafka propagates ACLs through its metadata log
    out = {}
    for user in ("alice", "bob"):
        conf = sasl_conf(ctx, "sasl_plaintext", user, f"{user}-secret", "PLAIN")
        c = Consumer({**QUIET, **conf, "group.id": ctx.name(user), "auto.offset.reset": "earliest", "enable.auto.commit": False})
        md = c.list_topics(t, timeout=10).topics.get(t)
        c.assign([TopicPartition(t, 0, 0)])
        got = None
        deadline = time.monotonic() + 10
        while got is None and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None:
                got = err_name(m.error()) if m.error() else m.value().decode()
        c.close()
        reports = []
        p = Producer({**QUIET, **conf, "message.timeout.ms": 5000, "retries": 0})
        p.produce(t, b"x", on_delivery=lambda e, m: reports.append(err_name(e)))
        p.flush(10)
        out[user] = {"metadata": err_name(md.error) if md else "missing", "read": got, "write": reports}
    ctx.admin().delete_acls([any_filter(t)])
    return out
