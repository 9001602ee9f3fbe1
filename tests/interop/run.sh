#!/usr/bin/env bash
# Interoperability: clients we did not write (kcat, confluent-kafka and kafka-python,
# sarama 1.22 and confluent-kafka-go from Debian — the seed's vintage — and today's
# IBM/sarama, confluent-kafka-go v2 and franz-go) run the seed's walkthrough.
#
#   tests/interop/run.sh                            against a fresh `kafka-dash broker`
#   tests/interop/run.sh --bootstrap HOST:PORT      against a fresh cluster (e.g. Apache Kafka)
#
# Needs: a release build at target/release/kafka-dash, kcat, python3 with the clients, go
# with Debian's sarama and confluent-kafka-go, and the Go module proxy for today's clients.
# Ends with "interop: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=${KAFKA_DASH_BIN:-target/release/kafka-dash}
WORK=$(mktemp -d)
CLUSTER=""
[ "${1:-}" = "--bootstrap" ] && CLUSTER=$2
PASS=0
FAIL=0
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${BROKER_PID:-}" ] && kill "$BROKER_PID" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; shift; for f in "$@"; do echo "---- $f"; tail -n 30 "$f"; done; }

# Last assignment kcat reported, e.g. "sarama [0]" or "" for none.
last_assigned() { grep -o 'assigned: .*' "$1" | tail -n 1 | sed 's/assigned: //; s/ *$//'; }

# Waits up to $2 seconds for "$1" (a shell test) to hold.
wait_for() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do eval "$1" && return 0; sleep 0.2; done
  return 1
}

TOPICS=(strconv:1 sarama:2 sarama-modern:2 gotopic:1)
if [ -n "$CLUSTER" ]; then
  B=$CLUSTER
  python3 tests/support/kafka_admin.py "$B" create "${TOPICS[@]}" >/dev/null ||
    { echo "cannot create the test topics on $B"; exit 1; }
else
  "$BIN" broker --listen 127.0.0.1:0 "${TOPICS[@]/#/--topic=}" >"$WORK/broker.out" 2>"$WORK/broker.log" &
  BROKER_PID=$!
  wait_for 'grep -q "listening on" "$WORK/broker.out"' 10 || { echo "broker did not start"; cat "$WORK/broker.log"; exit 1; }
  B=$(sed -n 's/.*listening on //p' "$WORK/broker.out")
fi
echo "broker at $B"
# Kafka 4 removed the protocol versions of Kafka < 2.1 (KIP-896): Fetch starts at v4 there.
OLD_REMOVED=0
[ "$(python3 tests/support/kafka_admin.py "$B" min-version 1)" -ge 4 ] && OLD_REMOVED=1
KC=(kcat -b "$B" -X heartbeat.interval.ms=500 -X session.timeout.ms=6000)

# --- kcat (librdkafka 2.0 from Debian) ---------------------------------------------------
kcat -b "$B" -L >"$WORK/L.txt" 2>&1
if grep -q 'topic "strconv" with 1 partitions' "$WORK/L.txt" && grep -q 'topic "sarama" with 2 partitions' "$WORK/L.txt"; then
  ok "kcat -L lists strconv (1 partition) and sarama (2)"
else bad "kcat -L" "$WORK/L.txt"; fi

printf 'Message 1\n' | kcat -b "$B" -P -t strconv -k k1 -H 'myTestHeader=header values are binary'
printf 'Message 2\n' | kcat -b "$B" -P -t strconv -k k2 -H 'myTestHeader=header values are binary'
kcat -b "$B" -C -t strconv -o beginning -e -f '%t [%p] @ %o key=%k value=%s headers=%h\n' >"$WORK/C.txt" 2>/dev/null
if grep -qx 'strconv \[0\] @ 0 key=k1 value=Message 1 headers=myTestHeader=header values are binary' "$WORK/C.txt" &&
   grep -qx 'strconv \[0\] @ 1 key=k2 value=Message 2 headers=myTestHeader=header values are binary' "$WORK/C.txt"; then
  ok "kcat -P with key and header, -C -o beginning -e prints partition, offset, key, value, headers"
else bad "kcat produce/consume" "$WORK/C.txt"; fi

# Two members split the 2 partitions; a third gets none.
for i in 1 2 3; do
  "${KC[@]}" -G grp -X client.id=kcat$i -u -f "member$i %p@%o %s\n" sarama >"$WORK/g$i.out" 2>"$WORK/g$i.err" &
  PIDS+=($!)
  eval "G$i=$!"
  wait_for "grep -q 'assigned' '$WORK/g$i.err'" 20
  sleep 1
