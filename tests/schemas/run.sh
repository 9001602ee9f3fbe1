#!/usr/bin/env bash
# Schema'd values, held to real clients: confluent-kafka-python's (and confluent-kafka-go
# v2's) schema-registry serializers register their schemas with the registry of a fresh
# `kafka-dash broker --schema-registry` and produce Avro, Protobuf and JSON Schema values;
# the dashboard, driven in tmux, opens each topic in the live view and saves it with `s`;
# each saved line's payload_schema.decoded must equal what the same library's
# deserializer makes of the same bytes (tests/schemas/clients.py says which
# representation differences are normalised, and why).
# The other way round: JSON typed into the dashboard's composer with a schema (Ctrl-G;
# Avro, a Protobuf message at index [1], JSON Schema), sent with Ctrl-S, must read back
# with confluent-kafka-python's deserializers equal to what was typed (clients.py
# readback), and a typed mistake must be refused on screen with nothing sent.
#
#   tests/schemas/run.sh
#
# Needs: a release build at target/release/kafka-dash (or KAFKA_DASH_BIN), tmux, python3
# with confluent-kafka[avro,protobuf,json,schemaregistry] and grpcio-tools (protoc), go
# and the Go module proxy (scripts/install-test-deps.sh installs them).
# Ends with "schemas: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=${KAFKA_DASH_BIN:-target/release/kafka-dash}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
WORK=$(mktemp -d)
SOCK=schemas-$$
PASS=0
FAIL=0
PY=${PYTHON:-python3}
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null
  [ -n "${BROKER_PID:-}" ] && kill "$BROKER_PID" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
# shellcheck source=../e2e/lib.sh
. tests/e2e/lib.sh
# A failure with files to show (lib.sh's bad shows a tmux screen).
bad_files() { FAIL=$((FAIL + 1)); echo "FAIL $1"; shift; for f in "$@"; do echo "---- $f"; tail -n 40 "$f"; done; }

TOPICS=(sr-avro sr-proto sr-json sr-go-avro sr-go-proto sr-typed-avro sr-typed-proto sr-typed-json)
"$BIN" broker --listen 127.0.0.1:0 --schema-registry 127.0.0.1:0 "${TOPICS[@]/#/--topic=}" \
  >"$WORK/broker.out" 2>"$WORK/broker.log" &
BROKER_PID=$!
wait_for 'grep -q "schema registry" "$WORK/broker.out"' 10 || { echo "broker did not start"; cat "$WORK/broker.log"; exit 1; }
B=$(sed -n 's/.*listening on //p' "$WORK/broker.out")
SR=$(sed -n 's/.*schema registry //p' "$WORK/broker.out")
echo "broker at $B, schema registry at $SR"

# --- Python: protoc classes, then every serializer against our registry -------------------
GEN=$WORK/gen
mkdir -p "$GEN"
if "$PY" -m grpc_tools.protoc -I tests/schemas/proto --python_out="$GEN" \
    tests/schemas/proto/common/address.proto tests/schemas/proto/shop/order.proto >"$WORK/protoc.txt" 2>&1; then
  ok "protoc (grpcio-tools) generates the Python classes of tests/schemas/proto"
else bad_files "protoc" "$WORK/protoc.txt"; fi
if "$PY" tests/schemas/clients.py produce "$B" "$SR" "$GEN" >"$WORK/py-produce.txt" 2>&1; then
  ok "confluent-kafka-python's Avro, Protobuf and JSON serializers register with the registry and produce"
else bad_files "python serializers" "$WORK/py-produce.txt"; fi
# The Python serializer registers the import as a subject of its own, named by its path.
if grep -q "sr-proto-value references: \[('common/address.proto', 'common/address.proto')\]" "$WORK/py-produce.txt" &&
   grep -q "^subjects: common/address.proto shop-address sr-avro-value sr-json-value sr-proto-value" "$WORK/py-produce.txt" &&
   grep -q "^sr-proto-value kept as .proto text: True" "$WORK/py-produce.txt" &&
   grep -q "^sr-proto-value serialized as registered: True" "$WORK/py-produce.txt"; then
  ok "the registry keeps schemas and references (Avro shop.Address, Protobuf common/address.proto; Python's base64 descriptor kept as .proto text, served back as the same descriptor)"
else bad_files "references" "$WORK/py-produce.txt"; fi

