#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to a running desk with crm_suite and demo data:
# system packages, a Frappe v15 bench from upstream, ERPNext, a site with crm_suite, demo data,
# then the web server. Re-running it reuses whatever already exists.
#
#   scripts/setup.sh [options]
#     --bench PATH            bench directory (default $CRM_SUITE_BENCH or ~/frappe-bench); reused if present
#     --site NAME             site to create or reuse (default crm.localhost)
#     --frappe-path URL|DIR   where bench gets frappe (default https://github.com/frappe/frappe)
#     --frappe-branch NAME    (default version-15)
#     --erpnext-path URL|DIR  where bench gets ERPNext (default https://github.com/frappe/erpnext)
#     --erpnext-branch NAME   (default version-15)
#     --db-root-password PW   MariaDB root password to set or use (default root; local development only)
#     --admin-password PW     Administrator password of the new site (default admin)
#     --customers N --seed K  demo data scale and seed (default 500 and 42)
#     --no-system-packages    skip apt-get (packages already installed)
#     --no-demo               no demo data
#     --no-start              do not start the web server at the end
#     --port N                web server port (default 8000)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${CRM_SUITE_BENCH:-$HOME/frappe-bench}
SITE=crm.localhost
FRAPPE_PATH=https://github.com/frappe/frappe
FRAPPE_BRANCH=version-15
ERPNEXT_PATH=https://github.com/frappe/erpnext
ERPNEXT_BRANCH=version-15
DB_PW=root
ADMIN_PW=admin
CUSTOMERS=500
SEED=42
SYSTEM=1
DEMO=1
START=1
PORT=8000

while [ $# -gt 0 ]; do
	case $1 in
	--bench) BENCH=$2; shift ;;
	--site) SITE=$2; shift ;;
	--frappe-path) FRAPPE_PATH=$2; shift ;;
	--frappe-branch) FRAPPE_BRANCH=$2; shift ;;
	--erpnext-path) ERPNEXT_PATH=$2; shift ;;
	--erpnext-branch) ERPNEXT_BRANCH=$2; shift ;;
	--db-root-password) DB_PW=$2; shift ;;
	--admin-password) ADMIN_PW=$2; shift ;;
	--customers) CUSTOMERS=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--no-system-packages) SYSTEM=0 ;;
	--no-demo) DEMO=0 ;;
	--no-start) START=0 ;;
	--port) PORT=$2; shift ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
