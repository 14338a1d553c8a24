#!/usr/bin/env bash
# Installs kscope's Debian package into this machine and checks what a user
# gets, then removes it again:
#   install_test.sh KSCOPE_DEB
#  1. dpkg -i installs it (its Depends are met by scripts/setup's packages);
#  2. the installed kscope prints its version, and the installed
#     /etc/kscope.toml drives `kscope produce --count 3` against the
#     installed `kscope broker`: exit 0, and kcat reads the three samples;
#     `kscope run --snapshot` draws through the installed display module;
#  3. the man page, the bash completion and the unit are where Debian's
#     tools look, and `systemd-analyze verify` passes on the unit;
#  4. dpkg -r leaves nothing of the package but the conffile, and
#     dpkg --purge takes that too.
# Needs root (or passwordless sudo). A kscope package already installed on
# the machine is replaced and purged.
set -euo pipefail

deb=$(realpath "$1")
sudo=()
((EUID == 0)) || sudo=(sudo -n)
work=$(mktemp -d)
broker_pid=
fail() { echo "install test: FAILED: $*" >&2; exit 1; }
cleanup() {
  [[ -n "$broker_pid" ]] && kill "$broker_pid" 2>/dev/null || true
  "${sudo[@]}" dpkg --purge kscope >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "install test: dpkg -i $deb"
"${sudo[@]}" dpkg -i "$deb" >/dev/null || fail "dpkg -i"
dpkg -L kscope | sort >"$work/files"

# 2. The installed binary, its version and its config file at work.
[[ "$(command -v kscope)" == /usr/bin/kscope ]] \
  || fail "kscope is not /usr/bin/kscope on PATH"
version=$(/usr/bin/kscope --version) || fail "kscope --version"
echo "$version" | sed 's/^/install test: /'
grep -qx "kscope $(dpkg-deb -f "$deb" Version)\( (git [0-9a-f]*\(-dirty\)\?)\)\?" \
  <<<"${version%%$'\n'*}" || fail "--version's first line: ${version%%$'\n'*}"

/usr/bin/kscope broker --bootstrap-file "$work/bootstrap" >"$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/bootstrap" ]] && break
  sleep 0.1
done
[[ -s "$work/bootstrap" ]] || { cat "$work/broker.log" >&2; fail "the installed broker did not start"; }
bootstrap=$(cat "$work/bootstrap")
# The shipped config file, with -b pointing at the embedded broker (flags
# win over the file).
timeout 60 /usr/bin/kscope --config /etc/kscope.toml produce -b "$bootstrap" \
  --count 3 -i 100ms >"$work/produce.log" 2>&1 \
  || { cat "$work/produce.log" >&2; fail "installed kscope produce --count 3"; }
received=$(timeout 30 kcat -C -b "$bootstrap" -t test-topic -o beginning -e -q | wc -l)
[[ "$received" == 3 ]] || fail "kcat read $received samples, not 3"
echo "install test: produce --count 3 with /etc/kscope.toml: 3 samples on the broker"
kill "$broker_pid"
wait "$broker_pid" || true
broker_pid=

# The window's half: the installed binary finds its display module in
# /usr/lib/<multiarch>/kscope and draws a snapshot under a virtual display.
timeout 60 xvfb-run -a /usr/bin/kscope run --count 3 -i 100ms \
  --snapshot "$work/run.png" >"$work/run.log" 2>&1 \
  || { cat "$work/run.log" >&2; fail "installed kscope run --snapshot"; }
[[ -s "$work/run.png" ]] || fail "installed kscope run wrote no snapshot"
echo "install test: run --snapshot drew through $(grep kscope-display.so "$work/files")"

# 3. Where Debian's tools find the rest.
[[ "$(man -w kscope)" == /usr/share/man/man1/kscope.1.gz ]] \
  || fail "man -w kscope: $(man -w kscope 2>&1)"
bash -c 'source /usr/share/bash-completion/completions/kscope && complete -p kscope' \
  >/dev/null || fail "the bash completion does not register for kscope"
unit=/lib/systemd/system/kscope-produce.service
verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify warns: $verify"
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | tail -n 1)
echo "install test: systemd-analyze security: ${exposure#→ }"

# 4. Removal keeps only the conffile; purge removes it.
"${sudo[@]}" dpkg -r kscope >/dev/null || fail "dpkg -r"
status=$(dpkg-query -W -f='${Status}' kscope 2>/dev/null || echo "not installed")
[[ "$status" == "deinstall ok config-files" ]] \
  || fail "after dpkg -r the status is '$status', not 'deinstall ok config-files'"
left=()
while read -r path; do
  # Files only: the package's folders (and /lib, a symlink on a merged
  # /usr) are shared with other packages.
  [[ -f "$path" ]] && left+=("$path")
done <"$work/files"
[[ "${left[*]}" == /etc/kscope.toml ]] \
  || fail "after dpkg -r these remain: ${left[*]:-nothing, not even /etc/kscope.toml}"
"${sudo[@]}" dpkg --purge kscope >/dev/null || fail "dpkg --purge"
[[ ! -e /etc/kscope.toml ]] || fail "dpkg --purge left /etc/kscope.toml"
echo "install test: installed, ran, removed (conffile kept), purged"