# --- Go: confluent-kafka-go v2's serdes ---------------------------------------------------
GO_OK=0
if (cd tests/schemas/go && go build -o "$WORK/serde_go" .) >"$WORK/gobuild.txt" 2>&1 &&
   "$PY" -m grpc_tools.protoc -I tests/schemas/proto --include_imports --descriptor_set_out="$WORK/order.pb" \
     tests/schemas/proto/shop/order.proto >>"$WORK/gobuild.txt" 2>&1; then
  if "$WORK/serde_go" produce "$B" "$SR" "$WORK/order.pb" >"$WORK/go-produce.txt" 2>&1; then
    GO_OK=1
    ok "confluent-kafka-go v2's Avro and Protobuf serializers register with the registry and produce"
  else bad_files "go serializers" "$WORK/go-produce.txt"; fi
else bad_files "go build of the serde program" "$WORK/gobuild.txt"; fi

# --- The dashboard: each topic in the live view, saved with s -----------------------------
# $1 topic, $2 messages expected, $3 text its newest decoded row shows.
save_topic() {
  local topic=$1 count=$2 text=$3 file=$WORK/$1.jsonl
  T new-session -d -s "$topic" -x 200 -y 50 "$BIN -b $B --schema-registry $SR --log-file $WORK/$topic.log"
  if ! wait_screen "$topic" "$topic" 30; then bad "dashboard start ($topic)" "$topic"; return 1; fi
  find_topic "$topic" "$topic"
  keys "$topic" Enter
  if ! wait_screen "$topic" "$text" 20; then bad "$topic: decoded rows in the live view" "$topic"; return 1; fi
  sleep 1
  keys "$topic" s
  clear_field "$topic"
  type_text "$topic" "$file"
  keys "$topic" Enter
  if wait_screen "$topic" "saved $count messages to $file" 10; then
    ok "$topic: the live view decodes the values and s saves $count of them"
  else bad "$topic: save" "$topic"; return 1; fi
  T kill-session -t "$topic"
}

compare() {
  local what=$1; shift
  if "$@" >"$WORK/cmp-$what.txt" 2>&1; then
    ok "$what: the dashboard decodes to the client's own values ($(tail -n 1 "$WORK/cmp-$what.txt" | sed 's/^compared: //'))"
  else bad_files "$what: decoded values differ" "$WORK/cmp-$what.txt"; fi
}

save_topic sr-avro 2 '{"n":null,"b":false' && compare "python avro" "$PY" tests/schemas/clients.py compare "$SR" "$GEN" "$WORK/sr-avro.jsonl"
save_topic sr-proto 3 '"nested"' && compare "python protobuf" "$PY" tests/schemas/clients.py compare "$SR" "$GEN" "$WORK/sr-proto.jsonl"
save_topic sr-json 2 '"S2"' && compare "python json schema" "$PY" tests/schemas/clients.py compare "$SR" "$GEN" "$WORK/sr-json.jsonl"
if [ "$GO_OK" = 1 ]; then
  save_topic sr-go-avro 2 '"go-2"' && compare "go avro" "$WORK/serde_go" compare "$SR" "$WORK/order.pb" "$WORK/sr-go-avro.jsonl"
  if save_topic sr-go-proto 2 '"go-line"'; then
    compare "go protobuf" "$WORK/serde_go" compare "$SR" "$WORK/order.pb" "$WORK/sr-go-proto.jsonl"
    # Go registered .proto text; Python's deserializer asks for it with format=serialized
    # and gets the registry's base64 descriptor compiled from the text.
    compare "python protobuf on go's .proto text" "$PY" tests/schemas/clients.py compare "$SR" "$GEN" "$WORK/sr-go-proto.jsonl"
  fi
fi

