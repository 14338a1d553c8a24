#!/usr/bin/env bash
# Checks that the man page documents the command line kscope really has.
#
#   man_page_test.sh KSCOPE_BINARY MAN_PAGE
#
# Reads "kscope --help" for the list of subcommands (so a new subcommand is
# caught too), then "kscope --help" and "kscope SUB --help" for every flag
# spelling, short and long, and checks that
#   - every flag appears in the page as a whole word once roff's \- is read
#     as - and font escapes are dropped (--topic is not satisfied by
#     --topics, -b not by -bx),
#   - every subcommand names a section or subsection heading (.SH/.SS),
#   - groff formats the page without a warning.
# Prints one line per problem and exits 1, or prints a summary and exits 0.
# Exit 2: wrong arguments.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 KSCOPE_BINARY MAN_PAGE" >&2
  exit 2
fi
bin=$1
page=$2
if [[ ! -x $bin ]]; then
  echo "$0: $bin is not an executable" >&2
  exit 2
fi
if [[ ! -r $page ]]; then
  echo "$0: cannot read $page" >&2
  exit 2
fi

# The subcommand names of the "Subcommands:" section of CLI11's help: the
# first word of each line indented by one to six spaces (no {m,n} in the
# regular expressions: mawk lacks them). A blank line or the next
# "Heading:" line ends the section.
subcommands_in() {
  awk '
    /^[ \t]*$/ { section = ""; next }
    /^[^ \t].*:[ \t]*$/ { section = tolower($0); next }
    section ~ /^subcommands:/ && match($0, /^ +[A-Za-z0-9][A-Za-z0-9_-]*/) {
      name = substr($0, RSTART, RLENGTH)
      if (match(name, /^ +/) && RLENGTH <= 6) {
        gsub(/ /, "", name)
        print name
      }
    }'
}

# Every flag spelling of the option sections of CLI11's help, one a line.
# An option line is indented by a few spaces and starts with its names,
# separated by "," or ", ": "  -b,--brokers TEXT ...", "  -X KEY=VALUE ...",
# "  --per-core   ...". Continuation lines are indented further and never
# start a match.
flags_in() {
  awk '
    /^[ \t]*$/ { section = ""; next }
    /^[^ \t].*:[ \t]*$/ { section = tolower($0); next }
    section != "" && section !~ /^(subcommands|positionals):/ &&
      match($0, /^ +-/) && RLENGTH <= 7 {
      line = $0
      sub(/^ +/, "", line)
      while (match(line, /^--?[A-Za-z0-9?][A-Za-z0-9_.?-]*/)) {
        print substr(line, 1, RLENGTH)
        line = substr(line, RLENGTH + 1)
        if (line !~ /^, ?-/)
          break
        sub(/^, ?/, "", line)
      }
    }'
}

# The page as a reader types it: \- is -, no font changes (\fB, \f(CW,
# \f[CR]), no zero-width escapes (\%, \&, \:).
page_text=$(sed -e 's/\\-/-/g' \
                -e 's/\\(mi/-/g' \
                -e 's/\\f\[[^]]*\]//g' \
                -e 's/\\f([A-Za-z0-9][A-Za-z0-9]//g' \
                -e 's/\\f[A-Za-z0-9]//g' \
                -e 's/\\[%&:]//g' "$page")

# The text of every .SH and .SS heading, one a line (a bare .SH takes the
# next line as its text).
headings=$(printf '%s\n' "$page_text" | awk '
  want { print; want = 0; next }
  /^\.S[HS][ \t]*$/ { want = 1; next }
  /^\.S[HS][ \t]/ { sub(/^\.S[HS][ \t]+/, ""); gsub(/"/, ""); print }')

# A regular expression matching the literal text $1.
regex_quote() {
  printf '%s' "$1" | sed -e 's/[][\.*^$?+(){}|/]/\\&/g'
}

# Whole-word match: no letter, digit, _ or - on either side.
page_mentions() {
  local word
  word=$(regex_quote "$1")
  # A here-string, not a pipe: grep -q stops at the first match, and under
  # pipefail the writer's SIGPIPE would read as "not found".
  grep -qE -- "(^|[^A-Za-z0-9_-])${word}([^A-Za-z0-9_-]|\$)" \
    <<<"$page_text"
}

problems=0
declare -A where=()   # flag -> the help outputs that list it
declare -a order=()   # flags in the order first seen

# Runs "kscope ARGS --help" into $help, or reports the failure.
help=""
run_help() {
  if ! help=$("$bin" "$@" --help 2>&1); then
    echo "kscope $* --help failed:" >&2
    printf '%s\n' "$help" >&2
    exit 1
  fi
}

note_flags() {
  local what=$1 flag found=0
  while IFS= read -r flag; do
    found=1
    if [[ -z ${where[$flag]+set} ]]; then
      where[$flag]=$what
      order+=("$flag")
    elif [[ ", ${where[$flag]}, " != *", $what, "* ]]; then
      where[$flag]+=", $what"
    fi
  done < <(printf '%s\n' "$help" | flags_in)
  if [[ $found -eq 0 ]]; then
    echo "found no flags in the output of $what" >&2
    exit 1
  fi
}

run_help
top_help=$help
note_flags "kscope --help"
mapfile -t subcommands < <(printf '%s\n' "$top_help" | subcommands_in)
if [[ ${#subcommands[@]} -eq 0 ]]; then
  echo "found no subcommands in the output of kscope --help" >&2
  exit 1
fi
for sub in "${subcommands[@]}"; do
  run_help "$sub"
  note_flags "kscope $sub --help"
done

for flag in "${order[@]}"; do
  if ! page_mentions "$flag"; then
    echo "man page lacks $flag (${where[$flag]})"
    problems=$((problems + 1))
  fi
done

for sub in "${subcommands[@]}"; do
  word=$(regex_quote "$sub")
  if ! grep -qiE -- "(^|[^A-Za-z0-9_-])${word}([^A-Za-z0-9_-]|\$)" \
      <<<"$headings"; then
    echo "man page lacks a section heading for subcommand $sub"
    problems=$((problems + 1))
  fi
done

if ! command -v groff >/dev/null; then
  echo "groff is not installed: cannot check the page's markup"
  problems=$((problems + 1))
else
  warnings=$(groff -man -ww -z -Tutf8 "$page" 2>&1) || true
  if [[ -n $warnings ]]; then
    printf '%s\n' "$warnings" | sed 's/^/groff: /'
    problems=$((problems + 1))
  fi
fi

if [[ $problems -gt 0 ]]; then
  exit 1
fi
echo "man page: ${#order[@]} flags of ${#subcommands[@]} subcommands" \
     "documented"