done
settled() { [ "$(last_assigned "$WORK/g1.err")|$(last_assigned "$WORK/g2.err")|$(last_assigned "$WORK/g3.err")" = "$1" ]; }
wait_for 'settled "sarama [0]|sarama [1]|"' 20
if settled "sarama [0]|sarama [1]|"; then
  ok "kcat -G: two members split sarama's 2 partitions, the third gets none"
else bad "kcat -G split" "$WORK/g1.err" "$WORK/g2.err" "$WORK/g3.err"; fi

for n in 1 2 3 4; do echo "p0-$n"; done | kcat -b "$B" -P -t sarama -p 0
for n in 1 2 3 4; do echo "p1-$n"; done | kcat -b "$B" -P -t sarama -p 1
wait_for '[ $(cat "$WORK"/g?.out | wc -l) -ge 8 ]' 15
if [ "$(grep -c 'p0-' "$WORK/g1.out")" = 4 ] && [ "$(grep -c 'p1-' "$WORK/g2.out")" = 4 ] &&
   [ ! -s "$WORK/g3.out" ] && [ "$(cat "$WORK"/g?.out | sort | uniq -d | wc -l)" = 0 ]; then
  ok "each message consumed once, by the member holding its partition"
else bad "group consumption" "$WORK/g1.out" "$WORK/g2.out" "$WORK/g3.out"; fi

# A clean close (SIGTERM: kcat leaves the group) moves partition 0 to the idle member at once.
kill -TERM "$G1"
wait_for '[ "$(last_assigned "$WORK/g3.err")" = "sarama [0]" ] || [ "$(last_assigned "$WORK/g3.err")" = "sarama [1]" ]' 10
if [ -n "$(last_assigned "$WORK/g3.err")" ]; then
  ok "a member that leaves cleanly hands its partition over at once"
else bad "clean leave" "$WORK/g2.err" "$WORK/g3.err"; fi

# SIGKILL: no LeaveGroup; the partition moves after the 6 s session timeout.
T0=$SECONDS
kill -KILL "$G3"
wait_for '[ "$(last_assigned "$WORK/g2.err")" = "sarama [0], sarama [1]" ]' 20
if [ "$(last_assigned "$WORK/g2.err")" = "sarama [0], sarama [1]" ] && [ $((SECONDS - T0)) -ge 5 ]; then
  ok "a SIGKILLed member is removed after its session timeout and the survivor takes over ($((SECONDS - T0)) s)"
else bad "SIGKILL member" "$WORK/g2.err"; fi
kill -TERM "$G2" 2>/dev/null

# cooperative-sticky: the first member keeps one partition and only gives up the other.
for i in 1 2; do
  "${KC[@]}" -G coop -X partition.assignment.strategy=cooperative-sticky -u -f "c$i %p@%o\n" sarama >"$WORK/c$i.out" 2>"$WORK/c$i.err" &
  PIDS+=($!)
  wait_for "grep -q 'incremental assignment' '$WORK/c$i.err'" 20
  sleep 1
done
wait_for 'grep -q "incremental assignment of 1 partition" "$WORK/c2.err"' 20
if grep -q 'incremental revoke of 1 partition' "$WORK/c1.err" && ! grep -q 'incremental revoke of 2' "$WORK/c1.err" &&
   grep -q 'incremental assignment of 1 partition' "$WORK/c2.err"; then
  ok "cooperative-sticky: the first member keeps a partition, only one moves"
else bad "cooperative-sticky" "$WORK/c1.err" "$WORK/c2.err"; fi

# --- Python: confluent-kafka (librdkafka 2.x) and kafka-python ------------------------------
if python3 tests/interop/python_clients.py "$B" >"$WORK/py.txt" 2>&1; then
  ok "confluent-kafka and kafka-python: $(tail -n 1 "$WORK/py.txt" | sed "s/^python clients: //")"
else bad "python clients" "$WORK/py.txt"; fi

