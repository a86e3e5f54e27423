#!/usr/bin/env bash
# NAB evaluation of the anomaly detector: builds bench/Nab and scores the detector and baselines.
# Usage: bench/nab.sh [nab-folder] [--files]   (default folder: ../shared/nab from the repository root)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dotnet build "$root/bench/Nab" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$root/bench/Nab/bin/Release/net10.0/Tollgate.Nab.dll" "${@:-$root/../shared/nab}"
