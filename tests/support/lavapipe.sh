#!/usr/bin/env bash
# Makes Mesa 25 lavapipe (a CPU Vulkan driver with shaderFloat16) available to Dawn in Node,
# without installing anything system-wide, so the f16 kernel tests run on a machine with no GPU.
#
# Why: Debian 12's own Mesa (22.3) is rejected by Dawn; the Mesa 25 in bookworm-backports works
# and exposes `shader-f16` (see ../shared/reference/platform-notes.md). Installing it would
# upgrade the machine's Mesa under Chromium's feet, so instead the packages are downloaded with
# a private apt state (no root needed) and unpacked with `dpkg -x` into a cache folder.
#
# The backports source is derived from the machine's own apt sources: the mirror the machine
# already uses is the one we may reach, and no host name lives in the repository.
#
# Usage:  eval "$(tests/support/lavapipe.sh)"     # or: source .cache/lavapipe/env.sh afterwards
# stdout: `export` lines for VK_ICD_FILENAMES and LD_LIBRARY_PATH; progress goes to stderr.
# The same values go to .cache/lavapipe/env.json, where tests/gpu-node/vitest.config.ts finds
# them, so `npx vitest run -c tests/gpu-node/vitest.config.ts` needs no exports of its own.
# Idempotent: once the driver is unpacked, it only prints the exports.
# Environment: LAVAPIPE_CACHE (default <repo>/.cache/lavapipe), LAVAPIPE_SUITE (default
# <codename>-backports).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${LAVAPIPE_CACHE:-$repo/.cache/lavapipe}"
root="$cache/root"            # the unpacked packages
icd="$cache/lvp_icd.json"     # the ICD manifest, pointing into $root
stamp="$cache/packages.txt"   # written last: its presence means the cache is complete

log() { printf 'lavapipe: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_env() {
  # Every directory the unpacked packages put shared libraries in, so libvulkan_lvp.so finds the
  # newer libdrm (and any library the machine lacks) before the system's.
  local dirs
  dirs="$(find "$root" -name '*.so*' -type f -printf '%h\n' | sort -u | paste -sd: -)"
  cat >"$cache/env.sh" <<EOF
export VK_ICD_FILENAMES='$icd'
export LD_LIBRARY_PATH='$dirs'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
EOF
  # The same two values for tests/gpu-node/vitest.config.ts, which hands them to its test workers.
  printf '{ "VK_ICD_FILENAMES": "%s", "LD_LIBRARY_PATH": "%s" }\n' "$icd" "$dirs" >"$cache/env.json"
  cat "$cache/env.sh"
}

if [ -f "$stamp" ] && [ -f "$icd" ]; then
  log "already unpacked in $cache ($(paste -sd' ' "$stamp"))"
  print_env
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "needs apt-get and dpkg (a Debian-based machine)."

# shellcheck disable=SC1091
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release."
suite="${LAVAPIPE_SUITE:-$codename-backports}"

# The first enabled http(s) `deb` source for the release's main suite, in either format:
# deb822 stanzas in sources.list.d/*.sources, or one-line entries in *.list files.
# Prints "URI<TAB>KEYRING" (KEYRING empty when the source names none or embeds the key).
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && uri ~ /^https?:/) {
          printf "%s\t%s\n", uri, (keyring ~ /^\// ? keyring : ""); found = 1; exit
        }
        types = suites = uri = keyring = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/   { next }                       # continuation line (e.g. an embedded key)
      {
        key = tolower($1); sub(/:$/, "", key)
        value = $0; sub(/^[^:]*:[ \t]*/, "", value)
        if (key == "types") types = value
        else if (key == "suites") suites = value
        else if (key == "uris") { split(value, u, /[ \t]+/); uri = u[1] }
        else if (key == "signed-by") keyring = value
        else if (key == "enabled") enabled = tolower(value)
      }
      END { if (!found) flush() }
    ' "$f" | head -n1
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$codename" '
      $1 != "deb" { next }
      {
        keyring = ""; i = 2
        if ($2 ~ /^\[/) {                       # options: [arch=… signed-by=…]
          for (; i <= NF; i++) {
            if ($i ~ /signed-by=/) { keyring = $i; sub(/.*signed-by=/, "", keyring); sub(/\]$/, "", keyring) }
            if ($i ~ /\]$/) { i++; break }
          }
        }
        if ($(i) ~ /^https?:/ && $(i + 1) == suite) { printf "%s\t%s\n", $(i), keyring; exit }
      }
    ' "$f"
  done
}

