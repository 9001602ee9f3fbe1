"""confluent-kafka-python's schema-registry serdes against kafka-dash's registry and decoder.

    clients.py produce BOOTSTRAP REGISTRY_URL GENDIR   serialize and produce every case
    clients.py compare REGISTRY_URL GENDIR SAVED...    check the dashboard's saved decodes
    clients.py readback BOOTSTRAP REGISTRY_URL GENDIR TOPIC EXPECTED.json
                                                       read what the composer sent

`produce` registers through the serializers (Avro with a reference, Protobuf as the
base64 descriptors the Python serializer sends, with its import as a reference, JSON
Schema), so a registry call they cannot make fails it. `compare` deserializes each saved
line's bytes with the same library and compares with the dashboard's
`payload_schema.decoded`, after `normalise` (the representation differences, each said
there). GENDIR holds the protoc-generated classes of tests/schemas/proto.
"""

import base64
import datetime
import decimal
import json
import sys
import urllib.request
import uuid

from confluent_kafka import Producer
from google.protobuf import descriptor_pb2
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

ADDRESS = {
    "type": "record", "name": "Address", "namespace": "shop",
    "fields": [{"name": "street", "type": "string"}, {"name": "zip", "type": "string"}],
}

EVERYTHING = {
    "type": "record", "name": "Everything", "namespace": "shop",
    "fields": [
        {"name": "n", "type": "null"},
        {"name": "b", "type": "boolean"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "by", "type": "bytes"},
        {"name": "s", "type": "string"},
        {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "tsms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tsus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "opt", "type": ["null", "string"]},
        {"name": "multi", "type": ["null", "long", "string", "shop.Address"]},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}},
        {"name": "nums", "type": {"type": "array", "items": "long"}},
        {"name": "attrs", "type": {"type": "map", "values": "double"}},
        {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
            {"name": "x", "type": "int"},
            {"name": "deep", "type": {"type": "record", "name": "Deep", "fields": [
                {"name": "y", "type": ["null", {"type": "array", "items": "string"}]}]}}]}},
        {"name": "home", "type": "shop.Address"},
        {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
    ],
}

UTC = datetime.timezone.utc


def avro_records():
    """Two records: every branch of the unions taken somewhere, extremes of each type."""
    home = {"street": "Main St 1", "zip": "10115"}
    return [
        {"n": None, "b": True, "i": -2147483648, "l": 9007199254740993, "f": 0.1, "d": 1e-300,
         "by": b"\x00\x01\xfe\xff", "s": "grüße ✓", "dec": decimal.Decimal("-12345678.90"),
         "day": datetime.date(1969, 12, 31), "tms": datetime.time(23, 59, 59, 999000),
         "tus": datetime.time(0, 0, 0, 1),
         "tsms": datetime.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC),
         "tsus": datetime.datetime(1960, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
         "id": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"), "opt": None, "multi": home,
         "kind": "C", "nums": [0, -1, 2 ** 62], "attrs": {"a": 1.5, "b": -0.0},
         "inner": {"x": 7, "deep": {"y": ["p", "q"]}}, "home": home, "fx": b"\xde\xad\xbe\xef"},
        {"n": None, "b": False, "i": 2147483647, "l": -9223372036854775808, "f": 3.4e38,
         "d": -2.5, "by": b"", "s": "", "dec": decimal.Decimal("0.05"),
         "day": datetime.date(2024, 2, 29), "tms": datetime.time(0, 0),
         "tus": datetime.time(12, 34, 56, 789012),
         "tsms": datetime.datetime(1970, 1, 1, tzinfo=UTC),
         "tsus": datetime.datetime(2038, 1, 19, 3, 14, 8, 654321, tzinfo=UTC),
         "id": uuid.UUID("00000000-0000-0000-0000-000000000000"), "opt": "here", "multi": 42,
         "kind": "A", "nums": [], "attrs": {},
         "inner": {"x": 0, "deep": {"y": None}}, "home": home, "fx": b"\x00\x00\x00\x00"},
    ]


JSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Shipment", "type": "object",
    "properties": {
        "id": {"type": "string"},
        "weight": {"type": "number"},
        "count": {"type": "integer"},
        "fragile": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "to": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
               "required": ["city"]},
        "mode": {"enum": ["air", "sea"]},
    },
    "required": ["id", "count"],
}

