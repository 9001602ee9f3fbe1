#!/usr/bin/env bash
# End to end on secured clusters (issue 22), as a person would, with tmux: on one mode's
# listener the seed walkthrough (a topic made with configs, compose with a header, the
# message live with its header, save and replay) and the group demo (an in-app member,
# another client joining its group, a KIP-848 member with its epoch, the watch screen);
# or the failure cases, each of which must be named in words within 5 s. Ends with
# "secure MODE: N passed, N failed".
#
#   tests/e2e/secure.sh --mode MODE
#       on the node `scripts/real-kafka.sh start --security all|MODE` runs (its bootstrap,
#       client settings and Java properties come from that script)
#   tests/e2e/secure.sh --mode MODE --bootstrap HOST:PORT [--properties FILE] -- -X k=v ...
#       on any cluster, with the librdkafka settings after `--`
#   tests/e2e/secure.sh --failures
#       the failure cases, on the running `--security all` node
#
# MODE: plaintext, sasl_ssl, sasl_plaintext, ssl or oauth. Needs a release build, tmux and
# python3 with confluent-kafka (the checks' own client: tests/support/secure_client.py).
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/${KAFKA_DASH_BIN:-target/release/kafka-dash}
WORK=$(mktemp -d)
SOCK="kd-secure-$$"
PASS=0
FAIL=0
MODE="" B="" PROPS="" FAILURES="" XARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --mode) MODE=$2; shift 2 ;;
    --bootstrap) B=$2; shift 2 ;;
    --properties) PROPS=$2; shift 2 ;;
    --failures) FAILURES=yes; MODE=failures; shift ;;
    --) shift; XARGS=("$@"); break ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[ -n "$MODE" ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
rk() { bash "$ROOT/scripts/real-kafka.sh" "$@"; }
if [ -z "$FAILURES" ] && [ -z "$B" ]; then
  B=$(rk bootstrap "$MODE") || exit 1
  mapfile -t XARGS < <(rk client-args "$MODE" | tr ' ' '\n')
  PROPS=$(rk client-properties "$MODE") || exit 1
fi
. tests/e2e/lib.sh
cleanup() {
  T kill-server 2>/dev/null
  for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# Fresh names on every run: the secured node may outlive a run.
RUN=$$
client() { python3 tests/support/secure_client.py "$B" "${XARGS[@]}" "$@"; }
# Starts the dashboard in session $1 on bootstrap $2 with the -X settings after it.
dashboard() {
  local s=$1 b=$2; shift 2
  T new-session -d -s "$s" -x 170 -y 45 "$BIN --pane topics -b $b $* --log-file $WORK/$s.log"
}
quits() { keys "$1" q; wait_for "! T has-session -t $1 2>/dev/null" 10; }
# Session $1's log file, its first line (the settings, secrets masked) left out, has $2.
log_says() { grep -v "starting the dashboard" "$WORK/$1.log" | grep -qiE -- "$2"; }
# The status bar: the screen's last line.
status_line() { screen "$1" | tail -n 1; }

# --- The settings themselves work: librdkafka's, and Java's through Kafka's own tool -----
settings_check() {
  if out=$(client metadata 2>&1) && echo "$out" | grep -q "brokers"; then
    ok "librdkafka with these settings reads the metadata (${out%%,*})"
  else
    bad "librdkafka metadata: $out" keeper
    SETTINGS=bad
  fi
  [ -n "$PROPS" ] || return 0
  if out=$(rk tool topics --bootstrap-server "$B" --command-config "$PROPS" --create --topic "java-$MODE-$RUN" 2>&1) &&
    echo "$out" | grep -q "Created topic java-$MODE-$RUN"; then
    ok "Kafka's topics tool with $(basename "$PROPS") creates a topic"
  else bad "Java properties: $(echo "$out" | tail -n 3)" keeper; fi
}

# --- The seed walkthrough: a topic with configs, compose with a header, live, save, replay --
walkthrough() {
  local s=walk cfg="cfg-$MODE-$RUN" seed="seed-$MODE-$RUN"
  client create "$seed:2" >/dev/null || { bad "cannot create $seed on $B" keeper; return; }
  dashboard $s "$B" "${XARGS[@]}"
  # The list may be longer than the screen on a node that outlived other runs: filter it.
  if ! wait_screen $s "connected" 30 || ! wait_for "find_topic $s $seed" 15; then
    bad "the dashboard did not connect on $MODE" $s
    CONNECTED=no
    return
  fi
  ok "the dashboard connects on $MODE and lists the topics"
  keys $s c
  type_text $s "$cfg"
  keys $s Tab Tab Tab
  type_text $s "retention.ms=3600000,cleanup.policy=compact"
  keys $s Enter
  # A topic just made may not be described yet: ask again until it is.
  if wait_for "[ \"\$(client config $cfg retention.ms 2>/dev/null)\" = 3600000 ]" 15 &&
    [ "$(client config "$cfg" cleanup.policy 2>/dev/null)" = compact ]; then
    ok "c creates $cfg with retention.ms and cleanup.policy (the cluster describes them so)"
  else bad "topic with configs ($(client config "$cfg" retention.ms 2>&1 | tail -n 1))" $s; fi
  keys $s 2
  type_text $s "$seed"
  keys $s Tab
  clear_field $s
  type_text $s 0
  keys $s Tab Tab
  type_text $s "Hello secure!"
  keys $s C-a
  type_text $s myTestHeader
  keys $s Tab
  type_text $s "header values are binary"
  keys $s C-s
  if wait_screen $s "$seed [0] @ 0" 15; then
    ok "compose with header myTestHeader, send: delivery report $seed [0] @ 0"
  else bad "delivery report on $MODE" $s; fi
  keys $s Escape
  keys $s 1
  # Retried: under load one pass through a long list can miss the row.
  wait_for "find_topic $s $seed" 15
  keys $s Enter
  if wait_for "screen $s | grep -q '0@0 .*Hello secure!'" 15; then
    ok "the message appears in the live view at 0@0"
  else bad "live view on $MODE" $s; fi
  keys $s Enter
  if wait_screen $s "myTestHeader = header values are binary" 5; then
    ok "opening it shows its header"
  else bad "message detail on $MODE" $s; fi
  keys $s Escape
  save_replay $s "$seed"
  quits $s || bad "q quits" $s
}

# s saves the live view's messages; Ctrl-O replays the file into a new topic, read back.
save_replay() {
  local s=$1 seed=$2 again="replayed-$MODE-$RUN"
  keys "$s" s
  clear_field "$s"
  type_text "$s" "$WORK/saved.jsonl"
  keys "$s" Enter
  if wait_screen "$s" "saved 1 message to $WORK/saved.jsonl" 10; then
    ok "s saves the message in view"
  else bad "save on $MODE" "$s"; fi
  keys "$s" 2
  keys "$s" C-o
  type_text "$s" "$WORK/saved.jsonl"
  keys "$s" Tab
  clear_field "$s"
  type_text "$s" "$again"
  keys "$s" Enter Enter Enter Enter
  local got=""
  if wait_screen "$s" "replayed 1 of 1 · 0 failed" 15 && got=$(client consume "$again" 2>&1) &&
    [ "$got" = "Hello secure! myTestHeader=header values are binary" ]; then
    ok "Ctrl-O replays it into $again (read back with its header)"
  else bad "replay on $MODE ($got)" "$s"; fi
  keys "$s" Escape
}

# Row of pane $1 naming $2 holds the text $3.
holds() { row "$1" "$2 " | grep -qE -- "$3"; }

# --- The group demo: an in-app member, another client joins, KIP-848, the watch screen ---
group_demo() {
  local s=grp topic="grp-$MODE-$RUN" g="demo-$MODE-$RUN" k="k848-$MODE-$RUN"
  client create "$topic:2" >/dev/null || { bad "cannot create $topic on $B" keeper; return; }
  dashboard $s "$B" "${XARGS[@]}"
  wait_screen $s "connected" 30 || { bad "groups session on $MODE" $s; return; }
  keys $s 4
  add_member $s "$g" "$topic"
  if wait_for "holds $s kafka-dash-A '$topic \[0,1\]'" 30; then
    ok "in-app member A joins $g and holds $topic [0,1]"
  else bad "in-app member on $MODE" $s; fi
  # Not through client(): $! must be python's own PID, or the kill below misses it.
  python3 tests/support/secure_client.py "$B" "${XARGS[@]}" member "$g" "$topic" >"$WORK/member.out" 2>&1 &
  local member=$!
  BG_PIDS="${BG_PIDS:-} $member"
  if wait_for "holds $s kafka-dash-A '$topic \[[01]\]' && holds $s secure-member '$topic \[[01]\]'" 40; then
    ok "another client (secure-member) joins $g: one partition each"
  else bad "second consumer on $MODE" $s; fi
  kill "$member" 2>/dev/null
  add_member $s "$k" "$topic" consumer:uniform
  if wait_for "screen $s | grep -qE '$k · Stable · consumer protocol, epoch [0-9]+ · uniform' && holds $s kafka-dash-B '$topic \[0,1\]'" 30; then
    ok "KIP-848: member B joins $k: $(screen $s | grep -oE "consumer protocol, epoch [0-9]+" | head -n 1), holds $topic [0,1]"
  else bad "KIP-848 member on $MODE" $s; fi
  # A classic member joining the consumer group: KIP-1099's member type tells it apart.
  add_member $s "$k" "$topic" range
  if wait_for "screen $s | grep -qE '$k · Stable · consumer protocol, epoch [0-9]+ · uniform · 2 members \(1 classic\)' && screen $s | grep -qE 'kafka-dash-C .* [0-9]+ classic +$topic \[[01]\]' && screen $s | grep -qE 'kafka-dash-B .* [0-9]+ +$topic \[[01]\]'" 40; then
    ok "KIP-848: classic member C joins $k: each member's epoch shown, C marked classic, one partition each"
  else bad "KIP-848 epochs and member types on $MODE" $s; fi
  # The watch screen follows the topic last sent to or watched: watch $topic first.
  keys $s 1
  wait_for "find_topic $s $topic" 15
  keys $s Enter
  keys $s 5
  if wait_screen $s "Groups reading" 15 && wait_for "screen $s | grep -qE '[│ ][01] +kafka-dash-[AB] '" 20; then
    ok "the watch screen shows the in-app members holding $topic's partitions"
  else bad "watch screen on $MODE" $s; fi
  cluster_switch $s "$g" "$topic"
  keys $s q
  if wait_for "! T has-session -t $s 2>/dev/null" 15 &&
    [ "$(grep -c 'in-app member left its group' "$WORK/$s.log")" -ge 2 ]; then
    ok "q quits; the in-app members leave their groups cleanly"
  else bad "members leave on exit ($(grep -c 'in-app member left' "$WORK/$s.log") left)" $s; fi
}

# --- The cluster picker: to the embedded broker and back, members leaving first ----------
cluster_switch() {
  local s=$1 g=$2 topic=$3
  # From a pane without text fields, where C is a key and not a letter typed.
  keys $s 4
  keys $s C
  if ! wait_screen $s "embedded broker" 10; then
    bad "C opens the cluster picker on $MODE" $s
    return
  fi
  # The embedded broker is the first entry; the picker opens on the cluster in view.
  keys $s Up Up Up Up Enter
  if wait_for "status_line $s | grep -q 'embedded broker 127.0.0.1:'" 30 &&
    wait_for "[ \"\$(client members $g 2>/dev/null)\" = 'EMPTY 0' ]" 20; then
    ok "C switches to the embedded broker (the status bar names it); A left $g on $MODE first"
  else bad "switch to the embedded broker ($(client members "$g" 2>&1 | tail -n 1))" $s; fi
  keys $s C
  wait_screen $s "embedded broker" 10
  keys $s Down Down Down Down Enter
  keys $s 1
  if wait_for "status_line $s | grep -qF '$B'" 30 && wait_for "find_topic $s $topic" 20; then
    ok "C switches back to $B: the status bar names it, $topic is listed"
  else bad "switch back to $B" $s; fi
}

# --- Failures: each named in words in the status bar within 5 s; q still quits ----------
# failure NAME BOOTSTRAP WORDS LOGWORDS -X settings...: WORDS and LOGWORDS are extended
# regular expressions without a single quote; WORDS are the diagnosis src/kafka/diagnose.rs
# writes, LOGWORDS librdkafka's own (its words, not the dashboard's own client's).
failure() {
  local name=$1 b=$2 words=$3 logwords=$4 s="f$((PASS + FAIL))"
  shift 4
  dashboard "$s" "$b" "$@"
  if wait_for "status_line $s | grep -qiE '$words'" 5; then
    ok "$name: the status bar says so within 5 s ($(status_line $s | sed -E 's/.*cannot connect( to [^ ]+)?: //; s/ +\? help.*//'))"
  else bad "$name: status bar within 5 s" "$s"; fi
  if wait_for "log_says $s '$logwords'" 5; then
    ok "$name: the log has librdkafka's detail"
  else bad "$name: log detail ($(grep -v '^$' "$WORK/$s.log" | tail -n 2 | cut -c1-200))" "$s"; fi
  if quits "$s"; then ok "$name: q quits"; else bad "$name: q quits" "$s"; fi
}

# The -X settings of MODE with the sed expression $2 applied (none has a space).
args_of() { rk client-args "$1" | sed -E "${2:-}"; }

failures() {
  local d closed
  d=$(rk security-dir) || exit 1
  closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # shellcheck disable=SC2046 # the settings are one word each
  {
    failure "wrong password" "$(rk bootstrap sasl_ssl)" "refused user alice" \
      "SASL authentication error" $(args_of sasl_ssl 's/=alice-secret/=wrong-secret/')
    failure "unknown user" "$(rk bootstrap sasl_plaintext)" "refused user mallory" \
      "SASL authentication error" $(args_of sasl_plaintext 's/username=alice/username=mallory/')
    failure "untrusted certificate" "$(rk bootstrap ssl)" "not signed by a CA we trust" \
      "SSL handshake failed" $(args_of ssl 's#/ca.pem#/other-ca.pem#')
    failure "expired certificate" "$(rk bootstrap expired)" "certificate has expired" "SSL handshake failed" $(args_of ssl)
    failure "host-name mismatch" "$(rk bootstrap wronghost)" "certificate is (not )?for" "SSL handshake failed" $(args_of ssl)
    failure "unreachable token endpoint" "$(rk bootstrap oauth)" "token endpoint .* is unreachable" "OIDC token" \
      $(args_of oauth "s#endpoint.url=.*#endpoint.url=http://127.0.0.1:$closed/token#")
    failure "PLAINTEXT client on a TLS listener" "$(rk bootstrap ssl)" "listener speaks TLS" \
      "state APIVERSION_QUERY|security.protocol configuration" -X security.protocol=PLAINTEXT
    failure "TLS client on a plaintext listener" "$(rk bootstrap plaintext)" "does not speak TLS" \
      "SSL handshake failed" -X security.protocol=SSL -X "ssl.ca.location=$d/ca.pem"
  }
}

START=$SECONDS
if [ -n "$FAILURES" ]; then
  failures
else
  echo "secure e2e on $MODE at $B"
  settings_check
  # Settings the cluster refuses fail every later step after its whole time out.
  [ "${SETTINGS:-ok}" = ok ] || { echo "secure $MODE: $PASS passed, $FAIL failed (settings refused)"; exit 1; }
  walkthrough
  # Every step of the group demo would wait its whole time out: one failure says enough.
  if [ "${CONNECTED:-yes}" = yes ]; then group_demo; else bad "group demo skipped: no connection on $MODE" keeper; fi
fi
echo "secure $MODE: $PASS passed, $FAIL failed ($((SECONDS - START)) s)"
[ "$FAIL" = 0 ]
