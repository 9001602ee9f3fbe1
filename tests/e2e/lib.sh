# Shared by the end-to-end scripts: drive tmux panes and read their screens.
# Needs SOCK (the tmux socket name) and WORK (a scratch directory) set; counts into PASS and FAIL.
# shellcheck shell=bash

T() { tmux -L "$SOCK" "$@"; }
# Sessions start on the Topics pane unless a test says otherwise, and keep what they
# remember between runs in the run's own directory (needs WORK set).
export KAFKA_DASH_PANE=${KAFKA_DASH_PANE:-topics}
export XDG_DATA_HOME=$WORK/data
# A session that lives as long as the script: without it, killing the last session makes
# the tmux server exit, and a session started at that moment fails ("server exited
# unexpectedly").
T new-session -d -s keeper "sleep 86400"
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
# Reports a failure with the screen of pane $2.
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; echo "---- screen:"; T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/    /'; }
screen() { T capture-pane -p -t "$1"; }
# Waits up to $3 seconds until the screen of pane $1 contains the fixed string $2.
wait_screen() {
  local deadline=$((SECONDS + ${3:-15}))
  while [ $SECONDS -lt $deadline ]; do screen "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
  return 1
}
# Waits up to $2 seconds for the shell test $1 to hold.
wait_for() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.2; done
}
keys() { local p=$1; shift; T send-keys -t "$p" "$@"; sleep 0.15; }
type_text() { T send-keys -t "$1" -l "$2"; sleep 0.15; }
clear_field() { T send-keys -t "$1" -N 60 BSpace; }
# The text of every highlighted (reverse-video) row on the screen of pane $1.
selected_rows() {
  # A selected row may carry more colours after the reverse video (a verdict's colour on
  # a group row): its text runs across them, up to a reset.
  T capture-pane -e -p -t "$1" | perl -ne 'while (/\e\[(?:\d+;)*7(?:;\d+)*m((?:\e\[(?!0?m|27m)[\d;]*m|[^\e])*)/g) { (my $t = $1) =~ s/\e\[[\d;]*m//g; print "$t\n" }'
}
# Moves the selection of the focused list in pane $1 to the row that starts with $2.
select_row() {
  T send-keys -t "$1" -N 60 Up
  for _ in $(seq 60); do
    sleep 0.1
    selected_rows "$1" | grep -qE "^\s*$2( |$)" && return 0
    T send-keys -t "$1" Down
  done
  return 1
}
# In the topics pane of pane $1: the list filtered to names containing $2 (`/`), then the
# row $2 selected; for clusters with more topics than a screen.
find_topic() {
  keys "$1" /
  clear_field "$1"
  type_text "$1" "$2"
  keys "$1" Enter
  select_row "$1" "$2"
}
# In the groups pane of pane $1: `a`, then group $2, topics $3, and assignor $4 (default:
# the form's, range).
add_member() {
  keys "$1" a
  clear_field "$1"
  type_text "$1" "$2"
  keys "$1" Tab
  clear_field "$1"
  type_text "$1" "$3"
  if [ -n "${4:-}" ]; then
    keys "$1" Tab
    clear_field "$1"
    type_text "$1" "$4"
    keys "$1" Enter
  else
    keys "$1" Enter Enter
  fi
}
# The first line of pane $1's screen that contains $2.
row() { screen "$1" | grep -F -- "$2" | head -n 1; }
