#!/usr/bin/env bash
# End to end, as a person would: tmux runs the real binary, send-keys types, capture-pane
# reads the screen. Needs a release build and tmux and kcat. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=$(pwd)/${KAFKA_DASH_BIN:-target/release/kafka-dash}
WORK=$(mktemp -d)
SOCK="kd-e2e-$$"
PASS=0
FAIL=0
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null; [ -n "${BROKER_PID:-}" ] && kill "$BROKER_PID" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; echo "---- screen:"; T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/    /'; }
screen() { T capture-pane -p -t "$1"; }
# Waits up to $3 seconds until the screen of pane $1 contains the fixed string $2.
wait_screen() {
  local deadline=$((SECONDS + ${3:-15}))
  while [ $SECONDS -lt $deadline ]; do screen "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
  return 1
}
keys() { local p=$1; shift; T send-keys -t "$p" "$@"; sleep 0.15; }
type_text() { T send-keys -t "$1" -l "$2"; sleep 0.15; }

# --- 1. The seed's header demo, from a first run on the embedded broker --------------------
T new-session -d -s first -x 130 -y 40 "$BIN --log-file $WORK/first.log"
if wait_screen first "connected" 30 && wait_screen first "strconv" 10; then
  keys first 2
  type_text first strconv
  keys first Tab Tab Tab
  type_text first 'Hello Go!'
  keys first C-a
  type_text first myTestHeader
  keys first Tab
  type_text first 'header values are binary'
  keys first C-s
  if wait_screen first "strconv [0] @ 0" 10; then
    ok "compose Hello Go! with header myTestHeader, send: delivery list shows strconv [0] @ 0"
  else bad "first delivery report" first; fi
  keys first C-s
  if wait_screen first "strconv [0] @ 1" 10; then
    ok "send again: the offset grows by one (strconv [0] @ 1)"
  else bad "second delivery report" first; fi
  keys first Escape
  keys first 1 Down Enter
  if wait_screen first "0@1" 10 && screen first | grep -q "0@0 .*Hello Go!"; then
    ok "the messages appear in the live view at those offsets"
  else bad "live view rows" first; fi
  keys first Down Enter
  if wait_screen first "myTestHeader = header values are binary" 5 && screen first | grep -q "offset 1"; then
    ok "opening the message shows its header"
  else bad "message detail" first; fi
  keys first Escape
  keys first q
  sleep 1
  if ! T has-session -t first 2>/dev/null || ! pgrep -f "$WORK/first.log" >/dev/null; then
    ok "q quits"
  else bad "q quits" first; fi
else
  bad "first run did not connect to its embedded broker" first
fi

# --- 2. Another client's message appears in the live view ----------------------------------
"$BIN" broker --listen 127.0.0.1:0 --topic ext:1 --topic extg:3 --topic lagt:2 >"$WORK/broker.out" 2>"$WORK/broker.log" &
BROKER_PID=$!
for _ in $(seq 50); do grep -q "listening on" "$WORK/broker.out" && break; sleep 0.1; done
B=$(sed -n 's/.*listening on //p' "$WORK/broker.out")
T new-session -d -s ext -x 130 -y 40 "$BIN -b $B --log-file $WORK/ext.log"
if wait_screen ext "ext" 30; then
  keys ext Enter
  wait_screen ext "from beginning" 10
  sleep 1
  START=$(date +%s%N)
  echo "from-kcat" | kcat -b "$B" -P -t ext -k kkey -H origin=kcat
  if wait_screen ext "from-kcat" 10; then
    MS=$(( ($(date +%s%N) - START) / 1000000 ))
    ok "a message produced by kcat (with a header) appears in the live view (${MS} ms)"
  else bad "kcat message in live view" ext; fi
else bad "dashboard on kafka-dash broker" ext; fi
T kill-session -t ext 2>/dev/null

# --- 3. The seed's group demo on one screen, with in-app members --------------------------
T new-session -d -s grp -x 170 -y 45 "$BIN --log-file $WORK/grp.log"
row() { screen "$1" | grep -F -- "$2" | head -n 1; }
holds() { row "$1" "$2 " | grep -qF -- "$3"; }
if wait_screen grp "connected" 30; then
  keys grp 4
  keys grp a
  keys grp Enter Enter Enter
  wait_screen grp "kafka-dash-A" 20
  deadline=$((SECONDS + 20)); until holds grp kafka-dash-A "sarama [0,1]" || [ $SECONDS -gt $deadline ]; do sleep 0.2; done
  if holds grp kafka-dash-A "sarama [0,1]"; then ok "in-app member A joins and holds sarama [0,1]"; else bad "member A" grp; fi
  keys grp a
  keys grp Enter Enter Enter
  deadline=$((SECONDS + 20)); until { holds grp kafka-dash-A "sarama [0]" && holds grp kafka-dash-B "sarama [1]"; } || [ $SECONDS -gt $deadline ]; do sleep 0.2; done
  if holds grp kafka-dash-A "sarama [0]" && holds grp kafka-dash-B "sarama [1]"; then ok "member B joins: A holds [0], B holds [1]"; else bad "member B" grp; fi
  keys grp a
  keys grp Enter Enter Enter
  deadline=$((SECONDS + 20)); until holds grp kafka-dash-C "idle (no partitions)" || [ $SECONDS -gt $deadline ]; do sleep 0.2; done
  if holds grp kafka-dash-C "idle (no partitions)"; then ok "member C joins and is shown idle"; else bad "member C idle" grp; fi
  keys grp x
  if wait_screen grp "−kafka-dash-A" 20 && wait_screen grp "sarama[0] kafka-dash-A→kafka-dash-B" 5; then
    ok "removing A: the timeline shows the new rebalance and that sarama[0] moved from A to B"
  else bad "remove A" grp; fi
  keys grp q
  # Every in-app member leaves its group cleanly: A when removed, B and C on exit.
  for _ in $(seq 50); do [ "$(grep -c 'in-app member left its group' "$WORK/grp.log")" -ge 3 ] && break; sleep 0.2; done
  if [ "$(grep -c 'in-app member left its group' "$WORK/grp.log")" -ge 3 ]; then
    ok "in-app members leave their group cleanly when the dashboard exits"
  else bad "members leave on exit ($(grep -c 'in-app member left' "$WORK/grp.log") left)" grp; fi