BENCH=$(realpath -m "$BENCH")
say() { printf '\n==> %s\n' "$*"; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# ---- 1. system packages ----------------------------------------------------------------------------
if [ "$SYSTEM" = 1 ]; then
	say "System packages (apt)"
	$SUDO apt-get update -q
	# Debian's npm conflicts with a NodeSource nodejs (which bundles npm): ask for node only when missing
	NODE_PKGS="nodejs npm"
	command -v node >/dev/null && command -v npm >/dev/null && NODE_PKGS=""
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		git curl cron build-essential pkg-config python3-dev python3-venv python3-pip \
		mariadb-server mariadb-client libmariadb-dev redis-server $NODE_PKGS \
		xfonts-75dpi xfonts-base fontconfig fonts-noto-cjk wkhtmltopdf chromium dovecot-imapd
	$SUDO tee /etc/mysql/mariadb.conf.d/99-crm-suite.cnf >/dev/null <<'CNF'
[mysqld]
bind-address = 127.0.0.1
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci

[mysql]
default-character-set = utf8mb4
CNF
	# in its own session, so MariaDB outlives the shell (or CI job) that ran this script
	$SUDO setsid -f service mariadb restart || ($SUDO setsid -f mysqld_safe >/dev/null 2>&1)
	for _ in $(seq 30); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
	# Fresh Debian MariaDB: root logs in through the unix socket; give it a password for bench and keep
	# the socket login too (Debian's `service mariadb stop` logs in through the socket).
	if $SUDO mysql -uroot -e "select 1" >/dev/null 2>&1; then
		$SUDO mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$DB_PW'); FLUSH PRIVILEGES;"
	fi
	command -v yarn >/dev/null && yarn --version | grep -q '^1\.' || $SUDO npm install -g yarn@1.22.22
	command -v bench >/dev/null || python3 -m pip install --user frappe-bench || python3 -m pip install --user --break-system-packages frappe-bench
	export PATH=$HOME/.local/bin:$PATH
fi
command -v bench >/dev/null || { echo "bench CLI not found: pip install frappe-bench" >&2; exit 1; }
mysqladmin ping >/dev/null 2>&1 || { echo "MariaDB is not running" >&2; exit 1; }

# ---- 2. bench ----------------------------------------------------------------------------------------
# bench refuses to run as root unless the bench's common_site_config says frappe_user is root.
if [ ! -d "$BENCH/apps/frappe" ]; then
	say "bench init $BENCH (frappe $FRAPPE_BRANCH from $FRAPPE_PATH)"
	WORK=$(mktemp -d)
	mkdir -p "$WORK/sites"
	echo '{"frappe_user": "root"}' >"$WORK/sites/common_site_config.json"
	(cd "$WORK" && bench init "$BENCH" --frappe-path "$FRAPPE_PATH" --frappe-branch "$FRAPPE_BRANCH" --python "$(command -v python3)")
	rm -rf "$WORK"
fi
cd "$BENCH"
if [ "$(id -u)" = 0 ]; then bench set-config -g frappe_user root >/dev/null 2>&1 || true; fi
bench set-config -g root_password "$DB_PW" >/dev/null
# google-api-python-client (an ERPNext dependency) still imports pkg_resources.
./env/bin/pip install -q "setuptools<80"

if [ ! -d apps/erpnext ]; then
	say "bench get-app erpnext ($ERPNEXT_BRANCH from $ERPNEXT_PATH)"
	bench get-app --branch "$ERPNEXT_BRANCH" "$ERPNEXT_PATH"
fi
if [ ! -e apps/crm_suite ]; then
	say "Linking this checkout as apps/crm_suite"
	ln -s "$REPO" apps/crm_suite
fi
grep -qx crm_suite sites/apps.txt || { [ -z "$(tail -c1 sites/apps.txt)" ] || echo >>sites/apps.txt; echo crm_suite >>sites/apps.txt; }
# with its dependencies (numpy, scipy: the CLV and segmentation models); frappe and erpnext are bench's
./env/bin/pip install -q -e apps/crm_suite
./env/bin/pip install -q playwright pytest  # browser checks (Debian's chromium, never a downloaded one)
./env/bin/pip install -q aiosmtpd  # SMTP sink inside the email intake test
# bench installs app requirements with uv, which takes the newest holidays; that one needs a
# python-dateutil newer than frappe v15's ~=2.8.2. Put frappe's pin back with a holidays that accepts it.
./env/bin/pip install -q "python-dateutil~=2.8.2" "holidays>=0.28,<0.87"
# the desk's CSS/JS of crm_suite (bench init and get-app built the assets before crm_suite was linked)
say "bench build --app crm_suite"
bench build --app crm_suite

# ---- 3. services, site, demo -------------------------------------------------------------------------
for conf in config/redis_cache.conf config/redis_queue.conf; do
	port=$(awk '/^port/ {print $2}' "$conf")
	redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 || redis-server "$conf" --daemonize yes --bind 127.0.0.1 >/dev/null
done
if [ ! -d "sites/$SITE" ]; then
	say "Creating $SITE with ERPNext and crm_suite"
	bench new-site "$SITE" --db-root-password "$DB_PW" --admin-password "$ADMIN_PW" --install-app erpnext --install-app crm_suite
else
	bench --site "$SITE" list-apps | grep -q '^crm_suite' || bench --site "$SITE" install-app crm_suite
	bench --site "$SITE" migrate
fi
bench --site "$SITE" set-config developer_mode 1 >/dev/null
grep -q '"default_site"' sites/common_site_config.json || bench use "$SITE"
if [ "$DEMO" = 1 ]; then
	say "Demo data: $CUSTOMERS customers, seed $SEED (real ERPNext documents; a few minutes)"
	bench --site "$SITE" crm-suite demo --customers "$CUSTOMERS" --seed "$SEED"
fi

# ---- 4. start ----------------------------------------------------------------------------------------
URL="http://$SITE:$PORT/app/crm-suite"
if [ "$START" = 1 ]; then
	say "Starting socket.io and the web server (logs in $BENCH/logs/)"
	nohup node apps/frappe/socketio.js >logs/socketio.log 2>&1 &
	nohup bench serve --port "$PORT" >logs/web.log 2>&1 &
	for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/method/ping" && break; sleep 1; done
fi
cat <<MSG

crm_suite is ready.
  URL:    $URL   (*.localhost names resolve to this machine in browsers)
  Login:  Administrator / $ADMIN_PW
  Tests:  scripts/test.sh
MSG
