#!/usr/bin/env bash
# The README's main job, N times in a row (default 10), each from a fresh clone of this repository's HEAD on freshly
# created lab hosts lab1..lab6: what a newcomer gets on a fresh machine. Prints one line per run and a summary;
# exits non-zero unless every run passed. A run passes when the command exits 0 and its PLAY RECAP shows six
# hosts with failed=0 and unreachable=0.
#
#   bash test/soak/main-job.sh [N] [--lock FILE]
#
# --lock FILE holds flock(1) on FILE during each run (not between runs), for machines where other lab users take
# the same lock. Other lab hosts must be owned by a tool (`tsplay test`, the benchmark): the main job's `lab up 6`
# puts every unowned host in its inventory, which a fresh machine does not have.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=10 lock=
while (($#)); do
  case $1 in
    --lock) lock=$2; shift 2 ;;
    *) runs=$1; shift ;;
  esac
done
main_job=$(grep -m1 '# the main job$' "$repo/README.md" | sed 's/#[^#]*$//')
[[ -n $main_job ]] || { echo "main-job.sh: no line ending in '# the main job' in README.md" >&2; exit 2; }
lab_dir=${TSPLAY_LAB_DIR:-/var/lib/tsplay-lab}/run/hosts
tsplay=(node "$repo/bin/tsplay.js")

stray_hosts() {
  local dir name
  for dir in "$lab_dir"/lab*; do
    [[ -d $dir ]] || continue
    name=${dir##*/}
    case $name in lab[1-6]) continue ;; esac
    [[ -s $dir/owner ]] || echo "$name"
  done
}

one_run() {
  local n=$1 clone log start code recap
  clone=$(mktemp -d /tmp/tsplay-main-job.XXXXXX)
  log=$clone.log
  git clone -q "$repo" "$clone"
  local stray; stray=$(stray_hosts | tr '\n' ' ')
  if [[ -n $stray ]]; then echo "run $n: lab hosts no tool owns would join the main job's inventory: $stray" >&2; return 1; fi
  local fresh=(); for h in lab1 lab2 lab3 lab4 lab5 lab6; do [[ -d $lab_dir/$h ]] && fresh+=("$h"); done
  ((${#fresh[@]} == 0)) || "${tsplay[@]}" lab remove "${fresh[@]}" > /dev/null
  start=$(date +%s)
  set +e
  (cd "$clone" && bash -c "$main_job") > "$log" 2>&1
  code=$?
  set -e
  recap=$(sed -n '/^PLAY RECAP/,$p' "$log" | grep -cE '^lab[1-6] +: .* failed=0 +skipped=[0-9]+ +rescued=[0-9]+ +ignored=[0-9]+' || true)
  local unreachable; unreachable=$(sed -n '/^PLAY RECAP/,$p' "$log" | grep -cE 'unreachable=[1-9]' || true)
  local verdict=passed
  if ((code != 0 || recap != 6 || unreachable != 0)); then verdict=FAILED; fi
  printf 'run %d: %s, exit %d, %d of 6 hosts without failures, %d s (log %s)\n' "$n" "$verdict" "$code" "$recap" $(($(date +%s) - start)) "$log"
  [[ $verdict == passed ]] && rm -rf "$clone"
  [[ $verdict == passed ]]
}

passed=0
for ((i = 1; i <= runs; i++)); do
  if [[ -n $lock ]]; then
    exec {fd}> "$lock"; flock "$fd"
    if one_run "$i"; then passed=$((passed + 1)); fi
    exec {fd}>&-
  elif one_run "$i"; then passed=$((passed + 1)); fi
done
echo "main job: $passed of $runs fresh runs passed"
((passed == runs))
