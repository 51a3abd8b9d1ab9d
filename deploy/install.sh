#!/usr/bin/env bash
# Install or upgrade watchdesk as a systemd service on Debian/Ubuntu. Run as root:
#
#   sudo deploy/install.sh                      # the checkout this script belongs to
#   sudo deploy/install.sh dist/watchdesk-0.2.0-py3-none-any.whl
#   sudo deploy/install.sh 'watchdesk==0.2.0'   # a released version, from the package index
#
# Idempotent: running it again upgrades the package, the unit and the `watchdesk` command,
# and restarts the service (migrations run on start). It never overwrites anything already in
# /etc/watchdesk. Where systemd is not PID 1 (a container), it installs and says how to start.
#
# Environment: PYTHON (default python3, >= 3.11), WATCHDESK_PREFIX (default /opt/watchdesk).
set -euo pipefail

prefix="${WATCHDESK_PREFIX:-/opt/watchdesk}"
python="${PYTHON:-python3}"
user=watchdesk
etc=/etc/watchdesk
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(dirname "$here")"
target="${1:-$checkout}"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "run as root (sudo $0)"
command -v "$python" >/dev/null || die "$python not found (apt-get install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "watchdesk needs Python >= 3.11; set PYTHON=/path/to/python3.11"

# 1. The service's user: a system account with no shell and no home of its own.
if ! getent passwd "$user" >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/watchdesk --no-create-home \
        --shell /usr/sbin/nologin --comment "watchdesk news monitoring" "$user"
    say "created system user $user"
fi

# 2. The program, in its own virtualenv.
if [[ ! -x "$prefix/venv/bin/python" ]]; then
    "$python" -m venv "$prefix/venv" \
        || die "cannot create a virtualenv (apt-get install python3-venv)"
    say "created $prefix/venv"
fi
runuser -u "$user" -- "$prefix/venv/bin/python" -c '' 2>/dev/null \
    || die "the $user user cannot run $prefix/venv/bin/python (is $python under a private" \
           "home, e.g. pyenv in /root?); remove $prefix/venv and set PYTHON=/usr/bin/python3"
pip=("$prefix/venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install --upgrade pip
"${pip[@]}" install --upgrade "$target"
if [[ -e "$target" ]]; then
    # same version number, new code (a checkout or a rebuilt wheel): install it anyway
    "${pip[@]}" install --force-reinstall --no-deps "$target"
fi
say "installed $("$prefix/venv/bin/watchdesk" --version)"

# 3. Configuration: examples, only where nothing is there yet. root owns it; the service's
#    group may read feeds and rules; the environment file and the password are root's alone
#    (systemd reads them before starting the service).
install -d -m 0755 -o root -g root "$etc"
copy_new() {  # SRC DEST MODE GROUP
    if [[ -e "$2" ]]; then
        say "kept $2"
    else
        install -m "$3" -o root -g "$4" "$1" "$2"
        say "created $2"
    fi
}
copy_new "$checkout/feeds.yaml" "$etc/feeds.yaml" 0640 "$user"
copy_new "$here/watchdesk.env" "$etc/watchdesk.env" 0600 root
if [[ ! -e "$etc/rules" ]]; then
    install -d -m 0750 -o root -g "$user" "$etc/rules"
    shopt -s nullglob
    examples=("$checkout"/rules/*.yaml)   # the desk's default rules, as shipped
    for f in "${examples[@]}"; do
        install -m 0640 -o root -g "$user" "$f" "$etc/rules/"
    done
    shopt -u nullglob
    say "created $etc/rules (${#examples[@]} rule file(s))"
else
    say "kept $etc/rules"
fi
if [[ ! -e "$etc/smtp-password" ]]; then
    # LoadCredential= needs the file: empty means no password.
    install -m 0600 -o root -g root /dev/null "$etc/smtp-password"
    say "created $etc/smtp-password (empty; write the SMTP password there if needed)"
fi

# The database's folder: systemd creates it too (StateDirectory=); made here for a start by hand.
install -d -m 0700 -o "$user" -g "$user" /var/lib/watchdesk

# 4. The unit (always ours: local changes belong in `systemctl edit watchdesk`) and the
#    command for administrators.
sed "s|/opt/watchdesk/|$prefix/|g" "$here/watchdesk.service" > /etc/systemd/system/watchdesk.service.new
chmod 0644 /etc/systemd/system/watchdesk.service.new
mv /etc/systemd/system/watchdesk.service.new /etc/systemd/system/watchdesk.service
cli=/usr/local/bin/watchdesk
if [[ -e "$cli" ]] && ! grep -q '^# /usr/local/bin/watchdesk: the watchdesk command' "$cli"; then
    say "kept $cli (not ours); the service's command is $prefix/venv/bin/watchdesk"
else
    sed "s|/opt/watchdesk}|$prefix}|" "$here/watchdesk-cli" > "$cli.new"
    chmod 0755 "$cli.new"
    mv "$cli.new" "$cli"
fi

# 5. The configuration must pass before the service is (re)started with it.
if ! WATCHDESK_PREFIX="$prefix" "$cli" check; then
    say "fix the errors above in $etc, then: systemctl restart watchdesk"
fi

# 6. Start (or restart after an upgrade) where systemd runs the machine.
if [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload
    systemctl enable watchdesk
    systemctl restart watchdesk
    if systemctl is-active --quiet watchdesk; then
        say "watchdesk is running: systemctl status watchdesk; journalctl -u watchdesk -f"
    else
        die "watchdesk did not start: journalctl -u watchdesk -n 50"
    fi
else
    say "systemd is not running here (a container?): installed, not started."
    say "start it by hand as root: $cli run (it switches to the $user user)"
fi