else bad "groups demo start" grp; fi

# --- 4. Members started elsewhere, lag, and a SIGKILLed member -----------------------------
KCX=(kcat -b "$B" -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 -G a-ext)
"${KCX[@]}" -X client.id=kcat1 extg >/dev/null 2>&1 &
K1=$!
"${KCX[@]}" -X client.id=kcat2 extg >/dev/null 2>&1 &
K2=$!
python3 -c "
import time
from kafka import KafkaConsumer
c = KafkaConsumer('extg', bootstrap_servers='$B', group_id='a-ext', client_id='kp-member', session_timeout_ms=6000, heartbeat_interval_ms=500)
end = time.time() + 90
while time.time() < end: c.poll(200)
" >/dev/null 2>&1 &
KP=$!
python3 tests/e2e/lag_member.py "$B" b-lag lagt "$WORK/lag.txt" >"$WORK/lag.log" 2>&1 &
LP=$!
T new-session -d -s grp2 -x 170 -y 45 "$BIN -b $B --log-file $WORK/grp2.log"
keys grp2 4
ext_ok() { for c in kcat1 kcat2 kp-member; do row grp2 "$c " | grep -q "/127.0.0.1 .*extg \[[0-2]\]" || return 1; done; }
deadline=$((SECONDS + 40)); until ext_ok || [ $SECONDS -gt $deadline ]; do sleep 0.3; done
if ext_ok; then ok "two kcat -G members and a kafka-python member appear with client id, host and partitions"; else bad "external members" grp2; fi
T0=$SECONDS
kill -KILL "$K2"
if wait_screen grp2 "−kcat2" 30; then
  ok "a SIGKILLed kcat member leaves the timeline after its session timeout ($((SECONDS - T0)) s)"
else bad "SIGKILL in timeline" grp2; fi
kill "$K1" "$KP" 2>/dev/null
for _ in $(seq 100); do [ -s "$WORK/lag.txt" ] && break; sleep 0.3; done
keys grp2 Down
lag_ok() {
  while read -r _ topic part lag; do
    row grp2 "$topic " | grep -q . || return 1
    screen grp2 | grep -E "^│.*│$topic +$part +lag-member +[0-9]+ +[0-9]+ +$lag +│" -q || return 1
  done <"$WORK/lag.txt"
}
deadline=$((SECONDS + 20)); until { [ -s "$WORK/lag.txt" ] && lag_ok; } || [ $SECONDS -gt $deadline ]; do sleep 0.3; done
if [ -s "$WORK/lag.txt" ] && lag_ok; then
  ok "lag per partition equals kafka-python's ($(tr '\n' ' ' <"$WORK/lag.txt"))"
else bad "lag vs kafka-python ($(cat "$WORK/lag.txt" 2>/dev/null | tr '\n' ' '))" grp2; fi
kill "$LP" 2>/dev/null
T kill-session -t grp2 2>/dev/null

# --- 5. The terminal is restored after q, Ctrl-C, SIGTERM and a panic ----------------------
restore_case() {
  local name=$1 how=$2 extra=${3:-}
  local s="r-$name"
  T new-session -d -s "$s" -x 100 -y 30 "sh -c 'stty -g > $WORK/$name.before; $BIN --no-producer --log-file $WORK/$name.log $extra 2> $WORK/$name.err; stty -g > $WORK/$name.after; echo EXITED; sleep 60'"
  wait_screen "$s" "connected" 30 || [ -n "$extra" ]
  case $how in
    q) keys "$s" q ;;
    ctrl-c) keys "$s" C-c ;;
    term) pkill -TERM -f "^$BIN .*$WORK/$name.log" ;;
    panic) ;;
  esac
  if wait_screen "$s" "EXITED" 10 && cmp -s "$WORK/$name.before" "$WORK/$name.after" &&
     [ "$(T display -p -t "$s" '#{alternate_on}')" = 0 ]; then
    ok "terminal restored after $name (stty settings equal, alternate screen off)"
  else bad "terminal restore after $name" "$s"; fi
}
restore_case q q
restore_case ctrl-c ctrl-c
restore_case sigterm term
restore_case panic panic --test-panic
if grep -q "test panic requested" "$WORK/panic.err"; then
  ok "the panic message is printed after the terminal is restored"
else FAIL=$((FAIL + 1)); echo "FAIL panic message"; cat "$WORK/panic.err"; fi

echo "e2e: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
