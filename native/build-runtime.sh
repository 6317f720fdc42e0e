#!/bin/bash
# build-runtime.sh - builds the DeviceScript ESP32 runtime with this project's Serial service and
# writes one flashable image per board of boards/ (for the chips given, default: all of them).
#
#   native/build-runtime.sh [esp32|esp32c3|esp32s3 ...]
#
# Needs ESP-IDF at the version in upstream.env (IDF_PATH set, e.g. the espressif/idf image of
# that tag), git, node 20 and yarn (the runtime's Makefile builds DeviceScript's CLI to patch the
# board config into each image). Work directory: WORK_DIR (default native/build/runtime);
# images go to OUT_DIR (default native/build/images).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/upstream.env"
die() { echo "build-runtime: $*" >&2; exit 1; }
# A caller that names versions (the CI workflow does) must name the ones pinned here.
[ -z "${PIN_ESP_IDF_VERSION:-}" ] || [ "$PIN_ESP_IDF_VERSION" = "$ESP_IDF_VERSION" ] ||
    die "workflow says ESP-IDF $PIN_ESP_IDF_VERSION, upstream.env says $ESP_IDF_VERSION"
[ -z "${PIN_DEVICESCRIPT_ESP32_COMMIT:-}" ] || [ "$PIN_DEVICESCRIPT_ESP32_COMMIT" = "$DEVICESCRIPT_ESP32_COMMIT" ] ||
    die "workflow says devicescript-esp32 $PIN_DEVICESCRIPT_ESP32_COMMIT, upstream.env says $DEVICESCRIPT_ESP32_COMMIT"

[ -n "${IDF_PATH:-}" ] && [ -f "$IDF_PATH/tools/cmake/version.cmake" ] || die "IDF_PATH does not point at ESP-IDF"
idf_ver=v$(sed -n 's/^set(IDF_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))$/\2/p' "$IDF_PATH/tools/cmake/version.cmake" | paste -sd.)
[ "$idf_ver" = "$ESP_IDF_VERSION" ] || die "ESP-IDF is $idf_ver; the runtime is built with $ESP_IDF_VERSION"
# the runtime's Makefile refuses to build unless export.sh has run (IDF_TOOLS_EXPORT_CMD)
[ -n "${IDF_TOOLS_EXPORT_CMD:-}" ] || . "$IDF_PATH/export.sh" >/dev/null

work=${WORK_DIR:-$here/build/runtime}
out=${OUT_DIR:-$here/build/images}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# 1. the runtime at the pinned commit, with its submodules (devicescript, jacdac-c, jacdac)
if [ ! -d "$work/.git" ]; then
    mkdir -p "$work"
    git -C "$work" init -q
    git -C "$work" remote add origin "https://github.com/$DEVICESCRIPT_ESP32_REPO"
fi
git -C "$work" fetch -q --depth 1 origin "$DEVICESCRIPT_ESP32_COMMIT"
git -C "$work" checkout -q --force FETCH_HEAD
git -C "$work" submodule update -q --init --recursive

# 2. the service next to the runtime's sources (main/CMakeLists.txt globs main/*.c at configure
#    time) and its one registration line in app_init_services()
cp "$here"/esp32/*.c "$here"/esp32/*.h "$work/main/"
main="$work/main/main.c"
grep -q 'devs_service_full_init();' "$main" || die "main/main.c has no devs_service_full_init(); cannot register"
sed -i 's/^\( *\)devs_service_full_init();$/&\n\1opto_serial_service_init(); \/\/ opto62056: Serial service on the optical head/' "$main"
sed -i '0,/^void app_init_services(void) {$/s//void opto_serial_service_init(void);\n&/' "$main"
[ "$(grep -c 'opto_serial_service_init' "$main")" = 2 ] || die "registration did not apply cleanly to main/main.c"

# 3. each board where the patcher expects it: boards/<archId>/ (it takes the chip from the folder)
chips=${*:-$(for f in "$repo"/boards/*.board.json; do
    sed -n 's/^ *"archId": *"\([a-z0-9]*\)".*/\1/p' "$f"; done | sort -u)}
for f in "$repo"/boards/*.board.json; do
    arch=$(sed -n 's/^ *"archId": *"\([a-z0-9]*\)".*/\1/p' "$f")
    [ -d "$work/boards/$arch" ] || die "$(basename "$f"): no boards/$arch in devicescript-esp32"
    cp "$f" "$work/boards/$arch/"
done

# 4. build per chip; the runtime's Makefile patches every board of boards/<chip>/ into dist/
for chip in $chips; do
    echo "== $chip"
    echo "TARGET = $chip" > "$work/Makefile.user"
    rm -rf "$work/build" "$work/sdkconfig" "$work/dist"
    make -C "$work" TARGET="$chip"
    for f in "$repo"/boards/*.board.json; do
        grep -q "\"archId\": *\"$chip\"" "$f" || continue
        id=$(basename "$f" .board.json)
        img=$(ls "$work/dist/devicescript-$chip-$id"-0x*.bin 2>/dev/null | head -1)
        [ -n "$img" ] || die "no image for $id in $work/dist"
        cp "$img" "$out/"
        echo "flash: npx devs flash esp32 --board $id --file $out/$(basename "$img")   (from the repository root)"
    done
done