JSON_RECORDS = [
    {"id": "S1", "weight": 12.75, "count": 3, "fragile": True, "note": None, "tags": ["a", "b"],
     "to": {"city": "Köln", "zip": "50667"}, "mode": "air"},
    {"id": "S2", "count": -1, "tags": [], "to": {"city": "Lyon"}, "mode": "sea", "weight": 1e21},
]


def proto_messages(order_pb2, address_pb2):
    """Orders (index [1]) with each oneof branch and well-known types, and a nested Line ([1, 2])."""
    from google.protobuf import duration_pb2, struct_pb2, timestamp_pb2, wrappers_pb2

    first = order_pb2.Order(
        id="A1", quantity=-9007199254740993, status=order_pb2.Order.SHIPPED,
        lines=[order_pb2.Order.Line(sku="X", count=2), order_pb2.Order.Line(sku="Y")],
        tags={"b": 2, "a": -1}, voucher="V9",
        placed_at=timestamp_pb2.Timestamp(seconds=1700000000, nanos=123000000),
        ttl=duration_pb2.Duration(seconds=90, nanos=500000000),
        note=wrappers_pb2.StringValue(value="hi"),
        ship_to=address_pb2.Address(street="Rue 1", zip="75001", country=address_pb2.Address.FR),
        weight=0.1, gift=True, blob=b"\x00\xff\x10", big=18446744073709551615, delta=-5,
        stamp=12345678901234, ratio=0.25,
        by_number={2: order_pb2.Order.Line(sku="two", count=2), 1: order_pb2.Order.Line(sku="one")},
    )
    first.extra.update({"a": 1, "b": [True, None, "s"], "c": {"d": -0.5}})
    second = order_pb2.Order(id="A2", card="4111", status=order_pb2.Order.PLACED,
                             placed_at=timestamp_pb2.Timestamp(seconds=-1, nanos=0),
                             ttl=duration_pb2.Duration(seconds=-3, nanos=-250000000),
                             note=wrappers_pb2.StringValue(value=""))
    line = order_pb2.Order.Line(sku="nested", count=4294967295)
    return [first, second, line]


def load_protos(gendir):
    sys.path.insert(0, gendir)
    from common import address_pb2
    from shop import order_pb2
    return order_pb2, address_pb2


def proto_shape(fdp):
    """A file's package, imports and messages (fields by number: name, type, label,
    type name; nested messages, enums, oneofs) — what a reader of its bytes relies on,
    without the source positions and defaulted details a printed-and-compiled copy may
    not repeat."""
    def message(m):
        return (m.name,
                sorted((f.number, f.name, f.type, f.label, f.type_name.lstrip("."),
                        f.HasField("oneof_index") and f.oneof_index) for f in m.field),
                sorted(message(n) for n in m.nested_type),
                sorted((e.name, [(v.name, v.number) for v in e.value]) for e in m.enum_type),
                [o.name for o in m.oneof_decl])
    return (fdp.package, sorted(fdp.dependency), sorted(message(m) for m in fdp.message_type),
            sorted((e.name, [(v.name, v.number) for v in e.value]) for e in fdp.enum_type))


