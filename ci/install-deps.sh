#!/usr/bin/env bash
# Installs, from Debian's packages, everything the build, the tests and the demo need.
# Idempotent: does nothing when every package is already installed; one apt-get update otherwise.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ clang pkg-config git
  # host libraries
  libyaml-cpp-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libssh-dev libcurl4-openssl-dev zlib1g-dev
  flatbuffers-compiler libflatbuffers-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  # cross compilers for the agent and the MCU firmware
  g++-aarch64-linux-gnu g++-arm-linux-gnueabihf
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
  # emulators and real peers the tests start themselves
  qemu-user-static qemu-system-arm openssh-server openssh-client iproute2 nftables procps
  # data and test tools
  dataset-fashion-mnist python3 python3-jsonschema chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
