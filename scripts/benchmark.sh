#!/usr/bin/env bash
# Runs crm_suite's benchmarks on the bench, results as JSON in benchmarks/results/.
#
#   scripts/benchmark.sh [NAME]     (default: all benchmarks)
#
# The overhead benchmark compares the test site (ERPNext + crm_suite) with a baseline site that has
# ERPNext alone, on the same bench, in the same process; both are created on first use.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${CRM_SUITE_BENCH:-$HOME/frappe-bench}
SITE=${CRM_SUITE_BENCH_SITE:-crm_suite_bench.localhost}
BASELINE=${CRM_SUITE_BASELINE_SITE:-erpnext_baseline.localhost}
ROUNDS=${CRM_SUITE_BENCH_ROUNDS:-6}
# shellcheck source=scripts/bench_lib.sh
source "$REPO/scripts/bench_lib.sh"
trap 'bench_restore' EXIT
bench_start_services || exit 1
bench_link_checkout "$REPO" || exit 1
bench_prepare_site "$SITE" 0 || exit 1
if [ ! -d "$BENCH/sites/$BASELINE" ]; then
	pw=${CRM_SUITE_DB_ROOT_PASSWORD:-$(cd "$BENCH" && _conf root_password "")}
	frappe_cmd new-site "$BASELINE" --db-root-password "$pw" --admin-password admin --install-app erpnext || exit 1
fi
frappe_cmd --site "$SITE" crm-suite benchmark ${1:-} --baseline-site "$BASELINE" --rounds "$ROUNDS"
