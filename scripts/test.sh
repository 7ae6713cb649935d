#!/usr/bin/env bash
# Runs every test layer of crm_suite and prints one final line "N passed, N failed, N skipped".
#
#   scripts/test.sh            pure tests always; with a bench: integration tests on a dedicated
#                              test site, the install/uninstall lifecycle check, browser checks.
#
# Counting is honest: a layer whose JUnit XML is missing or unreadable, that records no test, or that
# exits non-zero with no failing test recorded counts as one failure; errors (collection, setUpClass,
# teardown) are failures; a test file with no result at all is a failure. Every skipped test is listed
# with its reason, and every layer that did not run is named, just before the final line.
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
SKIPPED=0
SKIP_LINES=()
NOT_RUN=()
FINAL_NOTE=""
START=$(date +%s)

log() { printf '[test] %s\n' "$*"; }

# count NAME XML RC [--expect-files DIR]: add a layer's counts from its JUnit XML.
count() {
	local name=$1 xml=$2 rc=$3 out last p f s e line
	shift 3
	if ! out=$(cd "$REPO" && python3 scripts/junit_counts.py "$xml" "$@" 2>&1); then
		FAILED=$((FAILED + 1))
		log "$name: no readable results (exit $rc): ${out//$'\n'/ }; counted as one failure"
		return
	fi
	last=$(tail -n1 <<<"$out")
	if ! [[ $last =~ ^[0-9]+\ [0-9]+\ [0-9]+\ [0-9]+$ ]]; then
		FAILED=$((FAILED + 1))
		log "$name: could not count results ($last); counted as one failure"
		return
	fi
	read -r p f s e <<<"$last"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	SKIPPED=$((SKIPPED + s))
	while IFS= read -r line; do
		case $line in
			"skipped: "*) SKIP_LINES+=("$name: ${line#skipped: }") ;;
			"failed: "*) log "$name FAILED: ${line#failed: }" ;;
		esac
	done <<<"$out"
	log "$name: $p passed, $f failed ($e errors), $s skipped"
	if [ $((p + f + s)) = 0 ]; then
		FAILED=$((FAILED + 1))
		log "$name: no test recorded (exit $rc); counted as one failure"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		FAILED=$((FAILED + 1))
		log "$name: exited $rc with no failing test recorded; counted as one failure"
	fi
}

finish() {
	local line
	log "took $(($(date +%s) - START))s"
	for line in ${SKIP_LINES[@]+"${SKIP_LINES[@]}"}; do
		log "skipped: $line"
	done
	for line in ${NOT_RUN[@]+"${NOT_RUN[@]}"}; do
		log "NOT RUN: $line"
	done
	[ -z "$FINAL_NOTE" ] || log "$FINAL_NOTE"
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" = 0 ]
	exit $?
}

# ---- layer 1: pure tests (no frappe) -------------------------------------------------------------
# The engine imports the standard library, phonenumbers and rapidfuzz (Frappe ships them) and numpy and
# scipy (crm_suite's own dependencies): use a Python that has them (the bench's, else python3), or a
# throwaway venv with them from PyPI.
PURE_IMPORTS="import pytest, phonenumbers, rapidfuzz, numpy, scipy"
PY=python3
if [ -x "$BENCH/env/bin/python" ] && "$BENCH/env/bin/python" -c "$PURE_IMPORTS" 2>/dev/null; then
	PY=$BENCH/env/bin/python
elif ! python3 -c "$PURE_IMPORTS" 2>/dev/null; then
	python3 -m venv "$OUT/venv" && "$OUT/venv/bin/pip" -q install pytest phonenumbers rapidfuzz numpy scipy \
		&& PY=$OUT/venv/bin/python
fi
# --continue-on-collection-errors: a module that fails to import is one failure, not the end of the run;
# --expect-files: a test file with no result at all (not collected) is a failure too.
(cd "$REPO" && "$PY" -m pytest tests -q -p no:cacheprovider --continue-on-collection-errors \
	--junitxml="$OUT/pure.xml")
count "pure tests" "$OUT/pure.xml" $? --expect-files tests

if [ ! -x "$BENCH/env/bin/python" ] || [ ! -d "$BENCH/apps/frappe" ]; then
	NOT_RUN+=("integration, lifecycle and browser layers: no Frappe bench at $BENCH (set CRM_SUITE_BENCH)")
	FINAL_NOTE="only the pure layer ran (no bench): integration, lifecycle and browser layers were not run"
	finish
fi

# ---- bench: services and the checkout under test -------------------------------------------------
# shellcheck source=scripts/bench_lib.sh
source "$REPO/scripts/bench_lib.sh"
trap 'bench_restore' EXIT
BENCH_LAYERS="integration tests, lifecycle check and browser checks were not run"
bench_start_services || {
	FAILED=$((FAILED + 1))
	NOT_RUN+=("could not start MariaDB/Redis (counted as one failure): $BENCH_LAYERS")
	finish
}
# IMAP server for the email intake test (Debian's dovecot; the test skips when it is not installed)
"$REPO/scripts/mail_server.sh" start || log "dovecot did not start: the email intake test will skip"
bench_link_checkout "$REPO" || {
	FAILED=$((FAILED + 1))
	NOT_RUN+=("could not link the checkout into the bench (counted as one failure): $BENCH_LAYERS")
	finish
}

# ---- layer 2: integration tests on the dedicated test site ---------------------------------------
if bench_prepare_site "$SITE" "${CRM_SUITE_FRESH_SITE:-0}"; then
	(CI=1 frappe_cmd --site "$SITE" run-tests --app crm_suite --junit-xml-output "$OUT/integration.xml")
	count "integration tests" "$OUT/integration.xml" $? --expect-files crm_suite
else
	FAILED=$((FAILED + 1))
	log "could not create or migrate $SITE"
	NOT_RUN+=("integration tests: could not create or migrate $SITE (counted as one failure)")
fi

# ---- layer 3: install / migrate twice / uninstall on a fresh site --------------------------------
if [ "${CRM_SUITE_SKIP_LIFECYCLE:-0}" != 1 ]; then
	CRM_SUITE_BENCH=$BENCH python3 "$REPO/scripts/lifecycle_check.py" "$OUT/lifecycle.xml"
	count "lifecycle check" "$OUT/lifecycle.xml" $?
else
	NOT_RUN+=("lifecycle check: CRM_SUITE_SKIP_LIFECYCLE=1")
fi

# ---- layer 4: browser checks ---------------------------------------------------------------------
if bench_start_web "$SITE" "$WEB_PORT"; then
	(cd "$REPO" && CRM_SUITE_URL="http://$SITE:$WEB_PORT" CRM_SUITE_SCREENSHOTS="$OUT/screenshots" \
		"$BENCH/env/bin/python" -m pytest browser_tests -q -p no:cacheprovider --continue-on-collection-errors \
		--junitxml="$OUT/browser.xml")
	count "browser checks" "$OUT/browser.xml" $? --expect-files browser_tests
else
	FAILED=$((FAILED + 1))
	log "could not start the web server for browser checks"
	NOT_RUN+=("browser checks: could not start the web server on port $WEB_PORT (counted as one failure)")
fi

finish
