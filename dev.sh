#!/bin/sh
# Set up scenegen on a fresh Debian/Ubuntu machine and run it.
#   ./dev.sh run [SEED]   set up, then open the viewer on the default seed (or SEED); with no display it
#                         says so and renders a PNG instead
#   ./dev.sh test [ARGS]  set up with the test extras and headless GL, then run the test suite
#   ./dev.sh lint         set up with the test extras, then run the quality gates: ruff check and mypy
# It installs what is missing with apt-get (as root, or through sudo): gcc and python3-dev build the
# `noise` package, python3-venv makes the virtual environment, libgl1 and libegl1 give headless OpenGL.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
DEFAULT_SEED=grand-auditorium   # an example shipped in the package (`scenegen examples` lists them)

say() { printf '%s\n' "dev.sh: $*" >&2; }

apt_install() {
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        say "please install these packages first (as root): $*"; exit 1; fi
    say "installing system packages: $*"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

system_packages() {  # $1 = "gl" to include the OpenGL libraries
    missing=""
    command -v "$PYTHON" >/dev/null 2>&1 || missing="$missing python3"
    command -v gcc >/dev/null 2>&1 || missing="$missing gcc"
    if command -v "$PYTHON" >/dev/null 2>&1; then
        "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
            || missing="$missing python3-dev"
        "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$missing python3-venv"
    fi
    if [ "${1:-}" = gl ]; then
        ldconfig -p 2>/dev/null | grep -q 'libEGL.so.1 ' || missing="$missing libegl1"
        ldconfig -p 2>/dev/null | grep -q 'libGL.so.1 ' || missing="$missing libgl1"
        ldconfig -p 2>/dev/null | grep -q 'libEGL_mesa.so.0 ' || missing="$missing libegl-mesa0"
    fi
    [ -z "$missing" ] || apt_install $missing
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { say "scenegen needs Python 3.10 or newer"; exit 1; }
}

venv() {  # $1 = pip extras spec, e.g. ".[dev]"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    stamp="$VENV/.installed-$(echo "$1" | tr -c 'a-z' '_')"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "installing scenegen$( [ "$1" = . ] || echo ' with test extras') into $VENV"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$1"
        touch "$stamp"
    fi
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        system_packages gl
        venv .
        seed=${1:-$DEFAULT_SEED}
        name=$(basename "$seed" .yaml)
        mkdir -p out
        exec "$VENV/bin/scenegen" view "$seed" --out-dir out -o "out/$name.png" --force
        ;;
    test)
        system_packages gl
        venv ".[dev]"
        # The tools the tests run on exports (node + npm): glTF-Validator, gltf-transform, Babylon.js (three.js,
        # a devDependency for the look check by hand, is left out).
        { command -v node && command -v npm; } >/dev/null 2>&1 || apt_install nodejs npm
        # Debian's chromium runs Babylon.js headless for the browser checks of the glTF animations.
        command -v chromium >/dev/null 2>&1 || apt_install chromium
        # Again whenever the lock file is newer than what npm last installed (a new tool joined).
        [ -f tests/js/node_modules/.package-lock.json ] && [ ! tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ] \
            || npm ci --prefix tests/js --omit=dev --no-audit --no-fund --loglevel=error
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    lint)
        system_packages
        venv ".[dev]"
        "$VENV/bin/ruff" check .
        exec "$VENV/bin/mypy"
        ;;
    *)
        say "usage: ./dev.sh run [SEED] | ./dev.sh test [PYTEST ARGS] | ./dev.sh lint"; exit 2 ;;
esac
