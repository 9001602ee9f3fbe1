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
"$BIN" broker --listen 127.0.0.1:0 --topic ext:1 >"$WORK/broker.out" 2>"$WORK/broker.log" &
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

# --- 3. The terminal is restored after q, Ctrl-C, SIGTERM and a panic ----------------------
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
