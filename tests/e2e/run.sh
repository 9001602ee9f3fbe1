#!/usr/bin/env bash
# End to end, as a person would: tmux runs the real binary, send-keys types, capture-pane
# reads the screen. Ends with "e2e: N passed, N failed".
#
#   tests/e2e/run.sh                    the dashboard's own embedded broker for the first-run
#                                       scenarios, `kafka-dash broker` for the rest
#   tests/e2e/run.sh --bootstrap HOST:PORT[,...]
#                                       every scenario against that cluster (e.g. Apache Kafka
#                                       from scripts/real-kafka.sh); it must be fresh: the
#                                       scenarios create their topics and expect offset 0
#
# Needs a release build, tmux, kcat, python3 with kafka-python and confluent-kafka, and
# Kafka's CLI tools through scripts/real-kafka.sh (Java and Maven).
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=$ROOT/${KAFKA_DASH_BIN:-target/release/kafka-dash}
WORK=$(mktemp -d)
SOCK="kd-e2e-$$"
PASS=0
FAIL=0
CLUSTER=""
[ "${1:-}" = "--bootstrap" ] && CLUSTER=$2
. tests/e2e/lib.sh
cleanup() {
  T kill-server 2>/dev/null
  for p in ${BROKER_PID:-} ${BG_PIDS:-}; do kill "$p" 2>/dev/null; done
  sleep 1
  # A client whose cluster is already gone may hang in its shutdown: no leftovers.
  for p in ${BG_PIDS:-}; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT

holds() { row "$1" "$2 " | grep -qF -- "$3"; }
kafka_tool() { bash "$ROOT/scripts/real-kafka.sh" tool "$@"; }
# All topics, not `-L -t NAME`: asking for one topic by name auto-creates it on Kafka.
topic_line() { kcat -b "$B" -L 2>/dev/null | grep -F "topic \"$1\""; }

if [ -n "$CLUSTER" ]; then
  B=$CLUSTER
  # The first-run scenarios run on the given cluster instead of the dashboard's own broker.
  FIRST=("$BIN" -b "$B")
  python3 tests/support/kafka_admin.py "$B" create strconv:1 sarama:2 ext:1 extg:3 lagt:2 jext:2 paste:1 wide:64 big:1 hlt:1 hq:1 >/dev/null ||
    { echo "cannot create the test topics on $B"; exit 1; }
  echo "e2e on the cluster at $B"
else
  "$BIN" broker --listen 127.0.0.1:0 --topic ext:1 --topic extg:3 --topic lagt:2 --topic jext:2 --topic paste:1 --topic wide:64 --topic big:1 --topic hlt:1 --topic hq:1 \
    >"$WORK/broker.out" 2>"$WORK/broker.log" &
  BROKER_PID=$!
  wait_for 'grep -q "listening on" "$WORK/broker.out"' 10
  B=$(sed -n 's/.*listening on //p' "$WORK/broker.out")
  FIRST=("$BIN")
  echo "e2e on the embedded broker and on kafka-dash broker at $B"
fi

# --- 1. The seed's header demo -------------------------------------------------------------
T new-session -d -s first -x 130 -y 40 "${FIRST[*]} --log-file $WORK/first.log"
if wait_screen first "connected" 30 && wait_screen first "strconv" 10; then
  keys first 2
  if [ -z "$CLUSTER" ]; then
    # The embedded broker's first run has the walkthrough's message ready, header and all.
    if screen first | grep -q "value Hello Go!" && screen first | grep -q "header 1 myTestHeader = header values are binary"; then
      ok "the embedded first run's composer holds Hello Go! with its header, ready to send"
    else bad "prefilled seed message" first; fi
    clear_field first
    type_text first strconv
  else
    type_text first strconv
    keys first Tab Tab Tab
    type_text first 'Hello Go!'
    keys first C-a
    type_text first myTestHeader
    keys first Tab
    type_text first 'header values are binary'
  fi
  keys first C-s
  if wait_screen first "strconv [0] @ 0" 10; then
    ok "compose Hello Go! with header myTestHeader, send: delivery list shows strconv [0] @ 0"
  else bad "first delivery report" first; fi
  keys first C-s
  if wait_screen first "strconv [0] @ 1" 10; then
    ok "send again: the offset grows by one (strconv [0] @ 1)"
  else bad "second delivery report" first; fi
  keys first Escape
  keys first 1
  select_row first strconv
  keys first Enter
  if wait_screen first "0@1" 10 && screen first | grep -q "0@0 .*Hello Go!"; then
    ok "the messages appear in the live view at those offsets"
  else bad "live view rows" first; fi
  keys first Down Enter
  if wait_screen first "myTestHeader = header values are binary" 5 && screen first | grep -q "offset 1"; then
    ok "opening the message shows its header"
  else bad "message detail" first; fi
  keys first Escape
  keys first q
  if wait_for '! T has-session -t first 2>/dev/null || ! pgrep -f "$WORK/first.log" >/dev/null' 10; then
    ok "q quits"
  else bad "q quits" first; fi
else
  bad "first run did not connect" first
fi

# --- 1b. A true first run: a fresh HOME, nothing remembered, no pane chosen ---------------
# It opens on the watch screen; on the embedded broker that screen follows the topic its
# background producer writes to, so it moves at once, and the composer shows headers.
NEWHOME=$WORK/newcomer
mkdir -p "$NEWHOME"
T new-session -d -s newbie -x 120 -y 36 \
  "env -u KAFKA_DASH_PANE -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME=$NEWHOME ${FIRST[*]} --log-file $WORK/newbie.log"
messages_seen() { screen newbie | grep -oE "messages [0-9]+" | head -n 1 | grep -oE "[0-9]+"; }
if wait_screen newbie "Tab: next part" 30 && wait_screen newbie "connected" 30; then
  if screen newbie | grep -qE "header 1 myTestHeader|headers none · Ctrl-A adds one"; then
    ok "a true first run opens on the watch screen and its composer shows headers before any key"
  else bad "headers on the first screen" newbie; fi
  if [ -z "$CLUSTER" ]; then
    wait_screen newbie "sarama · from beginning" 10
    before=$(messages_seen)
    sleep 3
    after=$(messages_seen)
    if screen newbie | grep -q "sarama · from beginning" && [ "${after:-0}" -gt "${before:-0}" ]; then
      ok "the first screen follows sarama, where the background producer writes: messages $before → $after in 3 s"
    else bad "traffic on the first screen (messages ${before:-?} → ${after:-?})" newbie; fi
  fi
  keys newbie q
else bad "true first run" newbie; fi
if wait_for '[ -f "$NEWHOME/.local/share/kafka-dash/state.toml" ]' 15; then
  ok "the first run remembers its pane under the fresh HOME"
else bad "state under the fresh HOME ($(find "$NEWHOME" -type f | head -n 3))" keeper; fi

# --- 1c. An unfinished escape sequence does not take the keyboard ---------------------------
# crossterm's own reader waited for the rest of `ESC [ ?` for ever, and every key after
# it, Ctrl-C included, joined the wait (issue 20 #2).
T new-session -d -s esc -x 120 -y 36 "$BIN -b $B --log-file $WORK/esc.log"
esc_alive() { pgrep -f "$WORK/esc.log" >/dev/null; }
if wait_screen esc "connected" 30; then
  keys esc 1
  type_text esc $'\e[?'
  keys esc 2
  if wait_screen esc "┌ Compose" 5; then
    ok "after ESC [ ? (an unfinished sequence) the next key still acts: 2 opens the composer"
  else bad "a key after ESC [ ?" esc; fi
  type_text esc $'\e[1;'
  keys esc C-c
  if wait_for '! esc_alive' 10; then
    ok "after ESC [ 1 ; Ctrl-C still quits"
  else bad "Ctrl-C after ESC [ 1 ;" esc; fi
else bad "escape-sequence session start" esc; fi
T kill-session -t esc 2>/dev/null

# A storm of keys and pieces of sequences, several to a write so that they arrive
# together as typed fast; nothing in it changes the cluster (no letters, Enter or Ctrl).
T new-session -d -s storm -x 120 -y 36 "$BIN -b $B --log-file $WORK/storm.log"
storm_alive() { pgrep -f "$WORK/storm.log" >/dev/null; }
if wait_screen storm "connected" 30; then
  SEED=$$
  RANDOM=$SEED
  PIECES=($'\e' '[' ']' '?' ';' '1' '2' '3' '4' '5' 'O' $'\t' $'\x7f' $'\e[A' $'\e[B' $'\eOH'
    $'\e[Z' $'\e[5~' $'\e[1;5C' $'\e[?' $'\e[1;' $'\eO' $'\e[<0;30;1M' $'\e[<0;30;1m'
    $'\e[<64;10;10M' $'\e[<0;1' $'\e[M' $'\e[[' $'\e[200' 'é')
  END=$((SECONDS + 4))
  while [ $SECONDS -lt $END ]; do
    burst=""
    for _ in $(seq $((RANDOM % 6 + 1))); do burst+=${PIECES[RANDOM % ${#PIECES[@]}]}; done
    T send-keys -t storm -l "$burst"
  done
  # Back to the topics list from wherever the storm left it (a field, the help).
  keys storm Escape
  keys storm Escape
  keys storm 1
  if storm_alive && wait_screen storm "┌ Topics" 5; then
    ok "after a 4 s storm of keys and broken sequences (seed $SEED) the keys still act: 1 shows the topics"
  else bad "keys after the storm (seed $SEED)" storm; fi
  keys storm q
  if wait_for '! storm_alive' 10; then
    ok "after the storm q quits"
  else
    keys storm C-c
    bad "q after the storm (seed $SEED; Ctrl-C $(wait_for '! storm_alive' 5 && echo did || echo did not) quit)" storm
  fi
else bad "storm session start" storm; fi
T kill-session -t storm 2>/dev/null

# --- 2. Another client's message appears in the live view ----------------------------------
T new-session -d -s ext -x 130 -y 40 "$BIN -b $B --log-file $WORK/ext.log"
if wait_screen ext "ext" 30; then
  select_row ext ext
  keys ext Enter
  wait_screen ext "from beginning" 10
  sleep 1
  START=$(date +%s%N)
  echo "from-kcat" | kcat -b "$B" -P -t ext -k kkey -H origin=kcat
  if wait_screen ext "from-kcat" 10; then
    MS=$(( ($(date +%s%N) - START) / 1000000 ))
    ok "a message produced by kcat (with a header) appears in the live view (${MS} ms)"
  else bad "kcat message in live view" ext; fi
  # s saves the messages in view as JSON lines; y copies the open message's value
  # (OSC 52, which tmux takes into a paste buffer); Ctrl-O in the composer replays a file.
  keys ext s
  clear_field ext
  type_text ext "$WORK/saved.jsonl"
  keys ext Enter
  if wait_screen ext "saved 1 message to $WORK/saved.jsonl" 10 &&
    python3 -c "
import json, sys
m = json.loads(open('$WORK/saved.jsonl').readline())
sys.exit(not (m['payload'] == 'from-kcat' and m['key'] == 'kkey' and m['headers'] == ['origin', 'kcat']))"; then
    ok "s saves the messages in view as JSON lines (payload, key and headers as kcat -J has them)"
  else bad "save ($(head -c 300 "$WORK/saved.jsonl" 2>/dev/null))" ext; fi
  T set-option -g set-clipboard on
  keys ext Down Enter
  keys ext y
  if wait_for '[ "$(T show-buffer 2>/dev/null)" = "from-kcat" ]' 5; then
    ok "y in a message's detail copies its value to the clipboard through the terminal (OSC 52)"
  else bad "copy with y (buffer: $(T show-buffer 2>/dev/null | head -c 80))" ext; fi
  keys ext Escape
  keys ext 2
  keys ext C-o
  type_text ext "$WORK/saved.jsonl"
  keys ext Tab
  clear_field ext
  type_text ext replayed
  keys ext Enter Enter Enter Enter
  if wait_screen ext "replayed 1 of 1 · 0 failed" 15 &&
    [ "$(kcat -b "$B" -C -t replayed -e -q -f '%k %s %h\n' 2>/dev/null)" = "kkey from-kcat origin=kcat" ]; then
    ok "Ctrl-O replays the saved file into a new topic (kcat reads the same key, value and header)"
  else bad "replay ($(kcat -b "$B" -C -t replayed -e -q -f '%k %s %h\n' 2>&1 | head -3))" ext; fi
  keys ext Escape
  keys ext 3
  keys ext o
  clear_field ext
  type_text ext 1000
  keys ext Enter
  if wait_screen ext "offset 1000 is past the end of partition 0 (high watermark 1)" 10; then
    ok "starting past the end says so (offset 1000, high watermark 1) instead of silently resetting"
  else bad "start past the end" ext; fi
  # 64 partitions: watermarks at once, and a new message without waiting on 64 queries.
  keys ext 1
  select_row ext wide
  keys ext Enter
  if wait_for 'screen ext | grep -qE "^│0 +0 +0 +0 "' 10; then
    START=$(date +%s%N)
    echo "to-the-last-partition" | kcat -b "$B" -P -t wide -p 63
    if wait_screen ext "to-the-last-partition" 10; then
      ok "64 partitions: watermarks shown at once, a message to partition 63 appears ($(( ($(date +%s%N) - START) / 1000000 )) ms)"
    else bad "message on a 64-partition topic" ext; fi
    # The partitions table scrolls: ] pages down to partition 63, [ back to 0.
    keys ext ']' ']' ']' ']' ']' ']'
    if wait_for 'screen ext | grep -qE "^│63 +0 +1 "' 5 && wait_screen ext "–64 of 64 · [ ] scroll" 5; then
      keys ext '[' '[' '[' '[' '[' '[' '[' '['
      if wait_for 'screen ext | grep -qE "^│0 +0 +0 +0 "' 5; then
        ok "the 64-row partitions table scrolls with ] and [ and says which rows it shows"
      else bad "partitions table scrolls back" ext; fi
    else bad "partitions table scrolls" ext; fi
    # A flag is two regional indicators whose width terminals disagree on: shown as code
    # points, so nothing is left behind on screen after switching panes.
    printf 'flag-\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa-end\n' | kcat -b "$B" -P -t wide -p 0
    if wait_screen ext 'flag-\u{1f1e9}\u{1f1ea}-end' 10; then
      keys ext 1
      sleep 0.5
      if screen ext | grep -q "Topics (" && screen ext | python3 -c '
import sys
text = sys.stdin.buffer.read().decode("utf-8", "replace")
sys.exit(any(0x1F1E6 <= ord(c) <= 0x1F1FF for c in text))'; then
        ok "a flag emoji is shown as its code points and leaves no stray glyph after switching panes"
      else bad "flag emoji stray glyphs" ext; fi
    else bad "flag emoji shown escaped" ext; fi
  else bad "watermarks of a 64-partition topic" ext; fi
  # Large values are kept cut; opening one reads it whole.
  python3 -c "import sys; [sys.stdout.write('big%d-' % i + 'y' * 409595 + '\n') for i in range(3)]" |
    kcat -b "$B" -P -t big -X message.max.bytes=1000000
  keys ext 1
  select_row ext big
  keys ext Enter
  wait_screen ext "big2-" 15
  keys ext Down Enter
  if wait_screen ext "value (text, 409600 bytes, lines 1-" 15; then
    ok "a 400 KB value is kept cut in the list; opening it reads the whole 409,600 bytes"
  else bad "large value detail" ext; fi
  # Its hex dump (25,600 lines) is built once and scrolls: End shows the last line.
  keys ext v v
  wait_screen ext "value (hex, 409600 bytes, lines 1-" 10
  keys ext End
  if wait_screen ext "00063ff0" 10 && wait_screen ext "lines 25600-25600 of 25600" 5; then
    ok "the message detail scrolls to the end of a 25,600-line hex dump"
  else bad "detail scrolling" ext; fi
  keys ext Escape
else bad "dashboard on $B" ext; fi
T kill-session -t ext 2>/dev/null

# --- 3. Topics: create, add partitions, delete ---------------------------------------------
T new-session -d -s top -x 130 -y 40 "$BIN -b $B --log-file $WORK/top.log"
if wait_screen top "connected" 30 && wait_screen top "extg" 10; then
  keys top c
  type_text top e2e-made
  keys top Tab
  clear_field top
  type_text top 3
  keys top Enter Enter Enter
  if wait_for 'topic_line e2e-made | grep -q "with 3 partitions"' 15 && wait_screen top "e2e-made" 10; then
    ok "c creates a topic with 3 partitions (kcat -L agrees)"
  else bad "create topic ($(topic_line e2e-made))" top; fi
  select_row top e2e-made
  # The partition table under the list: leader, replicas and ISR are the one broker up.
  up=$(screen top | grep -oE 'broker up \(id [0-9]+\)' | grep -oE '[0-9]+')
  detail_ok() { [ "$(screen top | grep -cE "^│[0-2] +$up +$up +$up +0 +0 +ok")" = 3 ]; }
  if [ -n "$up" ] && wait_for detail_ok 10; then
    ok "its 3 partitions are listed with leader, replicas and in-sync replicas = broker $up"
  else bad "partition table of e2e-made" top; fi
  # Watch it live, then grow it: the live view must pick up the new partitions.
  keys top Enter
  wait_screen top "e2e-made · from beginning" 10
  keys top 1
  select_row top e2e-made
  keys top p
  clear_field top
  type_text top 5
  keys top Enter
  if wait_for 'topic_line e2e-made | grep -q "with 5 partitions"' 15 &&
     wait_for 'row top "e2e-made " | grep -qE "e2e-made +5 "' 10; then
    ok "p grows it to 5 partitions (kcat -L and the topics pane agree)"
  else bad "add partitions ($(topic_line e2e-made))" top; fi
  echo "in-partition-4" | kcat -b "$B" -P -t e2e-made -p 4
  keys top 3
  if wait_screen top "in-partition-4" 15 && wait_for 'screen top | grep -qE "^│4 +0 +1 +1 +0 "' 5; then
    ok "the live view reads the added partitions (a message sent to partition 4 shows up)"
  else bad "added partitions in the live view" top; fi
  keys top 1
  select_row top e2e-made
  keys top d
  type_text top e2e-made
  keys top Enter
  if wait_for '[ -z "$(topic_line e2e-made)" ]' 15 && wait_for '! screen top | grep -q "│e2e-made "' 10; then
    ok "d deletes it after the name is typed (gone from kcat -L and the pane)"
  else bad "delete topic ($(topic_line e2e-made))" top; fi
else bad "topics pane on $B" top; fi
T kill-session -t top 2>/dev/null

# --- 4. The seed's group demo on one screen, with in-app members --------------------------
T new-session -d -s grp -x 170 -y 45 "${FIRST[*]} --log-file $WORK/grp.log"
if wait_screen grp "connected" 30 && wait_screen grp "sarama" 10; then
  keys grp 4
  add_member grp demo-group sarama
  wait_screen grp "kafka-dash-A" 20
  wait_for 'holds grp kafka-dash-A "sarama [0,1]"' 25
  if holds grp kafka-dash-A "sarama [0,1]"; then ok "in-app member A joins and holds sarama [0,1]"; else bad "member A" grp; fi
  add_member grp demo-group sarama
  wait_for 'holds grp kafka-dash-A "sarama [0]" && holds grp kafka-dash-B "sarama [1]"' 25
  if holds grp kafka-dash-A "sarama [0]" && holds grp kafka-dash-B "sarama [1]"; then ok "member B joins: A holds [0], B holds [1]"; else bad "member B" grp; fi
  add_member grp demo-group sarama
  wait_for 'holds grp kafka-dash-C "idle (no partitions)"' 25
  if holds grp kafka-dash-C "idle (no partitions)"; then ok "member C joins and is shown idle"; else bad "member C idle" grp; fi
  # Select A (m steps through the members), then remove it.
  for _ in 1 2 3 4; do selected_rows grp | grep -q "^kafka-dash-A " && break; keys grp m; done
  keys grp x
  if wait_screen grp "−kafka-dash-A" 25 && wait_screen grp "sarama[0] kafka-dash-A→kafka-dash-B" 5; then
    ok "removing A: the timeline shows the new rebalance and that sarama[0] moved from A to B"
  else bad "remove A" grp; fi
  keys grp q
  # Every in-app member leaves its group cleanly: A when removed, B and C on exit.
  wait_for '[ "$(grep -c "in-app member left its group" "$WORK/grp.log")" -ge 3 ]' 15
  if [ "$(grep -c 'in-app member left its group' "$WORK/grp.log")" -ge 3 ]; then
    ok "in-app members leave their group cleanly when the dashboard exits"
  else bad "members leave on exit ($(grep -c 'in-app member left' "$WORK/grp.log") left)" grp; fi
else bad "groups demo start" grp; fi

# --- 4b. The watch screen: the seed's walkthrough without leaving it ----------------------
# A first run (nothing remembered) opens on it. Send with a header, see the delivery
# report, the high watermark and the message together; members A, B, C join and A leaves,
# all on the same screen.
FRESH=$WORK/fresh-data
if [ -n "$CLUSTER" ]; then WATCH=("$BIN" -b "$B"); else WATCH=("$BIN" --no-producer); fi
watch_session() {
  T new-session -d -s wat -x 140 -y 50 \
    "env -u KAFKA_DASH_PANE XDG_DATA_HOME=$FRESH ${WATCH[*]} --log-file $WORK/wat.log"
}
# True when the groups part shows partition $1 of the watched topic held by member $2.
reads_part() { screen wat | grep -qE "[│ ]$1 +$2 "; }
watch_session
if wait_screen wat "Groups reading" 30 && wait_screen wat "Tab: next part" 5; then
  ok "the first run opens on the watch screen (composer, live view, groups reading the topic)"
  keys wat Enter
  clear_field wat
  type_text wat sarama
  keys wat Tab Tab Tab
  type_text wat "Hello Go!"
  keys wat C-a
  type_text wat myTestHeader
  keys wat Tab
  type_text wat "header values are binary"
  keys wat C-s
  if wait_for 'screen wat | grep -qE "sarama \[[01]\] @ [0-9]+"' 15; then
    at=$(screen wat | grep -oE "sarama \[[01]\] @ [0-9]+" | head -n 1)
    p=$(echo "$at" | sed -E 's/.*\[([01])\].*/\1/')
    o=$(echo "$at" | sed -E 's/.*@ //')
    # Same screen: the message at its offset with its header, and the high watermark.
    if wait_for "screen wat | grep -q '$p@$o .*Hello Go!.* 1h'" 10 &&
      wait_for "screen wat | grep -qE '^│$p +[0-9]+ +$((o + 1)) '" 10; then
      ok "a send shows its delivery report ($at), the message at $p@$o with its header and high watermark $((o + 1)) on one screen"
    else bad "send on the watch screen" wat; fi
  else bad "delivery report on the watch screen" wat; fi
  keys wat Escape
  keys wat Tab
  keys wat Tab
  add_member wat watch-group sarama
  if wait_for 'reads_part 0 kafka-dash-A && reads_part 1 kafka-dash-A' 25; then
    ok "member A joins: the groups part shows A holding sarama 0 and 1"
  else bad "member A on the watch screen" wat; fi
  add_member wat watch-group sarama
  if wait_for 'reads_part 0 kafka-dash-A && reads_part 1 kafka-dash-B' 25; then
    ok "member B joins: A holds 0, B holds 1"
  else bad "member B on the watch screen" wat; fi
  add_member wat watch-group sarama
  if wait_for 'screen wat | grep -qE "idle +kafka-dash-C "' 25; then
    ok "member C joins and is shown idle"
  else bad "member C on the watch screen" wat; fi
  # The first member (A, members are sorted by client id) is selected: x removes it.
  keys wat x
  if wait_for '! reads_part "[01]" kafka-dash-A && reads_part 0 "kafka-dash-[BC]"' 25; then
    ok "A leaves: partition 0 passes to $(screen wat | grep -oE "[│ ]0 +kafka-dash-[BC]" | grep -oE "kafka-dash-[BC]")"
  else bad "A leaves on the watch screen" wat; fi
  keys wat q
  wait_for '! T has-session -t wat 2>/dev/null' 15
  watch_session
  if wait_screen wat "Tab: next part" 30; then
    ok "the next run opens where the last one quit (the watch screen)"
  else bad "pane remembered" wat; fi
  keys wat q
else bad "first run on the watch screen" wat; fi
T kill-session -t wat 2>/dev/null

# --- 4b. The seed's group demo with the consumer protocol (KIP-848) -----------------------
# In-app members with group.protocol=consumer: the coordinator assigns (uniform), a
# partition moves only once its owner let it go; heartbeats come every 5 s, so each step
# takes a few seconds on both brokers.
T new-session -d -s k848 -x 170 -y 45 "$BIN -b $B --log-file $WORK/k848.log"
wait_screen k848 "connected" 30
keys k848 4
holding() { row k848 "kafka-dash-$1 " | grep -qE "$2"; }
add_member k848 k848 lagt consumer:uniform
# A new group starts at epoch 1 (as Kafka 4's), so A's join makes it 2; each later step adds 1.
if wait_for 'holding A "lagt \[0,1\]" && screen k848 | grep -qE "k848 · Stable · consumer protocol, epoch 2 · uniform"' 30; then
  ok "consumer protocol: A joins k848 and holds lagt [0,1] ($(screen k848 | grep -oE "consumer protocol, epoch [0-9]+" | head -n 1), uniform)"
else bad "KIP-848 member A" k848; fi
add_member k848 k848 lagt consumer:uniform
converging=""
b_done() { screen k848 | grep -q " → " && converging=yes; holding A " [0-9]+ +lagt \[0\]" && holding B " [0-9]+ +lagt \[1\]"; }
if wait_for b_done 40; then
  ok "consumer protocol: B joins, A gives 1 up, B receives it: A [0], B [1]${converging:+ (seen converging, → target)}"
else bad "KIP-848 member B" k848; fi
# The timeline shows that step as it happened: who gave the partition up, who received
# it and how long it had no owner, and how long B waited for its first partitions.
steps_seen() { screen k848 | grep -qE "epoch 3 .*kafka-dash-A→kafka-dash-B" && screen k848 | grep -qE "kafka-dash-A gives up lagt\[1\]" && screen k848 | grep -qE "kafka-dash-B receives lagt\[1\], [0-9.]+ s without an owner" && screen k848 | grep -qE "kafka-dash-B: first partitions [0-9.]+ s after joining"; }
if wait_for steps_seen 10; then
  ok "consumer protocol timeline: epoch 3, A gives up lagt[1], B receives it ($(screen k848 | grep -oE "[0-9.]+ s without an owner" | head -n 1)), B's first partitions $(screen k848 | grep -oE "first partitions [0-9.]+ s after joining" | head -n 1 | grep -oE "[0-9.]+ s")"
else bad "KIP-848 timeline steps" k848; fi
add_member k848 k848 lagt consumer:uniform
if wait_for 'holding C "idle" && holding A "lagt \[0\]" && holding B "lagt \[1\]"' 40; then
  ok "consumer protocol: C joins and idles; nothing moves"
else bad "KIP-848 member C" k848; fi
keys k848 x # the first member row: A
if wait_for '! row k848 "kafka-dash-A " | grep -q "/127" && holding B "lagt \[1\]" && holding C "lagt \[0\]" && screen k848 | grep -q "k848 · Stable · consumer protocol, epoch 5 "' 40; then
  ok "consumer protocol: A leaves; C takes lagt [0], B keeps [1]; group epoch 5"
else bad "KIP-848 A leaves" k848; fi
# A member subscribed by regex (librdkafka: a leading ^; it sends "(^la.t)"): resolved off
# the heartbeat path, so the partitions come with the second heartbeat, at epoch 2.
add_member k848 k848rx '^la.t' consumer:uniform
if wait_for 'screen k848 | grep -q "k848rx · Stable · consumer protocol, epoch 2 " && screen k848 | grep -qE "kafka-dash-[A-Z] .* lagt \[0,1\] +/\(?\^la\.t\)?/"' 30; then
  ok "consumer protocol: a member subscribed to /^la.t/ is given lagt [0,1]; the pane shows the regex"
else bad "KIP-848 regex member" k848; fi
# KIP-848's online migration: a classic member's group becomes a consumer group when a
# consumer-protocol member joins it, and a classic group again when that member leaves.
add_member k848 k848mx lagt range
mx_title() { screen k848 | grep -qE "k848mx · Stable · $1"; }
mx_holds() { screen k848 | grep -qE "kafka-dash-[A-Z] .* lagt \[$1\] "; }
if wait_for 'mx_title "range · 1 member " && mx_holds 0,1' 30; then
  add_member k848 k848mx lagt consumer:uniform
  # ConsumerGroupDescribe v1 tells the classic member apart (KIP-1099's member type).
  if wait_for 'mx_title "consumer protocol, epoch [0-9]+ · uniform · 2 members \(1 classic\)" && mx_holds 0 && mx_holds 1 && screen k848 | grep -qE "kafka-dash-[A-Z] .* [0-9]+ classic +lagt \[[01]\]"' 40; then
    ok "online migration: a consumer-protocol member joins a classic group: $(screen k848 | grep -oE "k848mx · Stable · consumer protocol, epoch [0-9]+"), one partition each, the range member marked classic$(screen k848 | grep -q "now a consumer group" && echo "; the timeline says: now a consumer group")"
    keys k848 m # the second member: the consumer-protocol one
    keys k848 x
    if wait_for 'mx_title "range · 1 member " && mx_holds 0,1 && screen k848 | grep -q "classic again"' 40; then
      ok "online migration: it leaves; k848mx is a classic group again (range; the timeline says: classic again), its classic member holds lagt [0,1]"
    else bad "KIP-848 downgrade" k848; fi
  else bad "KIP-848 upgrade" k848; fi
else bad "KIP-848 migration: classic member" k848; fi
T kill-session -t k848 2>/dev/null

# --- 5. Members started elsewhere, lag, and a SIGKILLed member -----------------------------
KCX=(kcat -b "$B" -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 -G a-ext)
"${KCX[@]}" -X client.id=kcat1 extg >/dev/null 2>&1 &
K1=$!
"${KCX[@]}" -X client.id=kcat2 extg >/dev/null 2>&1 &
K2=$!
disown "$K2" # killed on purpose below: no job notice
python3 -c "
import time
from kafka import KafkaConsumer
c = KafkaConsumer('extg', bootstrap_servers='$B', group_id='a-ext', client_id='kp-member', session_timeout_ms=6000, heartbeat_interval_ms=500)
end = time.time() + 90
while time.time() < end: c.poll(200)
" >/dev/null 2>&1 &
KP=$!
# The Java client, through Kafka's own console consumer, in a group of its own.
# Started directly (not through a shell function) so that $! is the JVM itself.
bash scripts/real-kafka.sh tool console-consumer --bootstrap-server "$B" --topic jext --group j-ext \
  --consumer-property client.id=java-console >"$WORK/java.out" 2>"$WORK/java.err" &
KJ=$!
python3 tests/e2e/lag_member.py "$B" b-lag lagt "$WORK/lag.txt" >"$WORK/lag.log" 2>&1 &
LP=$!
BG_PIDS="$K1 $K2 $KP $KJ $LP"
T new-session -d -s grp2 -x 170 -y 45 "$BIN -b $B --log-file $WORK/grp2.log"
wait_screen grp2 "connected" 30
keys grp2 4
wait_screen grp2 "a-ext" 30
select_row grp2 a-ext
ext_ok() { for c in kcat1 kcat2 kp-member; do row grp2 "$c " | grep -q "/127.0.0.1 .*extg \[[0-2]\]" || return 1; done; }
wait_for ext_ok 40
if ext_ok; then ok "two kcat -G members and a kafka-python member appear with client id, host and partitions"; else bad "external members" grp2; fi
# The JVM takes a few seconds to start: wait until its group is listed.
wait_screen grp2 "j-ext" 40
select_row grp2 j-ext
java_ok() { row grp2 "java-console " | grep -q "/127.0.0.1 .*jext \[0,1\]"; }
wait_for java_ok 40
if java_ok; then ok "Kafka's Java console consumer appears as a member holding jext [0,1]"; else bad "java console consumer" grp2; cat "$WORK/java.err"; fi
kill "$KJ" 2>/dev/null
# The list's filter (/: name contains, state starts with) and order (o), on a list of
# groups both brokers have now.
list_names() { screen grp2 | grep -oE '^│[A-Za-z0-9._-]+ ' | tr -d '│ ' | grep -vx group; }
filter_groups() { # name, state
  keys grp2 /
  clear_field grp2
  if [ -n "$1" ]; then type_text grp2 "$1"; fi
  keys grp2 Tab
  clear_field grp2
  if [ -n "$2" ]; then type_text grp2 "$2"; fi
  keys grp2 Enter # on the last field: apply
}
filter_groups ext ""
if wait_for 'screen grp2 | grep -qE "Groups \(2 of [0-9]+\) · by name · name ~ \"ext\"" && [ "$(list_names | tr "\n" " ")" = "a-ext j-ext " ]' 10; then
  ok "/ filters the list by name: \"ext\" leaves a-ext and j-ext"
else bad "filter by name" grp2; fi
only_empty() { local rows; rows=$(screen grp2 | grep -E '^│[A-Za-z0-9._-]+ +[A-Z][A-Za-z]+ ' | grep -v '^│group '); [ -n "$rows" ] && ! echo "$rows" | grep -qvE '^│[A-Za-z0-9._-]+ +Empty '; }
filter_groups "" empty
if wait_for 'screen grp2 | grep -q "· state empty " && only_empty && ! list_names | grep -qx a-ext' 10; then
  ok "/ filters by state: \"empty\" leaves only Empty groups ($(list_names | tr "\n" " "))"
else bad "filter by state" grp2; fi
filter_groups "" ""
select_row grp2 a-ext
keys grp2 o
if wait_for 'screen grp2 | grep -qE "Groups \([0-9]+\) · by lag " && selected_rows grp2 | grep -qE "^\s*a-ext "' 10; then
  keys grp2 o o o o
  if wait_for 'screen grp2 | grep -qE "Groups \([0-9]+\) · by name " && selected_rows grp2 | grep -qE "^\s*a-ext "' 10; then
    ok "o orders the list (by lag, … back to by name) and the selection stays on a-ext"
  else bad "sort back to name" grp2; fi
else bad "sort by lag" grp2; fi
select_row grp2 a-ext
T0=$SECONDS
kill -KILL "$K2"
if wait_screen grp2 "−kcat2" 30; then
  ok "a SIGKILLed kcat member leaves the timeline after its session timeout ($((SECONDS - T0)) s)"
else bad "SIGKILL in timeline" grp2; fi
kill "$K1" "$KP" 2>/dev/null
wait_for '[ -s "$WORK/lag.txt" ]' 40
select_row grp2 b-lag
# A grid row: topic, partition, member, committed, high watermark, lag. The high watermark
# gives way to the reason while a row is not OK. Lag may be followed by the lag in time
# and the status.
grid_lag() { screen grp2 | grep -E "^│.*│$1 +$2 +lag-member +[0-9]+ +([0-9]+ +)?$3( +[0-9hms.]+| +unknown)?( +│| +[A-Z]+ )" -q; }
# Every "LAG topic partition lag" line of file $1 is what the grid shows.
lags_shown() {
  while read -r _ topic part lag; do grid_lag "$topic" "$part" "$lag" || return 1; done <"$1"
}
lag_ok() { lags_shown "$WORK/lag.txt"; }
wait_for '[ -s "$WORK/lag.txt" ] && lag_ok' 20
if [ -s "$WORK/lag.txt" ] && lag_ok; then
  ok "lag per partition equals kafka-python's ($(tr '\n' ' ' <"$WORK/lag.txt"))"
else bad "lag vs kafka-python ($(cat "$WORK/lag.txt" 2>/dev/null | tr '\n' ' '))" grp2; fi
# The same moment through Kafka's own tool: TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG.
kafka_tool consumer-groups --bootstrap-server "$B" --describe --group b-lag >"$WORK/describe.txt" 2>&1
awk '$2 == "lagt" { print "LAG", $2, $3, $6 }' "$WORK/describe.txt" >"$WORK/tool-lag.txt"
if [ "$(wc -l <"$WORK/tool-lag.txt")" = 2 ] && lags_shown "$WORK/tool-lag.txt"; then
  ok "lag per partition equals kafka-consumer-groups --describe ($(tr '\n' ' ' <"$WORK/tool-lag.txt"))"
else bad "lag vs kafka-consumer-groups" grp2; cat "$WORK/describe.txt"; fi

# --- 6. Reset offsets and delete the group, checked with Kafka's tool ----------------------
kill -TERM "$LP" 2>/dev/null # lag_member.py leaves its group on SIGTERM
wait_for 'row grp2 "b-lag " | grep -q Empty' 30
keys grp2 R
keys grp2 Tab
type_text grp2 b-lag
keys grp2 Enter
current_offsets() {
  kafka_tool consumer-groups --bootstrap-server "$B" --describe --group b-lag 2>/dev/null |
    awk '$2 == "lagt" { printf "%s:%s ", $3, $4 }'
}
if wait_for '[ "$(current_offsets)" = "0:0 1:0 " ]' 20; then
  ok "R resets b-lag to the earliest offsets (kafka-consumer-groups: $(current_offsets))"
else bad "reset offsets ($(current_offsets))" grp2; fi
keys grp2 D
type_text grp2 b-lag
keys grp2 Enter
group_listed() { kafka_tool consumer-groups --bootstrap-server "$B" --list 2>/dev/null | grep -qx b-lag; }
if wait_for '! group_listed' 20 && wait_for '! screen grp2 | grep -q "│b-lag "' 10; then
  ok "D deletes b-lag (gone from kafka-consumer-groups --list and the pane)"
else bad "delete group" grp2; fi
T kill-session -t grp2 2>/dev/null

# --- 6b. Is it keeping up? STOP, back to OK, REWIND, and a quiet group that stays OK -----
# Verdicts after 5 s without progress (the default is 60 s), so the scenario takes a minute.
printf '[health]\nstuck_secs = 5\nwindow_secs = 20\n' >"$WORK/health.toml"
HM=tests/e2e/health_member.py
python3 $HM "$B" seed hq 5 >/dev/null 2>&1
python3 $HM "$B" consume h-quiet hq >/dev/null 2>&1 &
HQ=$!
python3 $HM "$B" produce hlt >/dev/null 2>&1 &
HPR=$!
python3 $HM "$B" consume h-run hlt >/dev/null 2>&1 &
HC=$!
BG_PIDS="$BG_PIDS $HQ $HPR $HC"
T new-session -d -s health -x 170 -y 45 "$BIN -b $B --config $WORK/health.toml --log-file $WORK/health.log"
wait_screen health "connected" 30
keys health 4
wait_screen health "h-run" 30
# The list row of a group: name, state, (assignor,) members, lag, lag time, status, ...
list_row() { row health "│$1 " | awk -F'│' '{ print $2 }'; }
status_of() { list_row "$1" | grep -oE ' (OK|WARN|STALL|STOP|REWIND) ' | tr -d ' '; }
# The group's lag in time in seconds (the first figure like 4.5s, 12s or 2m10s in its row).
lag_secs() {
  list_row "$1" | grep -oE '[0-9]+m[0-9]{2}s|[0-9]+(\.[0-9])?s' | head -n 1 |
    awk -F'm' '{ if (NF == 2) { sub("s", "", $2); print $1 * 60 + $2 } else { sub("s", "", $1); print $1 } }'
}
quiet_seen=""
watch_quiet() { quiet_seen="$quiet_seen $(status_of h-quiet)"; }
select_row health h-run
if wait_for '[ "$(status_of h-run)" = OK ] && [ "$(status_of h-quiet)" = OK ]' 40; then
  ok "a consumer keeping up with a producer and a quiet caught-up group are both OK"
else bad "h-run and h-quiet OK at the start" health; fi
kill -STOP "$HC"
T0=$SECONDS
stopped() { watch_quiet; [ "$(status_of h-run)" = STOP ]; }
if wait_for stopped 60; then
  l1=$(lag_secs h-run); sleep 3; watch_quiet; l2=$(lag_secs h-run)
  if awk -v a="$l1" -v b="$l2" 'BEGIN { exit !(b > a && a > 0) }'; then
    ok "SIGSTOP on the consumer while the producer runs: h-run turns STOP after $((SECONDS - T0)) s, lag in time growing (${l1}s, then ${l2}s)"
  else bad "lag in time while stopped (${l1}s, then ${l2}s)" health; fi
else bad "h-run STOP after SIGSTOP" health; fi
kill -CONT "$HC"
T0=$SECONDS
if wait_for 'watch_quiet; [ "$(status_of h-run)" = OK ]' 60; then
  ok "SIGCONT: h-run rejoins, catches up and is OK again ($((SECONDS - T0)) s)"
else bad "h-run OK after SIGCONT" health; fi
kill -TERM "$HC" 2>/dev/null # leaves the group cleanly
wait_for 'watch_quiet; list_row h-run | grep -q Empty' 30
keys health R
keys health Tab
type_text health h-run
keys health Enter
if wait_for 'watch_quiet; [ "$(status_of h-run)" = REWIND ]' 30; then
  ok "resetting h-run's offsets to the earliest shows REWIND ($(screen health | grep -oE 'went back from [0-9,]+( to [0-9,]+)?' | head -n 1))"
else bad "REWIND after reset" health; fi
# The live view of hq, wide enough, has the groups reading it beside it.
keys health 1
select_row health hq
keys health Enter
if wait_screen health "Groups reading hq (1)" 20 && wait_for 'row health "│h-quiet " | grep -qE "h-quiet-member +[0-9]+ +0 +0\.[0-9]s +OK"' 20 &&
   screen health | grep -q "┌ hq · "; then
  ok "the live view of hq shows the group reading it beside it: h-quiet, its member, lag 0, 0.0s, OK"
else bad "readers beside the live view" health; fi
keys health 4
watch_quiet
if [ -n "$(echo "$quiet_seen" | tr -d ' OK')" ] || [ -z "$(echo "$quiet_seen" | tr -d ' ')" ]; then
  bad "h-quiet stays OK (seen:$quiet_seen)" health
else
  ok "the quiet, caught-up group h-quiet stayed OK in all $(echo "$quiet_seen" | wc -w) looks over the whole scenario (nothing new to read, verdicts after 5 s)"
fi
kill "$HPR" "$HQ" 2>/dev/null
T kill-session -t health 2>/dev/null

# --- 7. Bursts of input: 20,000 key presses, a 20,000-character paste -------------------
T new-session -d -s burst -x 120 -y 36 "$BIN -b $B --log-file $WORK/burst.log"
if wait_screen burst "connected" 30; then
  T0=$SECONDS
  T send-keys -t burst -N 20000 j
  keys burst 2
  if wait_screen burst "┌ Compose" 60; then
    ok "20,000 key presses, then 2: the composer opens ($((SECONDS - T0)) s after the burst began)"
  else bad "input after 20,000 key presses" burst; fi
  type_text burst paste
  keys burst Tab Tab Tab
  python3 -c "import sys; sys.stdout.write('x' * 19991 + 'PASTE-END')" >"$WORK/paste.txt"
  T load-buffer -b big "$WORK/paste.txt"
  T paste-buffer -p -b big -t burst # -p: bracketed, as a terminal pastes
  keys burst C-s
  pasted() { kcat -b "$B" -C -t paste -o beginning -e -q -f '%S %s\n' 2>/dev/null | grep -q "^20000 x*PASTE-END$"; }
  if wait_screen burst "paste [0] @ 0" 30 && wait_for pasted 10; then
    ok "a 20,000-character paste lands whole in the value field and is sent as one 20,000-byte message"
  else bad "paste of 20,000 characters ($(kcat -b "$B" -C -t paste -o beginning -e -q -f '%S\n' 2>/dev/null))" burst; fi
  keys burst C-c
else bad "burst session start" burst; fi
T kill-session -t burst 2>/dev/null

# --- 8. The terminal is restored after q, Ctrl-C, SIGTERM and a panic ----------------------
restore_case() {
  local name=$1 how=$2 extra=${3:-}
  local s="r-$name"
  T new-session -d -s "$s" -x 100 -y 30 "sh -c 'stty -g > $WORK/$name.before; ${FIRST[*]} --no-producer --log-file $WORK/$name.log $extra 2> $WORK/$name.err; stty -g > $WORK/$name.after; echo EXITED; sleep 60'"
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
