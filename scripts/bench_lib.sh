# Shared by scripts/test.sh, scripts/lifecycle_check.py and scripts/benchmark.sh; sourced, not run.
# Everything these functions change in the bench is undone by bench_restore.
#
# Needs: BENCH (bench directory). Uses frappe's own CLI entry point, so the `bench` command
# itself is optional.

_STARTED_PIDS=()
_STARTED_REDIS=()
_STARTED_DB=0
_LINK_BACKUP=""
_LINKED=0
_APPS_TXT_BACKUP=""
_ASSETS_LINK_CREATED=0
_PIP_HAD_APP=0

frappe_cmd() {
	(cd "$BENCH/sites" && "$BENCH/env/bin/python" -m frappe.utils.bench_helper frappe "$@")
}

_conf() { # _conf KEY DEFAULT -> value from sites/common_site_config.json
	"$BENCH/env/bin/python" - "$1" "${2:-}" <<'PY'
import json, sys
try:
	conf = json.load(open("sites/common_site_config.json"))
except OSError:
	conf = {}
print(conf.get(sys.argv[1], sys.argv[2]))
PY
}

_db_up() { mysqladmin --protocol=tcp -h 127.0.0.1 ping >/dev/null 2>&1 || mysqladmin ping >/dev/null 2>&1; }

bench_start_services() {
	cd "$BENCH" || return 1
	if ! _db_up; then
		echo "[bench] starting MariaDB"
		if command -v service >/dev/null && service mariadb start >/dev/null 2>&1; then :; else
			(mysqld_safe >/dev/null 2>&1 &)
		fi
		_STARTED_DB=1
		for _ in $(seq 60); do _db_up && break; sleep 1; done
		_db_up || return 1
	fi
	local conf port
	for conf in config/redis_cache.conf config/redis_queue.conf; do
		[ -f "$conf" ] || continue
		port=$(awk '/^port/ {print $2}' "$conf")
		if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
			echo "[bench] starting Redis on $port"
			redis-server "$conf" --daemonize yes --bind 127.0.0.1 >/dev/null || return 1
			_STARTED_REDIS+=("$port")
		fi
	done
	return 0
}

# pip writes the symlink's resolved target into the editable .pth; a CI clone that is deleted
# afterwards would leave the bench unable to import crm_suite. Point it at apps/crm_suite itself,
# so swapping the symlink is all it takes to switch checkouts.
_pin_pth() {
	local pth
	for pth in "$BENCH"/env/lib/python3*/site-packages/crm_suite.pth; do
		[ -f "$pth" ] && echo "$BENCH/apps/crm_suite" >"$pth"
	done
	return 0
}

# Point the bench's crm_suite at a checkout for this run; bench_restore puts the old one back.
bench_link_checkout() {
	local repo=$1 app="$BENCH/apps/crm_suite"
	if [ -L "$app" ] && [ "$(readlink -f "$app")" = "$(readlink -f "$repo")" ]; then
		:
	else
		if [ -e "$app" ] || [ -L "$app" ]; then
			_LINK_BACKUP="$BENCH/apps/.crm_suite.before-test.$$"
			mv "$app" "$_LINK_BACKUP" || return 1
			_PIP_HAD_APP=1
		fi
		ln -s "$repo" "$app" || return 1
		_LINKED=1
	fi
	if ! grep -qx crm_suite "$BENCH/sites/apps.txt"; then
		_APPS_TXT_BACKUP=$(mktemp)
		cp "$BENCH/sites/apps.txt" "$_APPS_TXT_BACKUP"
		# apps.txt may lack a trailing newline
		[ -n "$(tail -c1 "$BENCH/sites/apps.txt")" ] && echo >>"$BENCH/sites/apps.txt"
		echo crm_suite >>"$BENCH/sites/apps.txt"
	fi
	# Test tooling frappe lists as dev dependencies (`bench setup requirements --dev`).
	"$BENCH/env/bin/python" -c "import xmlrunner, playwright" 2>/dev/null \
		|| "$BENCH/env/bin/pip" install -q unittest-xml-reporting playwright pytest >/dev/null || return 1
	# crm_suite's own dependencies (pyproject: numpy, scipy), which `pip install --no-deps` skips
	"$BENCH/env/bin/python" -c "import numpy, scipy" 2>/dev/null \
		|| "$BENCH/env/bin/pip" install -q "numpy>=1.24" "scipy>=1.10" >/dev/null || return 1
	"$BENCH/env/bin/pip" install -q --no-deps --no-build-isolation -e "$app" >/dev/null 2>&1 \
		|| "$BENCH/env/bin/pip" install -q --no-deps -e "$app" >/dev/null || return 1
	_pin_pth
	if [ ! -e "$BENCH/sites/assets/crm_suite" ] && [ -d "$BENCH/sites/assets" ]; then
		ln -s "$app/crm_suite/public" "$BENCH/sites/assets/crm_suite" && _ASSETS_LINK_CREATED=1
	fi
	return 0
}

