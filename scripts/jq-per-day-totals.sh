#!/usr/bin/env bash
# Per-day totals of a metric in a CMU HAL report, with jq: the baseline the report parser is
# measured against (see docs/benchmarks.md). Prints "YYYY-MM-DD TOTAL" lines on stdout, in the
# same form as `cargo run --release -p cmu-core --example parse_report_file -- FILE`, and the
# elapsed time and throughput on stderr.
#
# Usage: scripts/jq-per-day-totals.sh FILE [METRIC]   (METRIC defaults to active-sessions)
set -euo pipefail

file=${1:?usage: $0 FILE [METRIC]}
metric=${2:-active-sessions}

if ! command -v jq >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "jq is missing: installing it with apt-get" >&2
        apt-get install -y jq >/dev/null
    else
        echo "jq is missing: install it (e.g. sudo apt-get install -y jq)" >&2
        exit 1
    fi
fi

start=$(date +%s.%N)
# Numbers may be JSON strings or numbers, and may be null: `// 0` then `tonumber` covers all.
# group_by sorts, which is jq's fast way to aggregate: a `reduce` into an object keyed by day
# took 20x longer on 1M rows (12,500 days). Grouping on the numeric [year, month, day] keeps
# days in calendar order. Months and days are zero-padded to match the Rust example's output.
jq -r --arg m "$metric" '
  def pad: tostring | if length < 2 then "0" + . else . end;
  (.report // [])
  | group_by([.year, .month, .day] | map(tonumber? // .))
  | .[]
  | "\(.[0].year | tostring)-\(.[0].month | pad)-\(.[0].day | pad) \(map((.[$m] // 0) | tonumber) | add)"
' "$file"
end=$(date +%s.%N)

bytes=$(stat -c %s "$file")
awk -v s="$start" -v e="$end" -v b="$bytes" 'BEGIN {
  t = e - s; printf "jq: %.1f MB in %.2f s: %.1f MB/s\n", b / 1e6, t, b / 1e6 / t > "/dev/stderr" }'