mirror_line="$(find_mirror | head -n1)"
[ -n "$mirror_line" ] || die "found no http(s) 'deb' source for '$codename' in /etc/apt/sources.list{,.d/}."
mirror="${mirror_line%%$'\t'*}"
keyring="${mirror_line#*$'\t'}"
log "using the machine's Debian mirror for $suite (derived from /etc/apt sources)"

# A private apt: its own source list, lists and caches under $cache/apt, the machine's dpkg status
# (so the simulation below knows what is already installed) and its trusted keys.
apt_dir="$cache/apt"
rm -rf "$apt_dir"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/debs"
options="${keyring:+[signed-by=$keyring] }"
printf 'deb %s%s %s main\ndeb %s%s %s main\n' "$options" "$mirror" "$codename" "$options" "$mirror" "$suite" \
  >"$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/no-parts"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir"
  -o "Dir::Cache::Archives=$apt_dir/archives"
  # As root apt would drop to the `_apt` user, who may not write here; as anyone else it
  # does not drop at all. Either way, download as whoever runs this.
  -o "APT::Sandbox::User=$(id -un)"
  -q
)

log "reading package lists for $codename and $suite"
apt-get "${apt_opts[@]}" update >&2

# Which packages Mesa 25's Vulkan drivers need beyond what this machine has: ask apt to simulate
# the install against the machine's dpkg status. On a bare Debian image that is 27 packages
# (libLLVM, libvulkan1, X libraries; 240 MB unpacked); next to Chromium it is just the newer
# libdrm. Should apt find the machine's own packages inconsistent and refuse to plan, fall back to
# the driver and libdrm, which is all a machine with Debian's Mesa already installed lacks.
if plan="$(apt-get "${apt_opts[@]}" -s install "mesa-vulkan-drivers/$suite" 2>"$apt_dir/plan.err")"; then
  required=(mesa-vulkan-drivers)
else
  cat "$apt_dir/plan.err" >&2
  log "apt could not plan against this machine's packages; taking only the driver and libdrm"
  required=(mesa-vulkan-drivers libdrm2 libdrm-amdgpu1)
fi
packages=()
while read -r name version; do
  packages+=("$name=$version")
done < <(sed -nE 's/^Inst (\S+) (\[[^]]*\] )?\((\S+) .*/\1 \3/p' <<<"$plan")
# The driver is taken even where this very version is installed already (then apt plans nothing).
for name in "${required[@]}"; do
  printf '%s\n' "${packages[@]}" | grep -q "^$name=" || packages+=("$name/$suite")
done
log "downloading ${packages[*]}"
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >&2)

# Unpack into a fresh folder and move it into place only when complete, so an interrupted run
# never leaves a half-populated cache behind.
staging="$cache/root.partial"
rm -rf "$staging" "$root"
mkdir -p "$staging"
for deb in "$apt_dir/debs"/*.deb; do dpkg -x "$deb" "$staging"; done
mv "$staging" "$root"

# Debian's manifest names the driver by its system path; point it into the cache instead.
manifest="$(find "$root" -path '*/vulkan/icd.d/lvp_icd*.json' | head -n1)"
driver="$(find "$root" -name 'libvulkan_lvp.so' | head -n1)"
[ -n "$manifest" ] && [ -n "$driver" ] || die "the downloaded mesa-vulkan-drivers has no lavapipe driver."
sed -E "s|\"library_path\": *\"[^\"]*\"|\"library_path\": \"$driver\"|" "$manifest" >"$icd"

rm -rf "$apt_dir"   # the lists and .debs are 10s of MB and no longer needed
printf '%s\n' "${packages[@]}" >"$stamp"
log "unpacked into $cache"
print_env
