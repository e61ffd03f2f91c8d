import { type Command, raw, sh } from '../../engine/connection/index.js'

/** Messages package managers print when another process holds their lock (apt/dpkg, dnf/yum, rpm). */
const LOCK_MESSAGES = [
  'Could not get lock',
  'Unable to acquire the dpkg frontend lock',
  'Unable to lock directory',
  'dpkg status database is locked',
  'is locked by another process',
  'Waiting for process with pid',
  'another app is currently holding the yum lock',
  'can\'t create transaction lock',
].join('|')

/**
 * Wrap a package manager command so that, while another process (unattended-upgrades, a second tsplay)
 * holds the package lock, it is retried every few seconds for up to `timeoutSeconds` instead of failing.
 * Output and exit code are those of the last attempt; each wait is noted on stderr.
 */
export function waitForLock(command: Command, timeoutSeconds: number): Command {
  // Subshells: the attempt's output is inspected before deciding to retry, and `exit` ends only the wrapper.
  return sh`(tsplay_deadline=$(( $(date +%s) + ${timeoutSeconds} ))
tsplay_out=$(mktemp) && tsplay_err=$(mktemp) || exit 1
trap 'rm -f -- "$tsplay_out" "$tsplay_err"' EXIT
while :; do
  ( ${raw(command)} ) >"$tsplay_out" 2>"$tsplay_err"
  tsplay_rc=$?
  if [ "$tsplay_rc" -ne 0 ] && grep -Eq ${LOCK_MESSAGES} "$tsplay_err" && [ "$(date +%s)" -lt "$tsplay_deadline" ]; then
    echo "tsplay: package manager lock is held by another process, waiting" >&2
    sleep 3
    continue
  fi
  cat -- "$tsplay_out"
  cat -- "$tsplay_err" >&2
  exit "$tsplay_rc"
done)`
}
