#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job, run inside the VM: what a management tool sees, with cat
# and echo only.
set -eu
step() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; eval "$@"; }

step "mdev parents and their types"
for t in /sys/class/mdev_bus/*/mdev_supported_types/*; do
	printf '%-48s %-10s %s available\n' "${t#/sys/class/mdev_bus/}" \
		"$(cat "$t/device_api")" "$(cat "$t/available_instances")"
done

step "create an mtty-2 device"
UUID=$(cat /proc/sys/kernel/random/uuid)
T=/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2
run "echo $UUID > $T/create"
run "ls /sys/bus/mdev/devices/"
run "ls /sys/bus/mdev/devices/$UUID/"
run "echo 1 > /sys/bus/mdev/devices/$UUID/remove"
run "ls /sys/bus/mdev/devices/"
