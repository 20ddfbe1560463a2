#!/usr/bin/env bash
# The one command that runs every test of the project, also on a fresh Debian machine: it installs what the tests
# need when it is missing, then runs the Maven build (unit tests, extension jar, integration tests against a real
# James, a real dnsmasq and real SMTP servers). Extra arguments go to Maven, e.g. ./test.sh -Dtest=DnsmasqTest
set -euo pipefail
cd "$(dirname "$0")"

fail() {
    echo "test.sh: $*" >&2
    exit 1
}

# Debian packages the build needs: a JDK 17, Maven, and dnsmasq for the integration tests' DNS fixture.
# dnsmasq-base is the dnsmasq binary alone; the "dnsmasq" package would also enable a system DNS service.
missing=()
[ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
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
    # Refresh the package lists only when one of the packages is not installable with the current ones.
    for package in "${missing[@]}"; do
        if ! apt-cache show "$package" >/dev/null 2>&1; then
            echo "test.sh: apt-get update (no installable $package yet)"
            "${sudo[@]}" apt-get update || fail "apt-get update failed"
            break
        fi
    done
    echo "test.sh: installing ${missing[*]}"
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
        || fail "could not install ${missing[*]}"
    [ -x /usr/sbin/dnsmasq ] || fail "dnsmasq-base is installed but /usr/sbin/dnsmasq is missing"
fi

# The end-to-end benchmark (bench/e2e) is not run here, it measures time; its pieces must still parse and compile
# (QueueOnly.java against James' jars, once the build has assembled them).
bash -n bench/e2e/run.sh
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' bench/e2e/bench.py
fi
receiver_classes=$(mktemp -d)
javac -d "$receiver_classes" bench/e2e/Receiver.java
rm -rf "$receiver_classes"

mvn -B -ntp verify "$@"
if [ -d demo/target/james/libs ]; then
    queue_only_classes=$(mktemp -d)
    javac -nowarn -cp 'demo/target/james/libs/*' -d "$queue_only_classes" bench/e2e/QueueOnly.java
    rm -rf "$queue_only_classes"
fi
