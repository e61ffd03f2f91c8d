/**
 * `npm run test:geerlingguy`: geerlingguy.containerd, .docker and .kubernetes (their molecule converge.yml, the
 * roles at the mirrored commit) under tsplay and ansible-playbook, each engine on freshly created lab hosts.
 * Compares per-task verdicts and host state, checks that tsplay's second run changes nothing, then compares
 * `--check` on fresh hosts. Needs the mirrors of the role repositories (and of ansible/ansible for the reference
 * ansible-core), which CI does not have: the measured results live in test/geerlingguy/RESULTS.md.
 *
 *     npm run test:geerlingguy -- [--mirror /work/.mirror] [--ansible-ref v2.17.5|system] [--roles containerd,docker,kubernetes] [--first 61]
 */
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import minimist from 'minimist'
import { parse, stringify } from 'yaml'
import { freshHosts, hostAddress, hostIndex, inventoryText, sshOptions } from '../../engine/lab/index.js'
import { extractRole, referenceAnsible, debianMirror, ROLES, serveSignedDoubles, writeVars, type RoleName } from './setup.js'
import { compareVerdicts, recapOf, taskVerdicts, type VerdictRow } from './verdicts.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const CLI = join(ROOT, 'dist/engine/cli/main.js')
const argv = minimist(process.argv.slice(2), { string: ['mirror', 'ansible-ref', 'roles'], default: { mirror: '/work/.mirror', 'ansible-ref': 'v2.17.5', roles: ROLES.join(','), first: 61 } })
const roles = String(argv['roles']).split(',') as RoleName[]
const first = Number(argv['first'])
// tsplay's hosts first, then ansible's: lab61..63 and lab64..66 by default
const hostsOf = (engine: 'tsplay' | 'ansible'): Map<RoleName, string> =>
  new Map(roles.map((r, i) => [r, `lab${first + i + (engine === 'ansible' ? roles.length : 0)}`]))

const work = mkdtempSync(join(tmpdir(), 'tsplay-geerlingguy-'))
const rolesDir = join(work, 'roles')
const say = (line: string): void => console.error(line)

interface Run {
  readonly log: string
  readonly code: number
}

function exec(command: string[], env: Record<string, string>, logFile: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: work, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    child.stdout.on('data', (d: Buffer) => (log += d.toString()))
    child.stderr.on('data', (d: Buffer) => (log += d.toString()))
    child.on('close', (code) => {
      writeFileSync(logFile, log)
      done({ log, code: code ?? -1 })
    })
  })
}

const ANSIBLE_ENV = { ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_HOST_KEY_CHECKING: '1', NO_COLOR: '1' }

async function play(engine: 'tsplay' | 'ansible', role: RoleName, host: string, label: string, check: boolean, ansible: ReturnType<typeof referenceAnsible>): Promise<Run> {
  const inventory = join(work, `${label}-${engine}-${role}.ini`)
  writeFileSync(inventory, inventoryText([host]))
  const args = [join(work, check ? `${role}-check.yml` : `${role}.yml`), '-i', inventory, '-e', `@${join(work, `${role}-vars.yml`)}`, ...(check ? ['--check'] : [])]
  const command = engine === 'tsplay' ? [process.execPath, CLI, 'run', ...args] : [...ansible.command, ...args]
  const env = engine === 'tsplay' ? { ...ANSIBLE_ENV, TSPLAY_NO_KEEPER: '1' } : { ...ANSIBLE_ENV, ...ansible.env }
  say(`${label}: ${engine} ${role} on ${host}${check ? ' --check' : ''}`)
  return exec(command, env, join(work, `${label}-${engine}-${role}.log`))
}

