#!/usr/bin/env bash
# Installs sandbpf from BUILD into a temporary prefix, then builds the
# example hosts against it with find_package(sandbpf) and the embedding
# example with pkg-config, and runs them on the example plugins.
#   test_installed.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plugins="$build/examples/plugins"

echo "== cmake --install $build --prefix $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null

echo "== find_package(sandbpf)"
cmake -S "$here" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" -j 2 >/dev/null
"$work/consumer/request_filter_host" "$plugins/request_filter.o"
"$work/consumer/c_host" "$plugins/xdp_firewall.o"

echo "== pkg-config sandbpf"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
flags=$(pkg-config --cflags --libs sandbpf)
echo "pkg-config --cflags --libs sandbpf: $flags"
# shellcheck disable=SC2086
g++ -O1 "$here/../embed.cpp" -o "$work/embed" $flags
"$work/embed" "$plugins/xdp_firewall.o"
test -x "$work/prefix/bin/sandbpf"
echo "installed package: ok"
