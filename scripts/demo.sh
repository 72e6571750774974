#!/bin/sh
# demo.sh - what sipwhy does, on a bundled AudioCodes log (make demo).
bin=${SIPWHY:-./sipwhy}
log=tests/fixtures/audiocodes-viewer.log
echo "\$ sipwhy $log      # an excerpt: the log, and the annotation after a failure"
"$bin" --color=never "$log" | grep -B12 -A6 -m1 '^\[sipwhy\] FAILED' | cut -c1-160
echo
echo "\$ sipwhy -o json -s none $log | jq -c '[.status, .ms_code, .ms_code_source, .generated_by]'"
"$bin" -o json -s none "$log" | while IFS= read -r l; do
	if command -v jq >/dev/null 2>&1; then printf '%s\n' "$l" | jq -c '[.status, .ms_code, .ms_code_source, .generated_by]'
	else printf '%s\n' "$l"; fi
done
echo
echo "\$ sipwhy -o summary $log tests/fixtures/audiocodes-oneline.log"
"$bin" -o summary "$log" tests/fixtures/audiocodes-oneline.log
[ $? -le 1 ]