# --- Go: the seed's own programs -----------------------------------------------------------
GOBIN_DIR="$WORK/go"
mkdir -p "$GOBIN_DIR"
if GO111MODULE=off GOPATH="$WORK/gopath:/usr/share/gocode" GOCACHE="${GOCACHE:-$WORK/gocache}" \
   bash -c "cd tests/interop/go && go build -o '$GOBIN_DIR/seed_sarama' ./seed_sarama && go build -o '$GOBIN_DIR/seed_confluent' ./seed_confluent" >"$WORK/gobuild.txt" 2>&1; then
  "$GOBIN_DIR/seed_confluent" produce "$B" gotopic >"$WORK/go1.txt" 2>&1
  "$GOBIN_DIR/seed_confluent" produce "$B" gotopic >>"$WORK/go1.txt" 2>&1
  if grep -qx 'Delivered message to topic gotopic \[0\] at offset 0' "$WORK/go1.txt" &&
     grep -qx 'Delivered message to topic gotopic \[0\] at offset 1' "$WORK/go1.txt"; then
    ok "confluent-kafka-go: delivery reports at offset 0 then 1"
  else bad "confluent-kafka-go produce" "$WORK/go1.txt"; fi
  timeout 60 "$GOBIN_DIR/seed_confluent" consume "$B" gogroup gotopic 2 >"$WORK/go2.txt" 2>&1
  if grep -q 'Message on gotopic\[0\]@1' "$WORK/go2.txt" && grep -q 'Headers: \[myTestHeader="header values are binary"\]' "$WORK/go2.txt"; then
    ok "confluent-kafka-go: group consumer prints messages with their headers"
  else bad "confluent-kafka-go consume" "$WORK/go2.txt"; fi

  timeout 60 "$GOBIN_DIR/seed_sarama" produce "$B" sarama 6 >"$WORK/sp.txt" 2>&1
  # Kafka 4 removed the protocol versions sarama 1.22 sends by default (KIP-896: Fetch and
  # Produce below v4/v3, message format v0/v1); kafka-dash broker keeps them on purpose.
  if [ "$OLD_REMOVED" = 1 ]; then
    if grep -qx 'Enqueued: 6; errors: 6' "$WORK/sp.txt"; then
      ok "sarama 1.22's default protocol (Kafka 0.8.2) is refused, as Kafka 4 does (KIP-896)"
    else bad "sarama 1.22 producer on Kafka 4" "$WORK/sp.txt"; fi
    for n in 1 2 3 4 5 6; do echo "$n:K$n"; done | kcat -b "$B" -P -t sarama -K :
  elif grep -qx 'Enqueued: 6; errors: 0' "$WORK/sp.txt"; then
    ok "sarama async producer (default config, Kafka 0.8.2 protocol): 6 delivered"
  else bad "sarama producer" "$WORK/sp.txt"; fi
  for n in A B C; do
    "$GOBIN_DIR/seed_sarama" member "$B" sgroup sarama "$n" >"$WORK/s$n.txt" 2>&1 &
    PIDS+=($!)
    wait_for "grep -q '$n setup' '$WORK/s$n.txt'" 30
    sleep 1
  done
  claims() { grep -o 'setup generation=[0-9]* claims=.*' "$WORK/s$1.txt" | tail -n 1 | sed 's/.*claims=//'; }
  wait_for '[ "$(claims A)$(claims B)$(claims C)" != "" ] && [ $(for n in A B C; do claims $n; done | grep -c "map\[\]") = 1 ]' 30
  ALL="$(claims A) $(claims B) $(claims C)"
  if [ "$(echo "$ALL" | grep -o 'map\[\]' | wc -l)" = 1 ] && echo "$ALL" | grep -q 'sarama:\[0\]' && echo "$ALL" | grep -q 'sarama:\[1\]'; then
    ok "sarama consumer group: two members hold one partition each, the third none ($ALL)"
  else bad "sarama group" "$WORK/sA.txt" "$WORK/sB.txt" "$WORK/sC.txt"; fi
  wait_for '[ $(cat "$WORK"/s[ABC].txt | grep -c " message ") -ge 14 ]' 20
  if [ "$OLD_REMOVED" = 1 ]; then
    # sarama 1.22 commits with OffsetCommit v1, which Kafka 4 removed: nothing is committed,
    # so each rebalance hands the partitions over from the start again.
    committed=$(bash scripts/real-kafka.sh tool consumer-groups --bootstrap-server "$B" --describe --group sgroup 2>/dev/null |
      awk '$2 == "sarama" && $4 != "-"' | wc -l)
    if [ "$(cat "$WORK"/s[ABC].txt | grep ' message ' | sed 's/^. //' | sort -u | wc -l)" -ge 14 ] && [ "$committed" = 0 ]; then
      ok "sarama 1.22 members read every message, but Kafka 4 refuses their commits (OffsetCommit v1, KIP-896)"
    else bad "sarama 1.22 consumption on Kafka 4 ($committed partitions committed)" "$WORK/sA.txt" "$WORK/sB.txt" "$WORK/sC.txt"; fi
  elif [ "$(cat "$WORK"/s[ABC].txt | grep ' message ' | sed 's/^. //' | sort | uniq -d | wc -l)" = 0 ] &&
     [ "$(cat "$WORK"/s[ABC].txt | grep -c ' message ')" -ge 14 ]; then
    ok "sarama members consume every message once (key, value, topic, partition, offset)"
  else bad "sarama consumption" "$WORK/sA.txt" "$WORK/sB.txt" "$WORK/sC.txt"; fi