def produce(bootstrap, url, gendir):
    client = SchemaRegistryClient({"url": url})
    producer = Producer({"bootstrap.servers": bootstrap})
    failures = []

    def report(err, msg):
        if err is not None:
            failures.append(str(err))

    # Avro: the referenced record is a subject of its own, the main schema refers to it.
    address_id = client.register_schema("shop-address", Schema(json.dumps(ADDRESS), "AVRO"))
    ref = SchemaReference("shop.Address", "shop-address", 1)
    avro = AvroSerializer(client, Schema(json.dumps(EVERYTHING), "AVRO", [ref]))
    for record in avro_records():
        value = avro(record, SerializationContext("sr-avro", MessageField.VALUE))
        producer.produce("sr-avro", value=value, on_delivery=report)
    print(f"avro: registered shop-address (id {address_id}) and sr-avro-value, produced {len(avro_records())}")

    order_pb2, address_pb2 = load_protos(gendir)
    conf = {"use.deprecated.format": False}
    serializers = {}
    messages = proto_messages(order_pb2, address_pb2)
    for msg in messages:
        cls = type(msg)
        serializers.setdefault(cls, ProtobufSerializer(cls, client, conf))
        value = serializers[cls](msg, SerializationContext("sr-proto", MessageField.VALUE))
        producer.produce("sr-proto", value=value, on_delivery=report)
    print(f"protobuf: produced {len(messages)} (Order, Order, Order.Line)")

    js = JSONSerializer(json.dumps(JSON_SCHEMA), client)
    for record in JSON_RECORDS:
        producer.produce("sr-json", value=js(record, SerializationContext("sr-json", MessageField.VALUE)),
                         on_delivery=report)
    print(f"json: produced {len(JSON_RECORDS)}")
    producer.flush(30)
    if failures:
        sys.exit("delivery failed: " + "; ".join(failures))
    # The registry holds what the serializers registered, as they registered it.
    subjects = sorted(client.get_subjects())
    print("subjects:", " ".join(subjects))
    proto = client.get_latest_version("sr-proto-value")
    refs = [(r.name, r.subject) for r in proto.schema.references]
    print("sr-proto-value references:", refs)
    # As Confluent's registry does, the serializer's base64 FileDescriptorProto is kept as
    # .proto text (clients that parse text, Go's among them, can read it), and
    # ?format=serialized gives the same file back as a descriptor.
    print("sr-proto-value kept as .proto text:", "message Order {" in proto.schema.schema_str)
    with urllib.request.urlopen(f"{url}/subjects/sr-proto-value/versions/latest?format=serialized") as r:
        served = json.load(r)["schema"]
    back = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(served))
    sent = descriptor_pb2.FileDescriptorProto.FromString(order_pb2.DESCRIPTOR.serialized_pb)
    print("sr-proto-value serialized as registered:", proto_shape(back) == proto_shape(sent))


def payload_bytes(line):
    p = line["payload"]
    return base64.b64decode(p["base64"]) if isinstance(p, dict) else p.encode("utf-8")


