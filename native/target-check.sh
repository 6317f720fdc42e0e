#!/bin/sh
# target-check.sh - compiles the Serial service against the real runtime and ESP-IDF sources at
# the versions pinned in upstream.env: real ESP32-C3 objects with Debian's riscv64-unknown-elf-gcc
# and ESP-IDF's warning flags plus -Werror, and a syntax check of the ESP32 and ESP32-S3 variants
# with the host gcc (Debian has no Xtensa compiler). sdkconfig.h comes from ESP-IDF's own
# confgen.py over devicescript-esp32's sdkconfig defaults, as its Makefile assembles them.
#
#   make -C native target-check DEVICESCRIPT_ESP32_DIR=/path/devicescript-esp32 IDF_PATH=/path/esp-idf
#
# Needs: gcc-riscv64-unknown-elf libnewlib-dev python3-kconfiglib python3-future (Debian), gcc.
# Without the sources it says so in one line and exits 0: CI has no copy of them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/upstream.env"
DS=${DEVICESCRIPT_ESP32_DIR:-}
IDF=${IDF_PATH:-}
if [ -z "$DS" ] || [ -z "$IDF" ] || [ ! -f "$DS/main/main.c" ] || [ ! -f "$IDF/tools/cmake/version.cmake" ]; then
    echo "target-check: skipped: set DEVICESCRIPT_ESP32_DIR (devicescript-esp32 $DEVICESCRIPT_ESP32_COMMIT with submodules) and IDF_PATH (ESP-IDF $ESP_IDF_VERSION)"
    exit 0
fi
DS=$(cd "$DS" && pwd)
IDF=$(cd "$IDF" && pwd)
JDC=$DS/devicescript/runtime/jacdac-c
out=$here/build/target
PY=${PYTHON:-/usr/bin/python3}
RVCC=${RVCC:-riscv64-unknown-elf-gcc}
HOSTCC=${HOSTCC:-gcc}
NEWLIB=${NEWLIB_INCLUDE:-/usr/include/newlib}
fail() { echo "target-check: FAILED: $*"; exit 1; }

# ---- versions ----
idf_ver=v$(sed -n 's/^set(IDF_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))$/\2/p' "$IDF/tools/cmake/version.cmake" | paste -sd.)
[ "$idf_ver" = "$ESP_IDF_VERSION" ] || fail "ESP-IDF at $IDF is $idf_ver, pinned is $ESP_IDF_VERSION"
echo "ESP-IDF $idf_ver (tools/cmake/version.cmake)"
check_commit() { # dir pinned name
    if got=$(git -C "$1" rev-parse HEAD 2>/dev/null); then
        [ "$got" = "$2" ] || fail "$3 is at $got, pinned is $2"
        echo "$3 $2 (git)"
    else
        echo "$3: not a git checkout, commit not verified (pinned $2)"
    fi
}
check_commit "$DS" "$DEVICESCRIPT_ESP32_COMMIT" devicescript-esp32
check_commit "$DS/devicescript" "$DEVICESCRIPT_COMMIT" devicescript
check_commit "$JDC" "$JACDAC_C_COMMIT" jacdac-c
check_commit "$JDC/jacdac" "$JACDAC_COMMIT" jacdac
for f in "$JDC/inc/jd_protocol.h" "$JDC/jacdac/dist/c/serial.h" "$DS/boards/sdkconfig.common"; do
    [ -f "$f" ] || fail "missing $f (submodules not checked out?)"
done
command -v "$RVCC" >/dev/null || fail "no $RVCC (apt-get install gcc-riscv64-unknown-elf)"
[ -f "$NEWLIB/stdio.h" ] || fail "no newlib headers in $NEWLIB (apt-get install libnewlib-dev)"
"$PY" -c 'import kconfiglib, future' 2>/dev/null || fail "$PY lacks kconfiglib/future (apt-get install python3-kconfiglib python3-future)"

