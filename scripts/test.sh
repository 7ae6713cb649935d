#!/usr/bin/env bash
# Runs every test layer of crm_suite and prints one final line "N passed, N failed".
#
#   scripts/test.sh            pure tests always; with a bench: integration tests on a dedicated
#                              test site, the install/uninstall lifecycle check, browser checks.
#
# Environment:
#   CRM_SUITE_BENCH              bench directory (default ~/frappe-bench)
#   CRM_SUITE_TEST_SITE          test site (default crm_suite_test.localhost; never the demo site)
#   CRM_SUITE_DB_ROOT_PASSWORD   MariaDB root password for creating sites (default: the bench's
#                                common_site_config "root_password")
#   CRM_SUITE_SKIP_LIFECYCLE=1   skip the fresh-site install/migrate/uninstall check
#   CRM_SUITE_FRESH_SITE=1       drop and recreate the test site first
#   CRM_SUITE_WEB_PORT           port for the browser checks' web server (default 8011)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${CRM_SUITE_BENCH:-$HOME/frappe-bench}
SITE=${CRM_SUITE_TEST_SITE:-crm_suite_test.localhost}
WEB_PORT=${CRM_SUITE_WEB_PORT:-8011}
OUT=$REPO/.ci/out
mkdir -p "$OUT"
rm -f "$OUT"/*.xml
PASSED=0
FAILED=0
START=$(date +%s)

log() { printf '[test] %s\n' "$*"; }

# Add a layer's counts from its JUnit XML; a layer that produced no XML counts as one failure.
count() {
	local name=$1 xml=$2 rc=$3
	if [ -s "$xml" ]; then
		read -r p f < <(python3 "$REPO/scripts/junit_counts.py" "$xml")
		PASSED=$((PASSED + p))
		FAILED=$((FAILED + f))
		log "$name: $p passed, $f failed"
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			FAILED=$((FAILED + 1))
			log "$name: exited $rc with no failing test recorded; counted as one failure"
		fi
	else
		FAILED=$((FAILED + 1))
		log "$name: no results (exit $rc); counted as one failure"
	fi
}

finish() {
	log "took $(($(date +%s) - START))s"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit $?
}

# ---- layer 1: pure tests (no frappe) -------------------------------------------------------------
# The engine imports only the standard library plus phonenumbers and rapidfuzz, which Frappe ships:
# use a Python that has them (the bench's, else python3), or a throwaway venv with them from PyPI.
PURE_IMPORTS="import pytest, phonenumbers, rapidfuzz"
PY=python3
if [ -x "$BENCH/env/bin/python" ] && "$BENCH/env/bin/python" -c "$PURE_IMPORTS" 2>/dev/null; then
	PY=$BENCH/env/bin/python
elif ! python3 -c "$PURE_IMPORTS" 2>/dev/null; then
	python3 -m venv "$OUT/venv" && "$OUT/venv/bin/pip" -q install pytest phonenumbers rapidfuzz \
		&& PY=$OUT/venv/bin/python
fi
(cd "$REPO" && "$PY" -m pytest tests -q -p no:cacheprovider --junitxml="$OUT/pure.xml")
count "pure tests" "$OUT/pure.xml" $?

if [ ! -x "$BENCH/env/bin/python" ] || [ ! -d "$BENCH/apps/frappe" ]; then
	log "no Frappe bench at $BENCH (set CRM_SUITE_BENCH): integration, lifecycle and browser tests not run"
	finish
fi

# ---- bench: services and the checkout under test -------------------------------------------------
# shellcheck source=scripts/bench_lib.sh
source "$REPO/scripts/bench_lib.sh"
trap 'bench_restore' EXIT
bench_start_services || { FAILED=$((FAILED + 1)); log "could not start MariaDB/Redis"; finish; }
bench_link_checkout "$REPO" || { FAILED=$((FAILED + 1)); log "could not link the checkout into the bench"; finish; }

# ---- layer 2: integration tests on the dedicated test site ---------------------------------------
if bench_prepare_site "$SITE" "${CRM_SUITE_FRESH_SITE:-0}"; then
	(CI=1 frappe_cmd --site "$SITE" run-tests --app crm_suite --junit-xml-output "$OUT/integration.xml")
	count "integration tests" "$OUT/integration.xml" $?
else
	FAILED=$((FAILED + 1))
	log "could not create or migrate $SITE"
fi

# ---- layer 3: install / migrate twice / uninstall on a fresh site --------------------------------
if [ "${CRM_SUITE_SKIP_LIFECYCLE:-0}" != 1 ]; then
	CRM_SUITE_BENCH=$BENCH python3 "$REPO/scripts/lifecycle_check.py" "$OUT/lifecycle.xml"
	count "lifecycle check" "$OUT/lifecycle.xml" $?
fi

# ---- layer 4: browser checks ---------------------------------------------------------------------
if bench_start_web "$SITE" "$WEB_PORT"; then
	(cd "$REPO" && CRM_SUITE_URL="http://$SITE:$WEB_PORT" CRM_SUITE_SCREENSHOTS="$OUT/screenshots" \
		"$BENCH/env/bin/python" -m pytest browser_tests -q -p no:cacheprovider --junitxml="$OUT/browser.xml")
	count "browser checks" "$OUT/browser.xml" $?
else
	FAILED=$((FAILED + 1))
	log "could not start the web server for browser checks"
fi

finish