def message_indexes(payload):
    """The message-index array after the 5-byte frame (zig-zag varints)."""
    pos = 5

    def varint():
        nonlocal pos
        shift = result = 0
        while True:
            byte = payload[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return (result >> 1) ^ -(result & 1)

    count = varint()
    return [0] if count == 0 else [varint() for _ in range(count)]


def avro_text(b):
    """Bytes as Avro's JSON encoding writes them: one code point per byte."""
    return b.decode("latin-1")


def normalise(v):
    """confluent-kafka-python's values in the dashboard's JSON form. The differences:
    - Avro decimal: Python's Decimal, the dashboard's decimal text ("-12345678.90").
    - Avro date / time-* / timestamp-*: Python's date, time and aware datetime, the
      dashboard's ISO 8601 text; timestamps in UTC with a Z, times and timestamps with
      their sub-second digits only as far as they are not zero (normalised both sides by
      `same`: parsed back to numbers).
    - Avro uuid: Python's UUID object, the dashboard's text.
    - Avro bytes and fixed: Python's bytes, the dashboard's Avro JSON string (a code
      point per byte).
    Protobuf values go through json_format.MessageToDict first (proto field names,
    fields without presence printed), which is already proto3 JSON: int64/uint64 as
    strings, enums by name, bytes in base64, well-known types in their JSON forms — the
    dashboard's form too, so nothing more to change.
    """
    if isinstance(v, dict):
        return {k: normalise(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [normalise(x) for x in v]
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        return ("datetime", v.astimezone(UTC).replace(tzinfo=None).isoformat())
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.time):
        return ("time", v.isoformat())
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (bytes, bytearray)):
        return avro_text(bytes(v))
    return v


def same(ours, theirs):
    """Equal after normalising; times compared as instants, floats as float32 when the
    dashboard printed a float's shortest form."""
    if isinstance(theirs, tuple):
        kind, iso = theirs
        if not isinstance(ours, str):
            return False
        if kind == "datetime":
            try:
                parsed = datetime.datetime.fromisoformat(ours.replace("Z", "+00:00"))
            except ValueError:
                return False
            return parsed.astimezone(UTC).replace(tzinfo=None).isoformat() == iso
        try:
            return datetime.time.fromisoformat(ours).isoformat() == iso
        except ValueError:
            return False
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and ours.keys() == theirs.keys() and all(
            same(ours[k], theirs[k]) for k in theirs)
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(
            same(a, b) for a, b in zip(ours, theirs))
    if isinstance(theirs, float) and isinstance(ours, (int, float)) and not isinstance(ours, bool):
        return ours == theirs or abs(ours - theirs) <= abs(theirs) * 1e-7
    return type(ours) is type(theirs) and ours == theirs


def compare(url, gendir, paths):
    from google.protobuf import json_format

    client = SchemaRegistryClient({"url": url})
    order_pb2, _ = load_protos(gendir)
    # Order.Line is Order's third nested type: protoc puts the map entries (TagsEntry,
    # ByNumberEntry) where their fields are declared, ahead of Line.
    proto_classes = {(1,): order_pb2.Order, (1, 2): order_pb2.Order.Line}
    avro = AvroDeserializer(client)
    js = JSONDeserializer(None, schema_registry_client=client)
    passed = failed = 0
    for path in paths:
        for text in open(path, encoding="utf-8"):
            line = json.loads(text)
            topic, where = line["topic"], f'{line["topic"]}@{line["partition"]}:{line["offset"]}'
            ctx = SerializationContext(topic, MessageField.VALUE)
            data = payload_bytes(line)
            if topic == "sr-avro":
                theirs = normalise(avro(data, ctx))
            elif topic == "sr-json":
                theirs = normalise(js(data, ctx))
            else:
                cls = proto_classes[tuple(message_indexes(data))]
                msg = ProtobufDeserializer(cls, {"use.deprecated.format": False},
                                           schema_registry_client=client)(data, ctx)
                theirs = json_format.MessageToDict(msg, preserving_proto_field_name=True,
                                                   always_print_fields_with_no_presence=True)
            decoded = (line.get("payload_schema") or {}).get("decoded")
            if "payload_schema" in line and same(decoded, theirs):
                passed += 1
                print(f"same {where} ({line['payload_schema']['name']})")
            else:
                failed += 1
                print(f"DIFF {where}\n  dashboard: {json.dumps(decoded, ensure_ascii=False)}\n"
                      f"  client:    {theirs!r}")
    print(f"compared: {passed} same, {failed} different")
    sys.exit(1 if failed or not passed else 0)


def readback(bootstrap, url, gendir, topic, expected_path):
    """The composer's one record on TOPIC (partition 0), read with the deserializer of its
    type, must equal the JSON typed into the composer (EXPECTED.json, a file holding that
    text). Avro is compared after `normalise`, as in `compare`; Protobuf as proto3 JSON
    (json_format.MessageToDict with the proto field names, fields at their default left
    out, so every typed field has a value other than its default); JSON Schema as is.
    The topic must hold exactly one record: a refused value sent nothing."""
    from confluent_kafka import Consumer, TopicPartition
    from google.protobuf import json_format

    expected = json.load(open(expected_path, encoding="utf-8"))
    client = SchemaRegistryClient({"url": url})
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "sr-readback",
                         "enable.auto.commit": False})
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    said = [f"high watermark {high}"]
    if (low, high) != (0, 1):
        sys.exit(f"{topic}: expected exactly the composer's one record, high watermark {high}")
    consumer.assign([TopicPartition(topic, 0, 0)])
    msg = consumer.poll(10)
    consumer.close()
    if msg is None or msg.error():
        sys.exit(f"{topic}: no record read ({msg and msg.error()})")
    data = msg.value()
    ctx = SerializationContext(topic, MessageField.VALUE)
    schema_type = client.get_schema(int.from_bytes(data[1:5], "big")).schema_type
    if schema_type == "AVRO":
        theirs = normalise(AvroDeserializer(client)(data, ctx))
    elif schema_type == "JSON":
        theirs = normalise(JSONDeserializer(None, schema_registry_client=client)(data, ctx))
    else:
        order_pb2, _ = load_protos(gendir)
        classes = {(1,): order_pb2.Order, (1, 2): order_pb2.Order.Line}
        indexes = tuple(message_indexes(data))
        said.append(f"message indexes {list(indexes)}")
        msg = ProtobufDeserializer(classes[indexes], {"use.deprecated.format": False},
                                   schema_registry_client=client)(data, ctx)
        theirs = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    if same(expected, theirs):
        print(f"{schema_type} as typed: " + ", ".join(said))
    else:
        sys.exit(f"{topic}: DIFF\n  typed:  {json.dumps(expected, ensure_ascii=False)}\n"
                 f"  client: {theirs!r}")


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(*sys.argv[2:5])
    elif sys.argv[1] == "readback":
        readback(*sys.argv[2:7])
    else:
        compare(sys.argv[2], sys.argv[3], sys.argv[4:])
