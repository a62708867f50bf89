#!/usr/bin/env bash
# Regenerates the syscall name -> number tables (syscalls-<arch>.txt) beside this script from
# Linux UAPI headers, by letting the C preprocessor expand every __NR_* macro. Run it by hand
# when the headers move on; the tables are committed and read by SyscallTable at run time.
#
# Sources (Debian bookworm, Linux 6.1 UAPI headers):
#   x86_64, x86 (i386), x32: linux-libc-dev           /usr/include/x86_64-linux-gnu/asm/unistd_{64,32,x32}.h
#   aarch64:                 linux-libc-dev-arm64-cross asm/unistd.h (its __ARCH_WANT_* set) + asm-generic/unistd.h
#   arm (EABI):              linux-libc-dev-armhf-cross asm/unistd-eabi.h + the __ARM_NR_* private calls
# The cross packages are fetched with `apt-get download` into a scratch directory if absent.
#
# Usage: generate-syscall-tables.sh [cross-headers-root]   (default: fetch into a temp dir)
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)"
asm=/usr/include/x86_64-linux-gnu/asm
cross="${1:-}"
if [[ -z "$cross" ]]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  (cd "$scratch" && apt-get download linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross >/dev/null 2>&1)
  for deb in "$scratch"/*.deb; do dpkg-deb -x "$deb" "$scratch/root"; done
  cross="$scratch/root"
fi
arm64_inc="$cross/usr/aarch64-linux-gnu/include"
arm_inc="$cross/usr/arm-linux-gnueabihf/include"

# table NAME CPP-ARGS...: every __NR_<name> (and __ARM_NR_<name>) the arguments define, expanded
# to a number, as "name number" lines sorted by number.
table() {
  local name="$1"; shift
  local src macros
  src="$(mktemp)"
  macros="$(cpp -undef -dM "$@" /dev/null | awk '$1 == "#define" { print $2 }' \
    | grep -E '^__(ARM_)?NR_' \
    | grep -vE '^__NR_(syscalls|arch_specific_syscall|SYSCALL_BASE|OABI_SYSCALL_BASE|SYSCALL_MASK)$' \
    | grep -vE '^__ARM_NR_BASE$' | sort -u)"
  # A string literal keeps the name itself from being macro-expanded.
  for m in $macros; do
    printf '"%s" %s\n' "$(sed -E 's/^__(ARM_)?NR_//' <<<"$m")" "$m"
  done >"$src"
  cpp -undef -P "$@" "$src" | while read -r quoted expr; do
    [[ -z "$quoted" ]] && continue
    printf '%s %d\n' "${quoted//\"/}" "$((expr))"
  done | sort -k2,2n -k1,1 >"$out/syscalls-$name.txt"
  rm -f "$src"
  echo "syscalls-$name.txt: $(wc -l <"$out/syscalls-$name.txt") syscalls"
}

table x86_64  -include "$asm/unistd_64.h"
table x86     -include "$asm/unistd_32.h"
table x32     -D__X32_SYSCALL_BIT=0x40000000 -include "$asm/unistd_x32.h"
table aarch64 -D__BITS_PER_LONG=64 -I "$arm64_inc" -include "$arm64_inc/asm/unistd.h"
table arm     -D__ARM_EABI__ -I "$arm_inc" -include "$arm_inc/asm/unistd.h"