else
  bad "go build of the seed programs" "$WORK/gobuild.txt"
fi

# --- Go: the seed's programs with today's clients -------------------------------------------
# Each client's delivery reports continue strconv's offsets; its group members split a
# 2-partition topic, the third idles, and every message is consumed once.
if (cd tests/interop/go-modern && go build -o "$WORK/seed_modern" .) >"$WORK/gomodern.txt" 2>&1; then
  SM=$WORK/seed_modern
  next=$(kcat -b "$B" -Q -t strconv:0:-1 2>/dev/null | awk '{print $NF}') # high watermark
  next=${next:-2}
  for c in confluent franz; do
    "$SM" $c produce "$B" strconv 2 >"$WORK/$c-p.txt" 2>&1
    if grep -qx "Delivered message to topic strconv \[0\] at offset $next" "$WORK/$c-p.txt" &&
       grep -qx "Delivered message to topic strconv \[0\] at offset $((next + 1))" "$WORK/$c-p.txt"; then
      ok "$c (today's Go client): delivery reports strconv [0] at offset $next, then $((next + 1))"
    else bad "$c produce" "$WORK/$c-p.txt"; fi
    next=$((next + 2))
  done
  for c in sarama confluent franz; do
    timeout 60 "$SM" $c consume "$B" "read-$c" strconv "$next" >"$WORK/$c-c.txt" 2>&1
    if [ "$(grep -c '^consumer message ' "$WORK/$c-c.txt")" = "$next" ] &&
       [ "$(grep -cF 'consumer headers: [myTestHeader="header values are binary"]' "$WORK/$c-c.txt")" -ge 6 ]; then
      ok "$c (today's Go client): a group consumer reads all $next messages and prints the header"
    else bad "$c consume" "$WORK/$c-c.txt"; fi
  done
  timeout 60 "$SM" sarama produce "$B" sarama-modern 6 >"$WORK/sarama-p.txt" 2>&1
  if grep -qx 'Enqueued: 6; errors: 0' "$WORK/sarama-p.txt"; then
    ok "sarama (today's IBM/sarama) async producer, acks=all: Enqueued: 6; errors: 0"
  else bad "sarama produce" "$WORK/sarama-p.txt"; fi
  last_assignment() { grep "^$1 assigned" "$2" | tail -n 1 | sed "s/^$1 assigned //"; }
  for c in sarama confluent franz; do
    for n in A B C; do
      "$SM" $c member "$B" "g-$c" sarama-modern "$n" >"$WORK/$c-$n.txt" 2>&1 &
      PIDS+=($!)
      wait_for "grep -q '^$n assigned' '$WORK/$c-$n.txt'" 30
    done
    split_ok() {
      local all
      all="$(for n in A B C; do last_assignment $n "$WORK/$c-$n.txt"; done | sort | tr '\n' '|')"
      [ "$all" = "none|sarama-modern:[0]|sarama-modern:[1]|" ]
    }
    wait_for split_ok 30
    if split_ok; then
      ok "$c (today's Go client): members split sarama-modern's 2 partitions, the third idles"
    else bad "$c members" "$WORK/$c-A.txt" "$WORK/$c-B.txt" "$WORK/$c-C.txt"; fi
    wait_for '[ $(cat "$WORK/$c"-[ABC].txt | grep -c " message ") -ge 6 ]' 20
    if [ "$(cat "$WORK/$c"-[ABC].txt | grep ' message ' | sed 's/^. //' | sort | uniq -d | wc -l)" = 0 ] &&
       [ "$(cat "$WORK/$c"-[ABC].txt | grep -c ' message ')" = 6 ]; then
      ok "$c (today's Go client): every message consumed once"
    else bad "$c member consumption" "$WORK/$c-A.txt" "$WORK/$c-B.txt" "$WORK/$c-C.txt"; fi
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    wait "${PIDS[@]}" 2>/dev/null
    PIDS=()
  done
else
  bad "go build of today's clients" "$WORK/gomodern.txt"
fi

echo "interop: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