# Create (or migrate) a site with ERPNext and crm_suite that allows tests.
bench_prepare_site() {
	local site=$1 fresh=${2:-0} pw=${CRM_SUITE_DB_ROOT_PASSWORD:-}
	[ -n "$pw" ] || pw=$(cd "$BENCH" && _conf root_password "")
	if [ "$fresh" = 1 ] && [ -d "$BENCH/sites/$site" ]; then
		frappe_cmd drop-site "$site" --db-root-password "$pw" --force --no-backup || return 1
	fi
	if [ ! -d "$BENCH/sites/$site" ]; then
		echo "[bench] creating $site (ERPNext + crm_suite)"
		frappe_cmd new-site "$site" --db-root-password "$pw" --admin-password admin \
			--install-app erpnext --install-app crm_suite || return 1
	else
		if ! frappe_cmd --site "$site" list-apps 2>/dev/null | grep -q '^crm_suite'; then
			frappe_cmd --site "$site" install-app crm_suite || return 1
		fi
		echo "[bench] migrating $site"
		frappe_cmd --site "$site" migrate || return 1
	fi
	frappe_cmd --site "$site" set-config allow_tests true >/dev/null || return 1
}

# Web server and socket.io, as `bench start` runs them (without socket.io the desk logs errors).
# socket.io authenticates each browser by calling the site back at the page's origin, so the site
# name must resolve on this machine: the same /etc/hosts line `bench --site S add-to-hosts` writes.
bench_start_web() {
	local site=$1 port=$2 sio_port
	cd "$BENCH" || return 1
	if ! getent hosts "$site" >/dev/null; then
		if [ -w /etc/hosts ]; then
			echo "127.0.0.1 $site" >>/etc/hosts
		else
			echo "[bench] $site does not resolve; run: bench --site $site add-to-hosts" >&2
		fi
	fi
	sio_port=$(_conf socketio_port 9000)
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$sio_port") 2>/dev/null; then
		node apps/frappe/socketio.js >"$BENCH/logs/crm_suite_test_socketio.log" 2>&1 &
		_STARTED_PIDS+=($!)
	fi
	# intake assigns tickets in a background job after commit, as in production: run a worker
	frappe_cmd worker --queue short,default >"$BENCH/logs/crm_suite_test_worker.log" 2>&1 &
	_STARTED_PIDS+=($!)
	# DEV_SERVER=1 is what `bench serve` sets: the desk then looks for socket.io on its own port.
	DEV_SERVER=1 frappe_cmd --site "$site" serve --port "$port" --noreload --nothreading \
		>"$BENCH/logs/crm_suite_test_web.log" 2>&1 &
	_STARTED_PIDS+=($!)
	for _ in $(seq 60); do
		curl -s -o /dev/null "http://127.0.0.1:$port/api/method/ping" && return 0
		kill -0 "${_STARTED_PIDS[-1]}" 2>/dev/null || return 1
		sleep 1
	done
	return 1
}

bench_restore() {
	local pid
	for pid in "${_STARTED_PIDS[@]}"; do
		pkill -P "$pid" 2>/dev/null
		kill "$pid" 2>/dev/null
	done
	_STARTED_PIDS=()
	if [ "$_ASSETS_LINK_CREATED" = 1 ]; then
		rm -f "$BENCH/sites/assets/crm_suite"
		_ASSETS_LINK_CREATED=0
	fi
	if [ -n "$_APPS_TXT_BACKUP" ]; then
		cp "$_APPS_TXT_BACKUP" "$BENCH/sites/apps.txt" && rm -f "$_APPS_TXT_BACKUP"
		_APPS_TXT_BACKUP=""
	fi
	if [ "$_LINKED" = 1 ]; then
		rm -f "$BENCH/apps/crm_suite"
		if [ -n "$_LINK_BACKUP" ]; then
			mv "$_LINK_BACKUP" "$BENCH/apps/crm_suite"
			"$BENCH/env/bin/pip" install -q --no-deps --no-build-isolation -e "$BENCH/apps/crm_suite" >/dev/null 2>&1
			_pin_pth
		else
			"$BENCH/env/bin/pip" uninstall -q -y crm_suite >/dev/null 2>&1
		fi
		_LINKED=0
		_LINK_BACKUP=""
	fi
	local port
	for port in "${_STARTED_REDIS[@]}"; do
		redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1
	done
	_STARTED_REDIS=()
	if [ "$_STARTED_DB" = 1 ]; then
		(service mariadb stop >/dev/null 2>&1 || mysqladmin shutdown >/dev/null 2>&1)
		_STARTED_DB=0
	fi
}
