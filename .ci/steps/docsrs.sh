#!/usr/bin/env bash
# Simulates docs.rs for every published crate of the workspace:
#  1. `cargo package` each library crate (the git-ignored spec copies must be in the .crate files:
#     their `include` lists name them);
#  2. unpack the .crate files into a scratch workspace outside this one, whose crate directory is
#     mounted read-only (a private mount namespace; chmod where that is not allowed), with sibling
#     crates taken from their packages through [patch.crates-io];
#  3. build each crate's docs there offline, with DOCS_RS=1, `--cfg docsrs` and the features of its
#     [package.metadata.docs.rs], warnings denied, one target dir shared by all crates.
# A build script that reads outside its package, or writes into it, fails step 3; the package
# directories are also checked to be byte-for-byte unchanged afterwards.
#
# Time measured on the 2-core machine, warm ~/.cargo registry: reusing the workspace's target dir
# (the default; DOCSRS_TARGET_DIR overrides it) about 2 min wall, 45 s of CPU, for the 7 crates;
# with a cold target dir 4 min of CPU (8.5 min wall while other builds ran).
# Checked by hand: a build script reading ../openapi/pins.toml fails here ("No such file"), and
# one writing into its package fails ("Read-only file system").
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
started=$(date +%s)

# Library crates that get published, in dependency order; publish = false crates are skipped.
# DOCSRS_CRATES="a b" narrows the run while iterating.
read -r -a candidates <<< "${DOCSRS_CRATES:-astro-spec astro-codegen astro-api-core astro-platform astro-iam astro-sandbox astro-api}"
crates=()
for name in "${candidates[@]}"; do
  manifest=$( [ "$name" = astro-api ] && echo Cargo.toml || echo "$name/Cargo.toml" )
  [ -f "$manifest" ] || continue
  grep -q '^publish *= *false' "$manifest" && continue
  crates+=("$name")
done

scratch=$(mktemp -d /tmp/docsrs.XXXXXX)
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
echo "packaging: ${crates[*]}"
package_args=()
for name in "${crates[@]}"; do package_args+=(-p "$name"); done
cargo package --offline --no-verify --allow-dirty --quiet --target-dir "$scratch/package-target" "${package_args[@]}"

ws="$scratch/ws"
mkdir -p "$ws/crates"
members=""
patches=""
for name in "${crates[@]}"; do
  file=$(ls "$scratch/package-target/package/$name"-[0-9]*.crate)
  dir=$(basename "$file" .crate)
  tar -xzf "$file" -C "$ws/crates"
  # A generated crate's package must hold the pins (a copy of the linked file, not a link) and
  # its pinned documents: nothing outside it will be there to read.
  case "$name" in
    astro-platform|astro-iam)
      test -f "$ws/crates/$dir/openapi/pins.toml" && test ! -L "$ws/crates/$dir/openapi/pins.toml"
      grep -q '^\[\[api.area\]\]' "$ws/crates/$dir/openapi/pins.toml"
      test -s "$ws/crates/$dir/openapi/astro.yaml"
      test -s "$ws/crates/$dir/openapi/${name#astro-}.yaml"
      # ...and the code pregenerated from them, so users' builds need no generator.
      test -s "$ws/crates/$dir/generated/client.rs" && test -s "$ws/crates/$dir/generated/v1beta1.rs" ;;
  esac
  members+="\"crates/$dir\", "
  patches+="$name = { path = \"crates/$dir\" }"$'\n'
done
cat > "$ws/Cargo.toml" <<EOF
[workspace]
members = [${members%, }]
resolver = "3"

[patch.crates-io]
$patches
EOF
# The workspace's lock file pins the same dependency versions the registry cache holds.
cp "$root/Cargo.lock" "$ws/Cargo.lock"
# Packages carry fixed old mtimes, and a reused target dir keys these crates by their
# workspace-relative paths: fresh mtimes make cargo rebuild them (and rerun their build scripts).
find "$ws/crates" -type f -exec touch {} +
(cd "$ws/crates" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$scratch/before.sha256"

build_docs() {
  local target="$docs_target"
  for dir in "$ws"/crates/*/; do
    local manifest="$dir/Cargo.toml" name features=()
    name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$manifest" | head -1)
    local metadata
    metadata=$(sed -n '/^\[package.metadata.docs.rs\]/,/^\[/p' "$manifest")
    if grep -q '^all-features *= *true' <<< "$metadata"; then
      features=(--all-features)
    elif grep -q '^features *=' <<< "$metadata"; then
      features=(--features "$(sed -n 's/^features *= *\[\(.*\)\]/\1/p' <<< "$metadata" | tr -d '" ')")
    fi
    echo "docs of $name ${features[*]}"
    (cd "$ws" && DOCS_RS=1 RUSTDOCFLAGS="--cfg docsrs -D warnings" CARGO_TARGET_DIR="$target" \
      cargo doc --offline --quiet --no-deps --lib -p "$name" "${features[@]}")
  done
}
# One target dir for every crate: by default the workspace's own, so the registry dependencies
# compiled by the earlier CI steps are reused (the crates themselves build from their packages).
docs_target="${DOCSRS_TARGET_DIR:-$(cargo metadata --offline --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
export -f build_docs
export ws scratch docs_target

if unshare --mount --propagation private true 2>/dev/null; then
  echo "crate sources mounted read-only"
  unshare --mount --propagation private bash -euo pipefail -c '
    mount --bind "$ws/crates" "$ws/crates"
    mount -o remount,bind,ro "$ws/crates"
    build_docs'
else
  echo "note: no mount namespace here; crate sources made read-only with chmod (not enforced for root)"
  chmod -R a-w "$ws/crates"
  build_docs
fi

# A user's build of the facade, from the packages, compiles no generator: the clients come
# pregenerated (astro_codegen::pregenerated).
tree=$(cd "$ws" && cargo tree --offline --quiet -e normal,build -p astro-api --all-features --prefix none)
grep -q '^astro-platform ' <<< "$tree"
generator=$(grep -E '^(progenitor-impl|typify-impl|openapiv3|astro-spec) ' <<< "$tree" | sort -u || true)
if [ -n "$generator" ]; then
  echo "error: building astro-api from its packages compiles the generator:" >&2
  echo "$generator" >&2
  exit 1
fi
echo "the packaged astro-api builds without the generator"

(cd "$ws/crates" && sha256sum --quiet -c "$scratch/before.sha256") || {
  echo "error: a build changed files inside a package" >&2
  exit 1
}
echo "docs.rs simulation passed for ${#crates[@]} crates in $(( $(date +%s) - started ))s"
