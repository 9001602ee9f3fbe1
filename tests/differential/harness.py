"""What the differential cases share: the case registry, per-case names, clients, and
the normalisation that makes two clusters' answers comparable."""
import os
import re
import subprocess
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

CASES = []

# librdkafka logs only errors: the cases provoke warnings (offset resets, unknown
# partitions) on purpose, and their results are what is compared.
QUIET = {"log_level": 3}

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def case(fn):
    """Registers a case; its name is the function's name without `case_`."""
    CASES.append((fn.__name__.removeprefix("case_"), fn))
    return fn


def err_name(e):
    """The Kafka error name of whatever a client raised or returned."""
    if e is None:
        return "ok"
    if isinstance(e, KafkaException):
        e = e.args[0]
    if isinstance(e, KafkaError):
        return e.name()
    return type(e).__name__


class OnceClosingConsumer(Consumer):
    """A consumer that a case may close early (to leave its group) and cleanup closes
    again without error."""

    def close_once(self):
        if not getattr(self, "_closed", False):
            self._closed = True
            self.close()


class Ctx:
    """One case on one cluster: its names, its clients, cleanup."""

    def __init__(self, bootstrap, run_id, case_name, label):
        self.bootstrap = bootstrap
        self.run_id = run_id
        self.case_name = case_name
        self.label = label
        self._closers = []
        self._admin = None

    def name(self, suffix=""):
        """A topic or group name unique to this case and run."""
        base = f"d{self.run_id}-{self.case_name.replace('_', '-')}"
        return f"{base}-{suffix}" if suffix else base

    def admin(self):
        if self._admin is None:
            self._admin = AdminClient({"bootstrap.servers": self.bootstrap, **QUIET})
        return self._admin

    def producer(self, **conf):
        p = Producer({"bootstrap.servers": self.bootstrap, "linger.ms": 5, **QUIET, **conf})
        self._closers.append(lambda: p.flush(5))
        return p

    def consumer(self, group=None, **conf):
        c = OnceClosingConsumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": group or self.name("g"),
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
                "session.timeout.ms": 6000,
                "heartbeat.interval.ms": 500,
                **QUIET,
                **conf,
            }
        )
        self._closers.append(c.close_once)
        return c

    def create(self, suffix="", partitions=1, rf=1, config=None, validate_only=False, name=None):
        """Creates a topic; returns the error name ("ok" on success)."""
        name = name if name is not None else self.name(suffix)
        t = NewTopic(name, num_partitions=partitions, replication_factor=rf, config=config or {})
        fs = self.admin().create_topics([t], operation_timeout=15, request_timeout=20, validate_only=validate_only)
        try:
            fs[name].result(timeout=30)
            return "ok"
        except Exception as e:
            return err_name(e)

    def topic(self, suffix="", partitions=1, config=None):
        """Creates a topic that the case needs to exist, and waits until it is usable."""
        name = self.name(suffix)
        r = self.create(suffix, partitions, config=config)
        if r != "ok":
            raise RuntimeError(f"could not create {name}: {r}")
        self.wait_topic(name, partitions)
        return name

    def wait_topic(self, name, partitions, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            md = self.admin().list_topics(name, timeout=5)
            t = md.topics.get(name)
            if t and t.error is None and len(t.partitions) == partitions and all(
                p.leader >= 0 for p in t.partitions.values()
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"topic {name} not ready")

    def produce(self, topic, messages, **conf):
        """Produces (key, value, headers, partition, timestamp) tuples; returns the
        delivery reports as (error, partition, offset)."""
        p = self.producer(**conf)
        reports = []

        def report(e, m):
            reports.append((err_name(e), m.partition(), m.offset() if e is None else None))

        for m in messages:
            key, value, headers, partition, ts = (tuple(m) + (None,) * 5)[:5]
            kw = {"key": key, "value": value, "on_delivery": report}
            if headers is not None:
                kw["headers"] = headers
            if partition is not None:
                kw["partition"] = partition
            if ts is not None:
                kw["timestamp"] = ts
            try:
                p.produce(topic, **kw)
            except KafkaException as e:
                reports.append((err_name(e), None, None))
        p.flush(30)
        return reports

    def consume(self, topic, partitions, count, offset=0, timeout=20, **conf):
        """Reads `count` messages by assignment (no group), as comparable dicts."""
        from confluent_kafka import TopicPartition

        c = self.consumer(**conf)
        c.assign([TopicPartition(topic, p, offset) for p in range(partitions)])
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                out.append({"error": err_name(m.error())})
                if m.error().code() != KafkaError._PARTITION_EOF:
                    break
                continue
            out.append(message_dict(m))
        c.close_once()
        return out

    def metadata_error(self, topic, allow_auto_create=False):
        """The error Kafka's Metadata answer gives for one topic, asked once, directly
        (librdkafka's list_topics retries, which makes the answer depend on timing)."""
        from kafka import KafkaClient
        from kafka.protocol.metadata import MetadataRequest

        client = KafkaClient(bootstrap_servers=self.bootstrap)
        try:
            node = client.least_loaded_node()
            deadline = time.monotonic() + 10
            while not client.ready(node) and time.monotonic() < deadline:
                client.poll(timeout_ms=50)
            f = client.send(node, MetadataRequest[7](topics=[topic], allow_auto_topic_creation=allow_auto_create))
            client.poll(future=f, timeout_ms=10000)
            code = f.value.topics[0][0]
            return {0: "ok", 3: "UNKNOWN_TOPIC_OR_PART", 29: "TOPIC_AUTHORIZATION_FAILED"}.get(code, code)
        finally:
            client.close()

    def java_tool(self, tool, *args, timeout=60):
        """Runs one of Kafka's CLI tools (the Java client) against this cluster; returns
        (exit code, stdout lines, stderr lines) with JVM noise dropped."""
        cmd = ["bash", os.path.join(ROOT, "scripts/real-kafka.sh"), "tool", tool, "--bootstrap-server", self.bootstrap, *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        noise = re.compile(r"^(WARN|SLF4J|\s*at |\[\d{4}-)")
        err = [l for l in p.stderr.splitlines() if l.strip() and not noise.match(l)]
        return p.returncode, [l for l in p.stdout.splitlines() if l.strip()], err

    def normalise(self, value):
        """Makes a result comparable across clusters: run ids, member ids, broker ids."""
        if isinstance(value, dict):
            return {self.normalise(k): self.normalise(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.normalise(v) for v in value]
        if isinstance(value, str):
            value = value.replace(self.run_id, "<run>")
            # Member ids are client id + "-" + a UUID the coordinator picks.
            value = re.sub(r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "-<uuid>", value)
            return value
        return value

    def close(self):
        for c in reversed(self._closers):
            try:
                c()
            except Exception:
                pass


def message_dict(m):
    ts_type, ts = m.timestamp()
    return {
        "p": m.partition(),
        "o": m.offset(),
        "k": m.key().hex() if m.key() is not None else None,
        "v": m.value().hex() if m.value() is not None else None,
        "h": [(k, v.hex() if v is not None else None) for k, v in (m.headers() or [])],
        "ts_type": ts_type,
    }


def commit_sync(consumer, offsets, seconds=15):
    """A synchronous commit, tried again while the coordinator is not ready: a fresh
    Kafka answers NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS while it loads the
    group's __consumer_offsets partition, which librdkafka's simple commit passes on."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as e:
            transient = e.args[0].code() in (
                KafkaError.NOT_COORDINATOR,
                KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
                KafkaError.COORDINATOR_NOT_AVAILABLE,
            )
            if not transient or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
