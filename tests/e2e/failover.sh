#!/usr/bin/env bash
# A broker dies under the dashboard. On a three-node Apache Kafka cluster (replication
# factor 3, min.insync.replicas=2), the live view, a producer (the composer's repeat mode,
# acks=all, idempotent) and an in-app member run on one topic; the broker leading
# partition 0 is killed. The dashboard must keep going, show the new leaders, in-sync
# replicas and brokers up, lose no delivery report, and the live view must see every
# acknowledged message exactly once.
#
#   tests/e2e/failover.sh        starts and stops its own cluster with scripts/real-kafka.sh
#
# Ends with "failover: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/${KAFKA_DASH_BIN:-target/release/kafka-dash}
WORK=$(mktemp -d)
SOCK="kd-fo-$$"
PASS=0
FAIL=0
TOTAL=600 # messages, one every 40 ms: the kill lands in the middle of the run
export REAL_KAFKA_HOME=$WORK/kafka
. tests/e2e/lib.sh
cleanup() {
  T kill-server 2>/dev/null
  bash scripts/real-kafka.sh stop
}
trap cleanup EXIT

admin() { python3 tests/support/kafka_admin.py "$B" "$@"; }

B=$(bash scripts/real-kafka.sh start --brokers 3) || { echo "FAIL cannot start a 3-node cluster"; exit 1; }
echo "three-node Kafka at $B"
admin create failover:3:3 >/dev/null
T new-session -d -s fo -x 230 -y 50 "$BIN -b $B --log-file $WORK/fo.log"
wait_screen fo "3 brokers up (ids 1,2,3)" 30 && wait_screen fo "failover" 10 || { bad "dashboard on the 3-node cluster" fo; exit 1; }

# An in-app member of its own group.
keys fo 4
add_member fo fo-group failover
wait_for 'screen fo | grep -q "kafka-dash-A .*failover \[0,1,2\]"' 30
# The live view, from the beginning.
keys fo 1
select_row fo failover
keys fo Enter
wait_screen fo "failover · from beginning" 10
# The producer: the composer's repeat mode, value fo-{seq}.
keys fo 2
type_text fo failover
keys fo Tab Tab Tab
type_text fo 'fo-{seq}'
keys fo Tab Tab
clear_field fo
type_text fo 40
keys fo Tab
clear_field fo
type_text fo "$TOTAL"
keys fo C-r
keys fo Escape
wait_screen fo "repeating: " 5
sleep 6

LEADER=$(admin leaders failover | awk '$1 == 0 { print $2 }')
bash scripts/real-kafka.sh kill-node "$LEADER"
echo "killed broker $LEADER, the leader of failover [0]"
UP=$(echo 1 2 3 | tr ' ' '\n' | grep -vx "$LEADER" | paste -sd, -)

# The topics pane: new leader for partition 0, the dead broker out of every ISR and of
# the brokers that are up.
keys fo 1
select_row fo failover
p0_row() { screen fo | grep -E "^│0 +[0-9a-z]+ +[0-9,]+ +" | head -n 1; }
moved() {
  local r leader isr
  r=$(p0_row)
  leader=$(echo "$r" | awk '{print $2}')
  isr=$(echo "$r" | awk '{print $4}')
  screen fo | grep -qE "brokers? up \(ids? $UP\)" && [ -n "$leader" ] && [ "$leader" != "$LEADER" ] &&
    [ "$leader" != none ] && ! echo ",$isr," | grep -q ",$LEADER,"
}
if wait_for moved 60; then
  ok "topics pane: partition 0 led by broker $(p0_row | awk '{print $2}') (was $LEADER), ISR $(p0_row | awk '{print $4}'), brokers up: $UP"
else bad "topics pane after the kill (p0: $(p0_row))" fo; fi
if screen fo | grep -q "under-replicated"; then
  ok "topics pane marks the partitions that lost a replica as under-replicated"
else bad "under-replicated marker" fo; fi

# Every send ends in a delivery report, none failed.
keys fo 2
keys fo Escape
if wait_screen fo "$TOTAL delivered · 0 failed" 120; then
  ok "composer: $TOTAL delivered · 0 failed (acks=all, through the leader change)"
else bad "delivery reports" fo; fi

# The live view saw each acknowledged message exactly once: seen = high − low on every
# partition, and the sum is the number delivered.
keys fo 3
live_rows() { screen fo | grep -E "^│[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ " | awk -F'[│ ]+' '{print $2, $3, $4, $5}'; }
exactly_once() {
  local sum=0 n=0
  while read -r p low high seen; do
    [ $((high - low)) = "$seen" ] || return 1
    sum=$((sum + seen)); n=$((n + 1))
  done < <(live_rows)
  [ "$n" = 3 ] && [ "$sum" = "$TOTAL" ]
}
if wait_for exactly_once 30; then
  ok "live view: seen = high − low on all 3 partitions, $TOTAL in all"
else bad "live view counts ($(live_rows | tr '\n' ';'))" fo; fi
# The log holds each value once (the idempotent producer wrote no duplicate).
kcat -b "$B" -C -t failover -o beginning -e -q -f '%s\n' 2>/dev/null >"$WORK/all.txt"
if [ "$(wc -l <"$WORK/all.txt")" = "$TOTAL" ] && [ "$(sort -u "$WORK/all.txt" | wc -l)" = "$TOTAL" ]; then
  ok "kcat reads $TOTAL distinct values fo-0 … fo-$((TOTAL - 1)), no duplicates"
else bad "kcat: $(wc -l <"$WORK/all.txt") values, $(sort -u "$WORK/all.txt" | wc -l) distinct" fo; fi

# The in-app member kept its partitions and caught up. It reads at least once: what it
# read after its last auto-commit (every 5 s) before the coordinator moved, it reads again.
keys fo 4
member_read() { screen fo | grep -o 'failover\[[0-9]\]=[0-9]*' | sed 's/.*=//' | awk '{ s += $1 } END { print s + 0 }'; }
caught_up() {
  [ "$(member_read)" -ge "$TOTAL" ] && screen fo | grep -qE "│fo-group +Stable +range +1 +0 " &&
    screen fo | grep -q "kafka-dash-A .*failover \[0,1,2\]"
}
if wait_for caught_up 60; then
  ok "in-app member still holds failover [0,1,2], read $(member_read) (≥ $TOTAL), group lag 0"
else bad "in-app member (read $(member_read))" fo; fi
keys fo q
wait_for '! T has-session -t fo 2>/dev/null' 15

echo "failover: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