// Packages, the role's files and services, read over plain OpenSSH; ~/.ansible and random names left out.
const STATE_COMMAND = [
  "dpkg-query -W -f='pkg ${Package} ${Version} ${db:Status-Abbrev}\\n'",
  'for s in containerd docker kubelet; do echo "svc $s $(systemctl is-active $s 2>/dev/null) $(systemctl is-enabled $s 2>/dev/null)"; done',
  'find /etc/apt /etc/containerd /etc/docker /etc/default /etc/kubernetes /etc/modules-load.d /etc/sysctl.d /root/.kube /tmp /usr/local/bin -xdev -name "systemd-private-*" -prune -o -printf "file %p %y %m %u %l\\n" 2>/dev/null',
  'find /etc/apt /etc/containerd /etc/docker /etc/default /etc/kubernetes /etc/modules-load.d /etc/sysctl.d /root/.kube -xdev -type f -not -path "/etc/kubernetes/pki/*" -not -name "*.conf" -not -name key.json -exec md5sum {} + 2>/dev/null | sed "s/^/md5 /"',
].join('; ')

function hostState(host: string): Promise<string[]> {
  return new Promise((done) => {
    const child = spawn('ssh', [...sshOptions(), `root@${hostAddress(hostIndex(host)!)}`, STATE_COMMAND], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', () => done(out.split('\n').filter(Boolean).sort()))
  })
}

/**
 * The converge playbook for --check: without its pre-task that waits for `systemctl is-system-running` with
 * `until`, because in check mode the command does not run, so its stdout never says "running" and both engines
 * fail it after 30 tries (measured on the molecule playbook as published).
 */
function checkPlaybook(text: string): string {
  const plays = parse(text) as Record<string, unknown>[]
  for (const p of plays) if (Array.isArray(p['pre_tasks'])) p['pre_tasks'] = p['pre_tasks'].filter((t: Record<string, unknown>) => !String(t['name']).startsWith('Wait for systemd'))
  return stringify(plays)
}

/**
 * ansible's deb822_repository imports python3-debian on the target; on a fresh host in check mode the role's
 * own task installing it only predicts the install, so ansible fails there and tsplay (native, no Python) does
 * not. Both engines' check hosts get python3-debian first, so the rest of the roles can be compared.
 */
function installPythonDebian(host: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn('ssh', [...sshOptions(), `root@${hostAddress(hostIndex(host)!)}`, 'DEBIAN_FRONTEND=noninteractive apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y python3-debian >/dev/null'], { stdio: 'ignore' })
    child.on('close', (code) => done(code ?? -1))
  })
}

interface RoleResult {
  role: RoleName
  first: VerdictRow[]
  second: { recap: Record<string, number> | undefined; changed: string[] }
  check: VerdictRow[]
  stateOnlyTsplay: string[]
  stateOnlyAnsible: string[]
  codes: string
}

const differs = (rows: readonly VerdictRow[]): VerdictRow[] => rows.filter((r) => r.tsplay !== r.ansible)

function report(results: readonly RoleResult[], ansibleVersion: string, commits: Map<RoleName, string>): string {
  const lines = [`ansible-core ${ansibleVersion} vs tsplay; roles at ${[...commits].map(([r, c]) => `geerlingguy.${r} ${c.slice(0, 10)}`).join(', ')}`, '']
  lines.push('| role | first run: tasks, same verdict | host state lines differing | second tsplay run | --check: tasks, same verdict | exit codes |', '|---|---|---|---|---|---|')
  for (const r of results) {
    const same = (rows: readonly VerdictRow[]): string => `${rows.length}, ${rows.length - differs(rows).length}`
    lines.push(`| ${r.role} | ${same(r.first)} | ${r.stateOnlyTsplay.length + r.stateOnlyAnsible.length} | changed=${r.second.recap?.['changed'] ?? '?'} failed=${r.second.recap?.['failed'] ?? '?'} | ${same(r.check)} | ${r.codes} |`)
  }
  for (const r of results) {
    lines.push('', `### ${r.role}`, '')
    for (const [label, rows] of [['first run', r.first], ['--check', r.check]] as const) {
      for (const d of differs(rows)) lines.push(`- ${label}: \`${d.task}\`: tsplay ${d.tsplay ?? 'did not run it'}, ansible ${d.ansible ?? 'did not run it'}`)
      const failed = rows.filter((x) => x.tsplay === x.ansible && x.tsplay === 'failed')
      for (const f of failed) lines.push(`- ${label}: \`${f.task}\`: failed under both engines`)
    }
    for (const l of r.second.changed) lines.push(`- second tsplay run: \`${l}\` changed`)
    for (const l of r.stateOnlyTsplay) lines.push(`- state only on tsplay's host: \`${l}\``)
    for (const l of r.stateOnlyAnsible) lines.push(`- state only on ansible's host: \`${l}\``)
  }
  return lines.join('\n')
}

