#!/usr/bin/env bash
# Tests kscope's bash completion (main/package/kscope.bash-completion)
# against the binary it completes.
#
# Usage: completion_test.sh KSCOPE_BINARY COMPLETION_SCRIPT
#
# 1. Behaviour users rely on: subcommands, flags, enum values, comma lists,
#    `--flag=value`, and the word after a value-taking flag never completed as
#    a flag or a subcommand.
# 2. Drift, with nothing hard-coded: for the subcommands `KSCOPE_BINARY --help`
#    lists (and the top level),
#    - every flag spelling `KSCOPE_BINARY SUB --help` prints is offered, and
#      every flag offered is printed there (or is a top-level flag, which
#      kscope also takes after a subcommand);
#    - the word after a flag is completed as its value exactly when kscope
#      takes one (asked of kscope itself, since CLI11 prints no type for
#      --config);
#    - a `:{a,b,c}` set CLI11 prints is exactly the values offered;
#    - where kscope refuses a value with "expected a, b or c", the words a, b,
#      c are all offered, and every value offered is one kscope accepts.
#    kscope is only ever run with --help or with an unknown flag among its
#    arguments, so it stops at the usage error and never starts.
#
# Prints one line per problem and exits 1, or one summary line and exits 0.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 KSCOPE_BINARY COMPLETION_SCRIPT" >&2
  exit 2
fi
kscope=$(realpath -- "$1")
script=$(realpath -- "$2")

# File names complete from the current directory: work in an empty one, so no
# file name can pass for a flag or a subcommand.
scratch=$(mktemp -d)
trap 'rm -rf -- "${scratch}"' EXIT
mkdir "${scratch}/cwd" "${scratch}/files" "${scratch}/files/subdir"
touch "${scratch}/files/kscope.toml"
cd "${scratch}/cwd"

problems=()
problem() {
  problems+=("$*")
}

# shellcheck source=/dev/null
source "${script}"
if ! declare -F _kscope >/dev/null; then
  echo "${script} defines no function _kscope"
  exit 1
fi
if [[ $(complete -p kscope 2>/dev/null) != *"-F _kscope kscope"* ]]; then
  problem "${script} does not register _kscope for kscope (complete -F _kscope kscope)"
fi

