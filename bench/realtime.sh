#!/usr/bin/env bash
# npm run bench:realtime: 10,000 WebSocket clients need as many file descriptors in this process
# (and the server as many in its own): raise the soft limit to the hard one, say what it is, then
# run the load generator (bench/realtime.ts pins itself to core 0 and the servers to core 1).
set -euo pipefail
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"
exec npx tsx bench/realtime.ts "$@"
