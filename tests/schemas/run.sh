#!/usr/bin/env bash
# Schema'd values, held to real clients: confluent-kafka-python's (and confluent-kafka-go
# v2's) schema-registry serializers register their schemas with the registry of a fresh
# `kafka-dash broker --schema-registry` and produce Avro, Protobuf and JSON Schema values;
# the dashboard, driven in tmux, opens each topic in the live view and saves it with `s`;
# each saved line's payload_schema.decoded must equal what the same library's
# deserializer makes of the same bytes (tests/schemas/clients.py says which
# representation differences are normalised, and why).
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

TOPICS=(sr-avro sr-proto sr-json sr-go-avro sr-go-proto)
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
   grep -q "^sr-proto-value kept as registered: True" "$WORK/py-produce.txt"; then
  ok "the registry keeps schemas and references as registered (Avro shop.Address, Protobuf common/address.proto, base64 descriptors)"
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

echo "schemas: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