# bash's word breaks; blanks always split and the test lines hold no quotes.
wordbreaks=${COMP_WORDBREAKS-$' \t\n"\'@><=;|&(:'}
wordbreaks=${wordbreaks//[$' \t\n"\'']/}

# complete_line LINE: completes LINE, the cursor at its end, as bash would:
# splits it into COMP_WORDS at blanks, with each run of word-break characters
# (`=`, `:`, ...) a word of its own, sets COMP_WORDS, COMP_CWORD, COMP_LINE and
# COMP_POINT, calls _kscope as `complete -F` does, and leaves the candidates in
# REPLIES. A line ending in a blank completes an empty word.
# shellcheck disable=SC2034 # COMP_* are read by _kscope
complete_line() {
  local line=$1 word='' ch kind last i
  COMP_WORDS=()
  for ((i = 0; i < ${#line}; i++)); do
    ch=${line:i:1}
    if [[ ${ch} == [[:blank:]] ]]; then
      [[ -n ${word} ]] && COMP_WORDS+=("${word}")
      word=''
      continue
    fi
    kind=word
    last=word
    [[ ${wordbreaks} == *"${ch}"* ]] && kind=separator
    [[ -n ${word} && ${wordbreaks} == *"${word: -1}"* ]] && last=separator
    if [[ -n ${word} && ${kind} != "${last}" ]]; then
      COMP_WORDS+=("${word}")
      word=''
    fi
    word+=${ch}
  done
  COMP_WORDS+=("${word}")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=${line}
  COMP_POINT=${#line}
  COMPREPLY=()
  _kscope kscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  REPLIES=("${COMPREPLY[@]}")
}

# Succeeds when word $1 is among the remaining arguments.
among() {
  local word=$1 x
  shift
  for x in "$@"; do
    [[ ${x} == "${word}" ]] && return 0
  done
  return 1
}

# Sorted, one line: how a list of candidates is shown in a problem.
shown() {
  if (($# == 0)); then
    echo "nothing"
  else
    printf '%s\n' "$@" | sort | paste -sd' ' -
  fi
}

# expect_exactly LINE WORD...: LINE<TAB> offers exactly WORDs.
expect_exactly() {
  local line=$1
  shift
  complete_line "${line}"
  if [[ $(shown "${REPLIES[@]}") != "$(shown "$@")" ]]; then
    problem "'${line}<TAB>' offers $(shown "${REPLIES[@]}"), expected $(shown "$@")"
  fi
}

# expect_including LINE WORD...: LINE<TAB> offers at least WORDs.
expect_including() {
  local line=$1 word
  shift
  complete_line "${line}"
  for word in "$@"; do
    among "${word}" "${REPLIES[@]}" ||
      problem "'${line}<TAB>' does not offer ${word} (offers $(shown "${REPLIES[@]}"))"
  done
}

# expect_none_of LINE WORD...: LINE<TAB> offers none of WORDs.
expect_none_of() {
  local line=$1 reply
  shift
  complete_line "${line}"
  for reply in "${REPLIES[@]}"; do
    among "${reply}" "$@" && problem "'${line}<TAB>' offers ${reply}"
  done
  return 0
}

# --- What `kscope --help` and `kscope SUB --help` print ---------------------

subcommands=()
# Keyed by the command line up to the flag: "kscope", "kscope view".
declare -A help_flags=() # [COMMAND] = its flag spellings
declare -A help_typed=() # ["COMMAND FLAG"] = 1 when printed with a value type
declare -A help_set=()   # ["COMMAND FLAG"] = the values of a `:{a,b,c}` set

read_help() {
  local sub=$1 text line section='' names typed spelling set
  local key="kscope${sub:+ ${sub}}"
  local -a command=("${kscope}")
  local option_re='^  (-[^[:space:]]+)( [A-Z][A-Z_]*([=: ]|$))?'
  local set_re=':\{([^}]*)\}'
  local subcommand_re='^  ([a-z][^[:space:]]*)'
  [[ -n ${sub} ]] && command+=("${sub}")
  if ! text=$("${command[@]}" --help 2>&1); then
    problem "'${command[*]} --help' failed: ${text}"
    return 0
  fi
  help_flags[${key}]=''
  while IFS= read -r line; do
    case ${line} in
      Options:) section=options ;;
      Subcommands:) section=subcommands ;;
      [![:space:]]*) section='' ;;
      *)
        if [[ ${section} == options && ${line} =~ ${option_re} ]]; then
          names=${BASH_REMATCH[1]}
          typed=${BASH_REMATCH[2]}
          set=''
          [[ ${line} =~ ${set_re} ]] && set=${BASH_REMATCH[1]//,/ }
          for spelling in ${names//,/ }; do
            help_flags[${key}]+=" ${spelling}"
            [[ -n ${typed} ]] && help_typed["${key} ${spelling}"]=1
            [[ -n ${set} ]] && help_set["${key} ${spelling}"]=${set}
          done
        elif [[ ${section} == subcommands && ${line} =~ ${subcommand_re} ]]; then
          subcommands+=("${BASH_REMATCH[1]}")
        fi
        ;;
    esac
  done <<<"${text}"
  return 0
}

read_help ''
if ((${#subcommands[@]} == 0)); then
  problem "'${kscope} --help' lists no subcommands"
fi
for sub in "${subcommands[@]}"; do
  read_help "${sub}"
done
read -ra top_flags <<<"${help_flags[kscope]-}"
read -ra produce_flags <<<"${help_flags[kscope produce]-}"
read -ra view_flags <<<"${help_flags[kscope view]-}"

# --- Behaviour users rely on -------------------------------------------------

expect_exactly 'kscope pr' produce
expect_exactly 'kscope ' "${subcommands[@]}"
expect_exactly 'kscope --config /x ' "${subcommands[@]}"
expect_including 'kscope -' --config --help --version
expect_exactly 'kscope produce --form' --format
expect_exactly 'kscope produce --format ' seed json influx
expect_exactly 'kscope bench --format ' seed json influx
expect_exactly 'kscope bench --format json,' json,seed json,influx
expect_exactly 'kscope view --type ' line area bar
expect_exactly 'kscope run --type b' bar
expect_exactly 'kscope view --smooth m' moving-average
expect_exactly 'kscope view --smooth ' none moving-average interval-mean
expect_including 'kscope view -o ' beginning end
expect_including 'kscope run --offset ' beginning end
expect_exactly 'kscope view --antialias ' 0 2 4 8
expect_exactly 'kscope produce --metrics cpu,m' cpu,mem
expect_exactly 'kscope produce --metrics ' cpu mem net disk load gpu all
expect_exactly 'kscope produce --metrics cpu,mem,' \
  cpu,mem,net cpu,mem,disk cpu,mem,load cpu,mem,gpu
expect_exactly 'kscope view --panels ' cpu mem net disk load gpu auto
expect_exactly 'kscope view --panels load,c' load,cpu
# The word after a value-taking flag is its value, never a flag or subcommand.
expect_none_of 'kscope produce -t ' "${subcommands[@]}" "${produce_flags[@]}"
expect_none_of 'kscope view --title ' "${subcommands[@]}" "${view_flags[@]}"
expect_none_of 'kscope --config ' "${subcommands[@]}" "${top_flags[@]}"
expect_exactly 'kscope produce -t run --for' --format
expect_exactly 'kscope produce -t -i --for' --format
expect_exactly 'kscope produce -X a=b --form' --format
# A subcommand takes no positional arguments: an empty word offers its flags.
expect_including 'kscope broker ' --topic --partitions --bootstrap-file
# Words split at `:`, as bash does with host:port.
expect_exactly 'kscope produce -b localhost:9092 --for' --format
# --flag=value: with `=` a word break (bash's default) readline completes what
# follows it; without, the whole word.
expect_exactly 'kscope view --type=a' area
expect_exactly 'kscope view --type=' line area bar
expect_exactly 'kscope produce --metrics=cpu,m' cpu,mem
saved_wordbreaks=${wordbreaks}
wordbreaks=${wordbreaks//=/}
expect_exactly 'kscope view --type=a' --type=area
expect_exactly 'kscope view --smooth=i' --smooth=interval-mean
expect_exactly 'kscope produce --metrics=cpu,m' --metrics=cpu,mem
expect_exactly 'kscope --config /x view --type=l' --type=line
wordbreaks=${saved_wordbreaks}
# File and folder names.
expect_exactly "kscope --config ${scratch}/files/" \
  "${scratch}/files/kscope.toml" "${scratch}/files/subdir"
expect_exactly "kscope view --csv ${scratch}/files/k" "${scratch}/files/kscope.toml"
expect_exactly "kscope produce --proc-root ${scratch}/files/" "${scratch}/files/subdir"
if [[ -e /sys/class/net/lo ]]; then
  expect_including 'kscope produce --interfaces ' lo
  expect_including 'kscope run --interfaces eth0,' eth0,lo
fi

# --- Drift between the completion and the binary -----------------------------

probe_value=zz-kscope-probe
probe_flag=--kscope-completion-probe
flags_checked=0
lists_checked=0

# probe SUB FLAG WORD: runs `kscope SUB --kscope-completion-probe FLAG WORD`
# (SUB may be empty). The unknown flag makes every run end in a usage error
# once the command line is parsed, before anything starts, whatever FLAG's
# arity; only --help and --version print and exit 0. Leaves what kscope
# printed in `said` and its exit status in `status`.
probe() {
  local -a command=("${kscope}")
  [[ -n $1 ]] && command+=("$1")
  status=0
  said=$(timeout 10 "${command[@]}" "${probe_flag}" "$2" "$3" </dev/null 2>&1) ||
    status=$?
  if ((status != 0 && status != 2)); then
    problem "'${command[*]} ${probe_flag} $2 $3' exited ${status}, not 2: ${said}"
  fi
  return 0
}

# The plain words of kscope's "expected a, b or c" ($1): `a list of cpu, mem,
# or all` gives cpu, mem and all; pieces like `an offset`, `-N`, `2m` or
# `0.2..240` are descriptions or examples, not values.
expected_words() {
  local text=$1 piece
  local -a pieces=()
  text=${text//, or /, }
  text=${text// or /, }
  IFS=, read -ra pieces <<<"${text}"
  for piece in "${pieces[@]}"; do
    piece=${piece# }
    piece=${piece#a list of }
    [[ ${piece} =~ ^[a-z][a-z0-9-]*$ ]] && echo "${piece}"
  done
  return 0
}

for sub in '' "${subcommands[@]}"; do
  line="kscope${sub:+ ${sub}}"
  read -ra flags <<<"${help_flags[${line}]-}"

  # Every flag --help prints is offered, and only those (or a top-level
  # flag: kscope passes a flag a subcommand does not know on to the top).
  complete_line "${line} -"
  offered=("${REPLIES[@]}")
  complete_line "${line} --"
  offered_long=("${REPLIES[@]}")
  for flag in "${flags[@]}"; do
    flags_checked=$((flags_checked + 1))
    if [[ ${flag} == --* ]]; then
      among "${flag}" "${offered_long[@]}" ||
        problem "completion lacks ${flag} for ${line}"
    else
      among "${flag}" "${offered[@]}" ||
        problem "completion lacks ${flag} for ${line}"
    fi
  done
  for flag in "${offered[@]}"; do
    among "${flag}" "${flags[@]}" "${top_flags[@]}" ||
      problem "completion offers ${flag} for ${line}, which '${line} --help' does not list"
  done

  for flag in "${flags[@]}"; do
    complete_line "${line} ${flag} "
    values=("${REPLIES[@]}")

    # Does the flag take a value? Ask kscope: a flag without one leaves the
    # next word unexpected. --help and --version exit at once and say
    # nothing; for them (and if the probe failed) trust --help's type column
    # (which CLI11 leaves empty for --config, although it takes a file).
    probe "${sub}" "${flag}" "${probe_value}"
    if ((status == 2)); then
      takes_value=yes
      [[ ${said} == *"not expected"*"${probe_value}"* ]] && takes_value=''
    else
      takes_value=${help_typed["${line} ${flag}"]-}
    fi

    if [[ -n ${takes_value} ]]; then
      for value in "${values[@]}"; do
        if among "${value}" "${flags[@]}" "${top_flags[@]}" "${subcommands[@]}"; then
          problem "completion offers ${value} after ${line} ${flag}, which takes a value"
          break
        fi
      done
    elif [[ -n ${sub} ]]; then
      among --help "${values[@]}" ||
        problem "completion takes the word after ${line} ${flag} as its value; it takes none"
    else
      among "${subcommands[0]-}" "${values[@]}" ||
        problem "completion takes the word after ${line} ${flag} as its value; it takes none"
    fi

    # A set CLI11 prints, e.g. --antialias UINT:{0,2,4,8}: exactly its values.
    set=${help_set["${line} ${flag}"]-}
    if [[ -n ${set} ]]; then
      lists_checked=$((lists_checked + 1))
      read -ra allowed <<<"${set}"
      for value in "${allowed[@]}"; do
        among "${value}" "${values[@]}" ||
          problem "completion lacks value ${value} for ${line} ${flag}"
      done
      for value in "${values[@]}"; do
        among "${value}" "${allowed[@]}" ||
          problem "completion offers value ${value} for ${line} ${flag}, not in {${set// /,}}"
      done
    fi

    # kscope's own refusal of the probe value, "expected a, b or c": a, b
    # and c are offered, and kscope accepts every value offered.
    [[ -n ${takes_value} && ${status} == 2 ]] || continue
    expected_re="invalid [^ ]+ '${probe_value}': expected (.*)"
    [[ ${said} =~ ${expected_re} ]] || continue
    expected=${BASH_REMATCH[1]% (see kscope --help)}
    mapfile -t words < <(expected_words "${expected}")
    ((${#words[@]} > 0)) || continue
    lists_checked=$((lists_checked + 1))
    for value in "${words[@]}"; do
      among "${value}" "${values[@]}" ||
        problem "completion lacks value ${value} for ${line} ${flag} (kscope expects ${expected})"
    done
    for value in "${values[@]}"; do
      probe "${sub}" "${flag}" "${value}"
      [[ ${said} == *"not expected: ${probe_flag}"* ]] ||
        problem "completion offers value ${value} for ${line} ${flag}, which kscope refuses: ${said}"
    done
  done
done

if ((${#problems[@]} > 0)); then
  printf '%s\n' "${problems[@]}"
  exit 1
fi
echo "completion_test: ok: ${#subcommands[@]} subcommands, ${flags_checked} flag spellings and ${lists_checked} value lists of ${kscope} match the completion"
