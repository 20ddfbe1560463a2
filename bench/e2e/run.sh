#!/usr/bin/env bash
# End-to-end benchmark (issue 6): James 3.8.1 + Null (the ceiling), stock RemoteDelivery, TieredRemoteDelivery and
# Postfix 3.7 deliver the same messages to the same receiving SMTP servers on 127.0.0.2-4, with 0 and 20 ms per
# reply; then a fail-over run with a primary that never greets. Prints a table and writes
# bench/e2e/target/<date>/report.txt (+ results.json, logs).
#
#   bench/e2e/run.sh                 N=5000 per run, delays 0,20 ms (about 15 minutes on 2 cores)
#   bench/e2e/run.sh --quick         N=500, a 40-message fail-over run (about 5 minutes)
#   bench/e2e/run.sh --help          every option (--messages, --delays, --cases, --no-failover, ...)
#
# It installs what is missing (Debian: postfix for smtp-source and the Postfix cases, without configuring or
# starting the system's Postfix; dnsmasq-base; a JDK 17 and Maven), builds the extension and the James assembly
# (mvn -B -ntp -DskipTests package) when a source is newer than the build, then runs bench/e2e/bench.py.
# Not part of ./test.sh or CI: it measures time. Run it as root (apt-get, Postfix's own instance, the MX case's
# mount namespace); every process it starts is stopped on exit and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() {
    echo "bench/e2e/run.sh: $*" >&2
    exit 1
}

case "${1:-}" in
    -h | --help)
        sed -n '2,15p' "$0" | cut -c3-
        echo
        exec python3 bench/e2e/bench.py --help
        ;;
esac

build=true
args=()
for arg in "$@"; do
    if [ "$arg" = "--no-build" ]; then build=false; else args+=("$arg"); fi
done

command -v python3 >/dev/null 2>&1 || fail "python3 is missing"

missing=()
command -v smtp-source >/dev/null 2>&1 || missing+=(postfix)
[ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
    [ "$(id -u)" -eq 0 ] || fail "missing ${missing[*]}: run as root to let this script install them"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix without a system configuration: no main.cf, nothing listening on port 25 (this script runs its own
    # instance in a temporary folder).
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    for package in "${missing[@]}"; do
        if ! apt-cache show "$package" >/dev/null 2>&1; then
            echo "bench: apt-get update"
            apt-get update -qq || fail "apt-get update failed"
            break
        fi
    done
    echo "bench: installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "could not install ${missing[*]}"
fi

# A system Postfix left listening on port 25 would not disturb the measure (every instance here has its own ports),
# but it would take CPU: say so.
if command -v ss >/dev/null 2>&1 && ss -ltn 2>/dev/null | awk '{print $4}' | grep -Eq '(^|:)25$'; then
    echo "bench: note: something listens on port 25 (a system MTA?); it is not used, but it shares the CPU"
fi

if $build; then
    jar=$(ls guice-module/target/tiered-delivery-extension-*.jar 2>/dev/null | grep -v original | head -1 || true)
    if [ -z "$jar" ] || [ ! -d demo/target/james/libs ] || [ -z "$(ls demo/target/james/extensions-jars/*.jar 2>/dev/null)" ] \
        || [ -n "$(find pom.xml ./*/pom.xml mailets/src guice-module/src demo/src -newer "$jar" -print -quit 2>/dev/null)" ]; then
        build_log=$(mktemp "${TMPDIR:-/tmp}/tiered-bench-build.XXXXXX.log")
        echo "bench: building (mvn -B -ntp -DskipTests package; output in $build_log)"
        if ! mvn -B -ntp -DskipTests package >"$build_log" 2>&1; then
            grep -E '^\[ERROR\]' "$build_log" | head -20 >&2 || true
            fail "the build failed; see $build_log"
        fi
        rm -f "$build_log"
    fi
fi

exec python3 bench/e2e/bench.py "${args[@]}"
