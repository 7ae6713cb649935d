#!/usr/bin/env bash
# A throwaway IMAP server for the email intake test (crm_suite/service_desk/tests/test_email_intake.py):
# Debian's dovecot (apt-get install dovecot-imapd) with its own config, plain auth on 127.0.0.1 only,
# one user from a local password file, Maildir. Does nothing when dovecot is not installed or the port
# already answers, so it is safe to call on every test run. The SMTP sink lives inside the test itself
# (aiosmtpd in a thread), so no second process is needed.
#
#   scripts/mail_server.sh [start|stop]
#
# Environment (the test reads the same names and defaults):
#   CRM_SUITE_IMAP_PORT      (default 1143)
#   CRM_SUITE_IMAP_USER      (default crms-test)
#   CRM_SUITE_IMAP_PASSWORD  (default crms-test)
#   CRM_SUITE_MAIL_DIR       state, password file and Maildirs (default /tmp/crm_suite_mail)
set -uo pipefail

PORT=${CRM_SUITE_IMAP_PORT:-1143}
MAIL_USER=${CRM_SUITE_IMAP_USER:-crms-test}
MAIL_PASSWORD=${CRM_SUITE_IMAP_PASSWORD:-crms-test}
DIR=${CRM_SUITE_MAIL_DIR:-/tmp/crm_suite_mail}
DOVECOT=$(command -v dovecot || echo /usr/sbin/dovecot)

_up() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start() {
	[ -x "$DOVECOT" ] || { echo "[mail] dovecot not installed: email intake test will skip"; return 0; }
	_up && return 0
	# mail processes may not run as root: the mailbox belongs to Debian's "mail" user
	local uid gid
	uid=$(id -u mail) gid=$(id -g mail)
	mkdir -p "$DIR/run" "$DIR/state" "$DIR/home/$MAIL_USER/Maildir"
	chown -R "$uid:$gid" "$DIR/home"
	echo "$MAIL_USER:{PLAIN}$MAIL_PASSWORD:$uid:$gid::$DIR/home/$MAIL_USER::" >"$DIR/users"
	chmod 640 "$DIR/users"
	chgrp dovecot "$DIR/users" 2>/dev/null || true
	cat >"$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $uid
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
	echo "[mail] starting dovecot on 127.0.0.1:$PORT"
	"$DOVECOT" -c "$DIR/dovecot.conf" || return 1
	for _ in $(seq 20); do _up && return 0; sleep 0.5; done
	echo "[mail] dovecot did not answer on $PORT (see $DIR/dovecot.log)"
	return 1
}

stop() {
	[ -f "$DIR/dovecot.conf" ] && "$DOVECOT" -c "$DIR/dovecot.conf" stop 2>/dev/null
	return 0
}

case ${1:-start} in
	start) start ;;
	stop) stop ;;
	*) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