# ---- sdkconfig.h per chip, with ESP-IDF's confgen.py ----
sdkconfig() { # chip -> $out/$chip/build/config/sdkconfig.h (where main/jd_user_config.h looks)
    d=$out/$1
    rm -rf "$d" && mkdir -p "$d/build/config" "$d/main"
    cat "$DS/boards/$1/sdkconfig.$1" "$DS/boards/sdkconfig.common" > "$d/sdkconfig.defaults"
    list() { ls $1 2>/dev/null | paste -sd';'; }
    "$PY" - "$d" "$1" "$IDF" "$(list "$IDF/components/*/Kconfig")" \
        "$(list "$IDF/components/*/Kconfig.projbuild")" \
        "$(list "$IDF/components/*/sdkconfig.rename $IDF/components/*/sdkconfig.rename.$1")" <<'PYEOF'
import json, sys
d, target, idf, kc, kp, rn = sys.argv[1:]
json.dump({"COMPONENT_KCONFIGS": kc, "COMPONENT_KCONFIGS_PROJBUILD": kp,
           "COMPONENT_SDKCONFIG_RENAMES": rn, "IDF_TARGET": target, "IDF_ENV_FPGA": "",
           "IDF_PATH": idf, "COMPONENT_KCONFIGS_SOURCE_FILE": d + "/kconfigs.in",
           "COMPONENT_KCONFIGS_PROJBUILD_SOURCE_FILE": d + "/kconfigs_projbuild.in"},
          open(d + "/config.env", "w"))
PYEOF
    "$PY" "$IDF/tools/kconfig_new/prepare_kconfig_files.py" --list-separator=semicolon \
        --env-file "$d/config.env"
    "$PY" "$IDF/tools/kconfig_new/confgen.py" --list-separator=semicolon --kconfig "$IDF/Kconfig" \
        --sdkconfig-rename "$IDF/sdkconfig.rename" --config "$d/sdkconfig" \
        --defaults "$d/sdkconfig.defaults" --env-file "$d/config.env" \
        --output header "$d/build/config/sdkconfig.h" --output config "$d/sdkconfig" \
        > "$d/confgen.log" 2>&1 || { cat "$d/confgen.log"; fail "confgen.py for $1"; }
    grep -q "CONFIG_IDF_TARGET \"$1\"" "$d/build/config/sdkconfig.h" || fail "sdkconfig.h is not for $1"
    # jd_user_config.h includes "../build/config/sdkconfig.h" relative to itself
    ln -sf "$DS/main/jd_user_config.h" "$d/main/jd_user_config.h"
}

includes() { # chip arch
    c=$IDF/components
    for i in driver/include driver/deprecated hal/include "hal/$1/include" hal/platform_port/include \
        soc/include "soc/$1/include" esp_common/include esp_hw_support/include \
        esp_hw_support/include/soc "esp_hw_support/include/soc/$1" freertos/FreeRTOS-Kernel/include \
        "freertos/FreeRTOS-Kernel/portable/$2/include" freertos/esp_additions/include \
        freertos/esp_additions/include/freertos "freertos/esp_additions/arch/$2/include" \
        esp_rom/include "esp_rom/include/$1" "esp_rom/$1" log/include heap/include \
        newlib/platform_include "$2/include" "$2/$1/include" esp_system/include esp_timer/include \
        esp_pm/include esp_ringbuf/include; do
        printf ' -I%s' "$c/$i"
    done
    printf ' -I%s -I%s -I%s -I%s -I%s -isystem %s' "$out/$1/build/config" "$out/$1/main" \
        "$JDC/inc" "$JDC" "$here/esp32" "$NEWLIB"
}

# ESP-IDF's own flags (tools/cmake/build.cmake, C standard gnu17), -Werror on top.
IDF_FLAGS="-std=gnu17 -Os -D_GNU_SOURCE -DESP_PLATFORM -ffunction-sections -fdata-sections -Wall
 -Werror=all -Wno-error=unused-function -Wno-error=unused-variable
 -Wno-error=deprecated-declarations -Wextra -Wno-unused-parameter -Wno-sign-compare
 -Wno-enum-conversion -gdwarf-4 -ggdb -Werror"
SRCS="opto_port_esp32.c opto_serial_jd.c opto_serial.c opto_board.c"

sdkconfig esp32c3
for s in $SRCS; do
    # shellcheck disable=SC2046
    "$RVCC" -march=rv32imc_zicsr_zifencei -mabi=ilp32 $IDF_FLAGS $(includes esp32c3 riscv) \
        -c "$here/esp32/$s" -o "$out/esp32c3/${s%.c}.o" || fail "esp32c3: $s"
done
echo "esp32c3: compiled $(cd "$out/esp32c3" && ls *.o | paste -sd' ') ($RVCC $("$RVCC" -dumpversion), -march=rv32imc_zicsr_zifencei -mabi=ilp32)"
size_line=$(cd "$out/esp32c3" && riscv64-unknown-elf-size -t *.o | tail -1 | awk '{print "text " $1 " B, data " $2 " B, bss " $3 " B"}')
echo "esp32c3: objects total $size_line"

for chip in esp32 esp32s3; do
    sdkconfig "$chip"
    for s in $SRCS; do
        # Xtensa: the host gcc in 32-bit mode, syntax only, with the chip's headers and newlib's.
        # shellcheck disable=SC2046
        "$HOSTCC" -m32 -fsyntax-only -nostdinc -isystem "$("$HOSTCC" -m32 -print-file-name=include)" \
            -D__XTENSA__ -U__linux__ -U__unix__ $IDF_FLAGS $(includes "$chip" xtensa) \
            "$here/esp32/$s" || fail "$chip: $s"
    done
    echo "$chip: syntax check passed ($HOSTCC -m32 -fsyntax-only, $chip headers)"
done
echo "target-check: passed"
