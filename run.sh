#!/usr/bin/env bash
# The first run, on a fresh clone too:
#   ./run.sh          James 3.8.1 with Tiered Delivery on 127.0.0.1 (SMTP 2525, WebAdmin 8025, or free ports when
#                     those are taken), next to local receiving SMTP servers it routes demo.test to; Ctrl-C stops all.
#   ./run.sh demo [N] the same, then the live fail-over demo with N messages per phase (default 100); the exit
#                     status is 0 when every message arrived exactly once.
# It installs a JDK 17 and Maven when missing (Debian/Ubuntu), builds what changed (the extension jar and a James
# 3.8.1 memory server laid out as the official image, in demo/target/james), then starts the launcher.
set -euo pipefail
cd "$(dirname "$0")"

fail() {
    echo "run.sh: $*" >&2
    exit 1
}

case "${1:-run}" in
    run | demo) ;;
    -h | --help | help)
        sed -n '2,8p' "$0" | cut -c3-
        exit 0
        ;;
    *) fail "unknown mode '$1'; use ./run.sh or ./run.sh demo [messages per phase]" ;;
esac

# Debian packages the build needs: a JDK 17 and Maven (as test.sh installs them).
missing=()
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them; install them and retry"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "missing ${missing[*]}: run as root or install sudo"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    for package in "${missing[@]}"; do
        if ! apt-cache show "$package" >/dev/null 2>&1; then
            echo "run.sh: apt-get update (no installable $package yet)"
            "${sudo[@]}" apt-get update || fail "apt-get update failed"
            break
        fi
    done
    echo "run.sh: installing ${missing[*]}"
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" || fail "could not install ${missing[*]}"
fi

# Build when the launcher is missing or older than a source file or pom. Maven's own lines show the progress: one
# "Building" line per module, and a count of the files downloaded (the first build fetches James' ~314 jars).
launcher=demo/target/tiered-delivery-demo.jar
if [ ! -f "$launcher" ] || [ ! -d demo/target/james/libs ] \
    || [ -n "$(find pom.xml ./*/pom.xml mailets/src guice-module/src demo/src -newer "$launcher" -print -quit)" ]; then
    build_log=$(mktemp "${TMPDIR:-/tmp}/tiered-delivery-build.XXXXXX.log")
    echo "run.sh: building (mvn -DskipTests -pl demo -am package; full output in $build_log)"
    set +e
    mvn -B -DskipTests -pl demo -am package 2>&1 | tee "$build_log" | awk '
        /^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]$/ { print "  " substr($0, 8); fflush(); next }
        /^\[INFO\] Downloaded from / { if (++downloads % 50 == 0) { print "  " downloads " files downloaded"; fflush() } next }
        /^\[ERROR\]/ { print; fflush() }
        /BUILD (SUCCESS|FAILURE)/ { print "  " substr($0, 8); fflush() }'
    status=${PIPESTATUS[0]}
    set -e
    [ "$status" -eq 0 ] || fail "the build failed; see $build_log"
    rm -f "$build_log"
fi

exec java -Xmx256m -cp "$launcher:demo/target/demo-libs/*" io.github.tiereddelivery.demo.Launcher "$@"
