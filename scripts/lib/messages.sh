# shellcheck shell=bash
# Progress and error messages shared by the course's shell scripts (sourced, not run).
# Colours only on a terminal, so CI logs stay plain text.

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    _bold=$'\033[1m' _green=$'\033[32m' _yellow=$'\033[33m' _red=$'\033[31m' _reset=$'\033[0m'
else
    _bold="" _green="" _yellow="" _red="" _reset=""
fi

step() { printf '%s==>%s %s\n' "$_bold" "$_reset" "$*"; }
ok() { printf '    %sok%s  %s\n' "$_green" "$_reset" "$*"; }
skip() { printf '    %s--%s  %s\n' "$_yellow" "$_reset" "$*"; }
warn() { printf '    %s!!%s  %s\n' "$_yellow" "$_reset" "$*" >&2; }

# die "what is wrong" "what to do": every failure says both, then stops the script.
die() {
    printf '%sERROR:%s %s\n' "$_red$_bold" "$_reset" "$1" >&2
    [ -n "${2:-}" ] && printf '       %s\n' "$2" >&2
    exit 1
}

# Root for apt, debootstrap and dockerd; sudo when the script runs as a normal user.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "This step needs root ($*) and sudo is not installed." \
            "Run the script as root, or install sudo and add yourself to the sudoers."
    fi
}
