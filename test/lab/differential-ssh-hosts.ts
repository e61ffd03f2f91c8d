// The fixture inventory's hosts (h1, h2, h3: same groups, same variables) placed on real lab hosts, reached over
// SSH as root with the lab key and strict host-key checking, for the differential harness. Each engine's output
// directory exists on every lab host and on the controller (for delegate_to localhost, local_action, fetch and
// hosts added with the local connection); the files are read back over OpenSSH, with their mode and owner.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { quote } from '../../engine/connection/index.js'
import { FIXTURES, readTree, type Hosts } from '../differential/harness.js'
import { labVars } from '../helpers/lab-ssh.js'
import { labHosts, sshCheck, type LabHost } from './helpers.js'

/** The lab side of the harness, plus `cleanup` to remove every output directory it made. */
export interface LabFixtureHosts extends Hosts {
  /** Which lab host each fixture host (inventory name) is. */
  readonly placement: ReadonlyMap<string, LabHost>
  readonly cleanup: () => Promise<void>
}

const iniValue = (value: unknown): string => (/\s/.test(String(value)) ? `'${String(value)}'` : String(value))

/**
 * The fixture inventory with every `ansible_connection=local` host moved to the next running lab host, in
 * inventory order; everything else (groups, group and host variables) is kept as written.
 */
function labInventory(hosts: readonly LabHost[]): { text: string; placement: Map<string, LabHost> } {
  const placement = new Map<string, LabHost>()
  const text = readFileSync(join(FIXTURES, 'inventory.ini'), 'utf8').replace(/^(\S+)(.*)\bansible_connection=local\b/gm, (_, name: string, rest: string) => {
    const host = hosts[placement.size]
    if (host === undefined) throw new Error(`the SSH differential suite needs ${placement.size + 1} running lab hosts`)
    placement.set(name, host)
    return `${name}${rest}${Object.entries(labVars(host)).map(([k, v]) => `${k}=${iniValue(v)}`).join(' ')}`
  })
  return { text, placement }
}

// One record per regular file (links followed): its path, then mode, owner and base64 content on one line.
const LIST = (out: string): string =>
  `cd ${quote(out)} && find -L . -type f | LC_ALL=C sort | while IFS= read -r f; do printf '%s\\n%s ' "\${f#./}" "$(stat -L -c '%a %U:%G' "$f")"; base64 -w0 < "$f"; echo; done`

async function readHost(name: string, host: LabHost, out: string): Promise<Record<string, string>> {
  const lines = (await sshCheck(host.address, LIST(out))).split('\n')
  const files: Record<string, string> = {}
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [mode, owner, data = ''] = lines[i + 1]!.split(' ')
    files[`${name}:${lines[i]}`] = `${mode} ${owner}\n${Buffer.from(data, 'base64').toString('utf8').replaceAll(out, '<out>')}`
  }
  return files
}

/** Place the fixture hosts on the first running lab hosts and write their inventory. */
export function labFixtureHosts(): LabFixtureHosts {
  const { text, placement } = labInventory(labHosts())
  const dir = mkdtempSync(join(tmpdir(), 'diff-ssh-inventory-'))
  const inventory = join(dir, 'inventory.ini')
  writeFileSync(inventory, text)
  const outs: string[] = []
  const onHosts = (command: string): Promise<unknown> => Promise.all([...placement.values()].map((h) => sshCheck(h.address, command)))
  return {
    inventory,
    placement,
    // Host keys are checked (ansible's default, which the local suite turns off), as the inventory's ssh args ask.
    env: { ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_PIPELINING: 'True' },
    makeOut: async (label) => {
      const out = mkdtempSync(join(tmpdir(), `diff-ssh-${label}-`))
      outs.push(out)
      await onHosts(`mkdir -p ${quote(out)}`)
      return out
    },
    readOut: async (out) => {
      const files: Record<string, string> = {}
      for (const [path, content] of Object.entries(readTree(out))) files[`localhost:${path}`] = content
      for (const [name, host] of placement) Object.assign(files, await readHost(name, host, out))
      return files
    },
    cleanup: async () => {
      if (outs.length > 0) await onHosts(`rm -rf ${outs.map(quote).join(' ')}`)
      for (const out of outs.splice(0)) rmSync(out, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
