// The playbook cases compared with ansible-playbook: a fixture folder and the extra command-line arguments.
// Shared by the local suite (playbooks.test.ts) and the SSH suite on lab hosts (test/lab/differential-ssh.test.ts).

/** One compared run: the case folder under test/fixtures/playbooks and its extra arguments. */
export type Case = readonly [name: string, args: readonly string[]]

/** The engine cases: runner semantics, written files and verdicts that must match ansible-playbook's. */
export const PLAYBOOK_CASES: readonly Case[] = [
  ['handlers', []],
  ['handlers', ['--force-handlers']],
  ['loops', []],
  ['loops', ['--check']],
  ['register', []],
  ['blocks', []],
  ['failures', []],
  ['tags', []],
  ['tags', ['--tags', 'a,blk']],
  ['tags', ['--tags', 'debug']],
  ['tags', ['--skip-tags', 'b,always']],
  ['tags', ['--tags', 'untagged']],
  ['tags', ['--tags', 'tagged']],
  ['includes', []],
  ['roles', []],
  ['delegation', []],
  ['serial', []],
  ['retries', []],
  ['checkmode', []],
  ['checkmode', ['--check']],
  ['logic', []],
  ['unreachable', ['-i', 'extra.ini']],
  ['precedence', []],
  ['precedence', ['-e', 'x=extra a=extra']],
  ['sections', []],
  ['sections', ['--force-handlers']],
  ['fatal', []],
  ['allfailed', []],
  ['meta', []],
  ['meta', ['--tags', 'applied']],
  ['meta', ['--start-at-task', 'omit drops an argument']],
  ['converge', []],
  ['converge', ['--check', '--diff']],
  ['vars', ['-e', 'extra_level=extra']],
  ['vars', ['--limit', 'web', '-e', '{"extra_level": 5}']],
  ['yaml11', []],
  ['lone', []],
  ['rolenames', []],
  ['compat', []],
]

/** The module-family cases (files.test.ts, commands.test.ts, packages.test.ts locally). */
export const MODULE_CASES: readonly Case[] = [
  ['files', []],
  ['commands', []],
  ['commands', ['--check']],
  ['packages', []],
]
