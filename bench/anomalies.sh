#!/usr/bin/env bash
# Anomaly detector benchmarks that need no data set: mix anomalies on synthetic projects (shift
# found within 6 hours, delay, false alarms per project-week) and detector cost (points/s and
# memory per series, detection time of a scan of 10,000 series x 5 weeks of hours).
# Usage: bench/anomalies.sh [--quick]   (--quick: 1,000 series for the scan)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dotnet build "$root/bench/Nab" -c Release -nologo -v quiet -clp:ErrorsOnly
dll="$root/bench/Nab/bin/Release/net10.0/Tollgate.Nab.dll"
dotnet "$dll" --mix
echo
dotnet "$dll" --cost "$@"
