#!/usr/bin/env bash
# NAB evaluation of the anomaly detector: builds bench/Nab and scores the detector and baselines,
# in-sample and by leave-one-category-out cross-validation, with and without the ML.NET pattern detector.
# Usage: bench/nab.sh [nab-folder] [--files] [--no-cv]   (default folder: ../shared/nab from the repository root)
#        bench/nab.sh [nab-folder] --cv-search [--balanced | --transfer] [--rounds N] [--margin M] [--two-starts]   settings searched afresh within each fold
#        bench/nab.sh [nab-folder] --cv-grid   settings chosen within each fold from a fixed grid, every combination tried (about 10 minutes on 2 cores)
#        bench/nab.sh [nab-folder] --by-category   the threshold alone cross-validated, and each setting put back to its hand-set value
#        bench/nab.sh [nab-folder] --cv-fixed | --holdout | --search | --tune | --explore
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dotnet build "$root/bench/Nab" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$root/bench/Nab/bin/Release/net10.0/Tollgate.Nab.dll" "${@:-$root/../shared/nab}"