async function main(): Promise<number> {
  const mirror = String(argv['mirror'])
  // every role, whichever are compared: kubernetes' converge.yml applies geerlingguy.containerd first
  const all = new Map(ROLES.map((r) => [r, extractRole(mirror, r, rolesDir)]))
  const commits = new Map(roles.map((r) => [r, all.get(r)!]))
  const ansible = referenceAnsible(mirror, String(argv['ansible-ref']), join(work, 'ansible'))
  const debian = debianMirror()
  for (const role of roles) {
    // the role's molecule playbook, as published
    copyFileSync(join(rolesDir, `geerlingguy.${role}`, 'molecule/default/converge.yml'), join(work, `${role}.yml`))
    writeFileSync(join(work, `${role}-check.yml`), checkPlaybook(readFileSync(join(work, `${role}.yml`), 'utf8')))
    writeVars(work, role, debian)
  }
  const server = roles.includes('kubernetes') ? await serveSignedDoubles(join(ROOT, 'test/doubles/debs'), join(work, 'k8s-repo')) : undefined
  try {
    const ts = hostsOf('tsplay')
    const an = hostsOf('ansible')
    const all = [...ts.values(), ...an.values()]
    say(`fresh hosts ${all.join(' ')}`)
    await freshHosts(all, 'geerling', say)
    const results: RoleResult[] = []
    const firstRuns = await Promise.all(roles.map(async (role) => {
      const [t, a] = await Promise.all([play('tsplay', role, ts.get(role)!, 'first', false, ansible), play('ansible', role, an.get(role)!, 'first', false, ansible)])
      return { role, t, a }
    }))
    for (const { role, t, a } of firstRuns) {
      const [ht, ha] = [ts.get(role)!, an.get(role)!]
      const [st, sa] = await Promise.all([hostState(ht), hostState(ha)])
      const second = await play('tsplay', role, ht, 'second', false, ansible)
      results.push({
        role,
        first: compareVerdicts(taskVerdicts(t.log, ht), taskVerdicts(a.log, ha)),
        second: { recap: recapOf(second.log, ht), changed: taskVerdicts(second.log, ht).filter((v) => v.verdict === 'changed').map((v) => v.task) },
        check: [],
        stateOnlyTsplay: st.filter((l) => !sa.includes(l)),
        stateOnlyAnsible: sa.filter((l) => !st.includes(l)),
        codes: `run ${t.code}/${a.code}, second ${second.code}`,
      })
    }
    say(`fresh hosts again for --check: ${all.join(' ')}`)
    await freshHosts(all, 'geerling', say)
    const prepared = await Promise.all(all.map(installPythonDebian))
    if (prepared.some((c) => c !== 0)) throw new Error(`installing python3-debian on ${all.join(' ')}: exit codes ${prepared.join(' ')}`)
    await Promise.all(results.map(async (r) => {
      const [t, a] = await Promise.all([play('tsplay', r.role, ts.get(r.role)!, 'check', true, ansible), play('ansible', r.role, an.get(r.role)!, 'check', true, ansible)])
      r.check = compareVerdicts(taskVerdicts(t.log, ts.get(r.role)!), taskVerdicts(a.log, an.get(r.role)!))
      r.codes += `, check ${t.code}/${a.code}`
    }))
    console.log(report(results, ansible.version, commits))
    say(`logs and playbooks: ${work}`)
    const bad = results.some((r) => differs(r.first).length + differs(r.check).length + r.stateOnlyTsplay.length + r.stateOnlyAnsible.length > 0 || r.second.recap?.['changed'] !== 0)
    return bad ? 1 : 0
  } finally {
    server?.close()
  }
}

process.exitCode = await main()