# --- The composer: typed JSON, encoded by the dashboard, read by the clients' deserializers -
# Each typed value goes to a topic of its own, so its one record is at offset 0 and a
# refused value would show as a second one.
COMPOSER=composer
T new-session -d -s $COMPOSER -x 200 -y 60 "$BIN -b $B --schema-registry $SR --log-file $WORK/composer.log"
# Types the lines of $2 into pane $1's multi-line field, Enter between them.
type_lines() {
  local first=1 line
  while IFS= read -r line; do
    [ $first = 1 ] || keys "$1" Enter
    first=0
    type_text "$1" "$line"
  done <<<"$2"
}
# Compose to topic $1: Ctrl-G on the value with subject $2, version latest and Protobuf
# message $3 (none for the others), then the template replaced by the JSON of $4.
compose_schema() {
  local p=$COMPOSER
  keys $p Escape 1
  find_topic $p "$1"
  keys $p w  # the cursor starts on the value
  keys $p C-g Enter
  clear_field $p
  type_text $p "$2"
  keys $p Enter Enter
  clear_field $p
  [ -n "$3" ] && type_text $p "$3"
  keys $p Enter
  wait_screen $p "value as $2 v1" 10 || return 1
  T send-keys -t $p -N 3000 BSpace
  type_lines $p "$4"
}
# $1 topic, $2 subject, $3 message, $4 the JSON typed, $5 what the check says it holds.
typed_roundtrip() {
  printf '%s\n' "$4" >"$WORK/$1.typed.json"
  if ! compose_schema "$1" "$2" "$3" "$4"; then bad "$1: the schema form encodes the value with $2" $COMPOSER; return 1; fi
  keys $COMPOSER C-s
  if wait_screen $COMPOSER "$1 [0] @ 0" 10; then
    ok "$1: the composer sends the typed JSON as $2 ($5)"
  else bad "$1: composer send" $COMPOSER; return 1; fi
}
readback() {
  if "$PY" tests/schemas/clients.py readback "$B" "$SR" "$GEN" "$1" "$WORK/$1.typed.json" >"$WORK/rb-$1.txt" 2>&1; then
    ok "$1: $2 reads back what was typed ($(tail -n 1 "$WORK/rb-$1.txt"))"
  else bad_files "$1: $2 read back" "$WORK/rb-$1.txt"; fi
}
if wait_screen $COMPOSER sr-typed 30; then
  typed_roundtrip sr-typed-avro sr-avro-value "" '{"n": null, "b": true, "i": -7, "l": 9007199254740993, "f": 1.5, "d": -0.25,
"by": "hi", "s": "typed", "dec": "-12345.67", "day": "2024-02-29",
"tms": "12:34:56.789", "tus": "00:00:00.000001", "tsms": "2024-02-29T12:34:56.789Z",
"tsus": "1969-12-31T23:59:59.999999Z", "id": "123e4567-e89b-12d3-a456-426614174000",
"opt": "here", "multi": {"street": "Ring 2", "zip": "50667"}, "kind": "B",
"nums": [1, -2], "attrs": {"w": 0.5}, "inner": {"x": 3, "deep": {"y": ["p"]}},
"home": {"street": "Main 1", "zip": "10115"}, "fx": "abcd"}' \
    "a decimal, timestamps, unions, nested records, an enum"
  # A mistake on line 5: an enum symbol Kind does not have. Refused, with its line and field;
  # readback below finds the topic's high watermark still 1.
  T send-keys -t $COMPOSER -N 3000 BSpace
  type_lines $COMPOSER "$(sed '5s/"kind": "B"/"kind": "D"/' "$WORK/sr-typed-avro.typed.json")"
  keys $COMPOSER C-s
  if wait_screen $COMPOSER "line 5: kind:" 5 && sleep 1 && ! screen $COMPOSER | grep -q "sr-typed-avro \[0\] @ 1"; then
    ok "a typed mistake is refused on screen ($(screen $COMPOSER | grep -o "value: line 5: kind:[^│]*" | sed 's/ *$//')), nothing sent"
  else bad "the composer refuses an enum symbol the schema does not have" $COMPOSER; fi
  typed_roundtrip sr-typed-proto sr-proto-value shop.Order '{"id": "T1", "quantity": "-9007199254740993", "status": "SHIPPED",
"lines": [{"sku": "X", "count": 2}], "tags": {"a": -1}, "voucher": "V7",
"placed_at": "2024-01-02T03:04:05.500Z", "ttl": "90.500s", "note": "typed",
"ship_to": {"street": "Rue 1", "zip": "75001", "country": "FR"}, "big": "18446744073709551615"}' \
    "shop.Order, message index [1]"
  typed_roundtrip sr-typed-json sr-json-value "" '{"id": "T1", "weight": 2.5, "count": 4, "fragile": true, "note": null,
"tags": ["x", "y"], "to": {"city": "Lyon", "zip": "69001"}, "mode": "sea"}' "JSON Schema"
  T kill-session -t $COMPOSER
  readback sr-typed-avro "AvroDeserializer"
  readback sr-typed-proto "ProtobufDeserializer"
  readback sr-typed-json "JSONDeserializer"
else bad "dashboard start (composer)" $COMPOSER; fi

echo "schemas: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
