// Which lab hosts `tsplay test` uses. It never touches the hosts of `tsplay lab up N` (lab1…labN): it takes hosts
// from its own range (lab101…lab200 without the hosts `lab up` made, or all of TSPLAY_TEST_HOSTS=FIRST-LAST),
// claims each one with a file holding its PID so that two test runs at once never share a host, boots them fresh
// and marks them as its own (so that `lab up` leaves them alone), and removes them at the end.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { TsplayError, UsageError } from '../errors.js'
import { existingHosts, freshHosts, hostAddress, hostIndex, ownerOf, paths, pidExists, removeHost, STATE_DIR } from '../lab/index.js'

/** The owner mark `tsplay test` puts on its hosts. */
export const OWNER = 'tsplay test'
const DEFAULT_RANGE = 'lab101-lab200'
const CLAIMS = join(STATE_DIR, 'test-claims')

/** The host numbers of TSPLAY_TEST_HOSTS (`lab11-lab20` or `11-20`), else of lab101…lab200. */
export function testRange(spec = process.env['TSPLAY_TEST_HOSTS'] ?? DEFAULT_RANGE): number[] {
  const match = /^(?:lab)?(\d+)-(?:lab)?(\d+)$/.exec(spec.trim())
  const [first, last] = match ? [hostIndex(`lab${match[1]}`), hostIndex(`lab${match[2]}`)] : [undefined, undefined]
  if (first === undefined || last === undefined || last < first) throw new UsageError(`TSPLAY_TEST_HOSTS: expected a range of lab hosts such as lab101-lab200, got '${spec}'`)
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}

/** Take host `name` for this process unless a live process holds it; stale claims are taken over. */
function claim(name: string): boolean {
  const file = join(CLAIMS, name)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      return true
    } catch {
      const holder = Number(readText(file).trim())
      if (Number.isInteger(holder) && holder > 0 && pidExists(holder)) return false
      rmSync(file, { force: true })
    }
  }
  return false
}

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Test hosts claimed by this process. */
export interface TestHosts {
  readonly names: readonly string[]
  /** Lines of an ansible inventory for these hosts (connection variables of the lab). */
  inventory(groups: readonly string[]): string
  /** Boot them fresh (removing what was left of them). */
  create(say?: (line: string) => void): Promise<void>
  /** Remove the hosts and give up the claims. */
  destroy(): Promise<void>
  /** Give up the claims and leave the hosts running (--keep). */
  release(): void
}

/**
 * Claim `count` free hosts of the test range; throws when the range has fewer free hosts. Hosts of `lab up` in
 * the default range are left alone; a range given by TSPLAY_TEST_HOSTS is the user's word that its hosts are
 * for tests, and they are recreated.
 */
export function claimTestHosts(count: number, range = testRange(), adopt = process.env['TSPLAY_TEST_HOSTS'] !== undefined): TestHosts {
  mkdirSync(CLAIMS, { recursive: true })
  const existing = new Set(existingHosts())
  const names: string[] = []
  for (const i of range) {
    if (names.length === count) break
    const name = `lab${i}`
    // a host of `lab up N` that reaches into the range is someone's: never taken
    if (existing.has(name) && ownerOf(name) !== OWNER && !adopt) continue
    if (claim(name)) names.push(name)
  }
  const release = (): void => names.forEach((name) => rmSync(join(CLAIMS, name), { force: true }))
  if (names.length < count) {
    release()
    throw new TsplayError(`need ${count} lab host${count > 1 ? 's' : ''} for the test, but only ${names.length} of lab${range[0]}-lab${range.at(-1)} are free (TSPLAY_TEST_HOSTS sets the range)`)
  }
  return {
    names,
    inventory: (groups) => inventoryText(names, groups),
    create: (say) => freshHosts(names, OWNER, say),
    destroy: async () => {
      try {
        for (const name of names) await removeHost(name)
      } finally {
        release()
      }
    },
    release,
  }
}

/** An INI inventory of the test hosts, in `all` and in each of `groups`. */
function inventoryText(names: readonly string[], groups: readonly string[]): string {
  const lines = names.map((name) => `${name} ansible_host=${hostAddress(hostIndex(name)!)}`)
  const vars = [
    'ansible_user=root',
    `ansible_ssh_private_key_file=${paths.key}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${paths.knownHosts} -o StrictHostKeyChecking=yes'`,
    // hosts are recreated between test runs with new keys: a kept connection must never serve them
    "ansible_ssh_args='-o ControlMaster=no'",
    'tsplay_lab=true',
  ]
  return [
    '# Written by tsplay test for its fresh lab hosts\n[test_hosts]\n',
    lines.map((l) => `${l}\n`).join(''),
    ...groups.map((g) => `\n[${g}:children]\ntest_hosts\n`),
    `\n[all:vars]\n${vars.map((v) => `${v}\n`).join('')}`,
  ].join('')
}
