/**
 * An ansible-core integration target as ansible-test (test/lib/ansible_test/_internal/target.py) sees it:
 * its aliases, whether it is a role or a `runme.sh` script, and the other targets it needs copied beside it.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'

/** One directory under test/integration/targets/. */
export interface IntegrationTarget {
  readonly name: string
  readonly dir: string
  /** `script` when the target has a runme.sh, else `role`. */
  readonly kind: 'script' | 'role'
  /** The lines of its `aliases` file, comments removed. */
  readonly aliases: readonly string[]
  readonly setupOnce: readonly string[]
  readonly setupAlways: readonly string[]
  /** Files from the content root the target needs (`needs/file/...`). */
  readonly needsFile: readonly string[]
}

const aliasValues = (aliases: readonly string[], prefix: string): string[] =>
  [...new Set(aliases.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length).split('/')[0] ?? ''))].filter(Boolean).sort()

/** Reads the target `name` from `targetsDir`, or undefined when the checkout has no such directory. */
export function readTarget(targetsDir: string, name: string): IntegrationTarget | undefined {
  const dir = join(targetsDir, name)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined
  const aliasFile = join(dir, 'aliases')
  const aliases = existsSync(aliasFile)
    ? readFileSync(aliasFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)
    : []
  return {
    name,
    dir,
    kind: existsSync(join(dir, 'runme.sh')) ? 'script' : 'role',
    aliases,
    setupOnce: aliasValues(aliases, 'setup/once/'),
    setupAlways: aliasValues(aliases, 'setup/always/'),
    needsFile: [...new Set(aliases.filter((a) => a.startsWith('needs/file/') && !a.startsWith('needs/file/test/integration/targets/'))
      .map((a) => a.slice('needs/file/'.length)))].sort(),
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    yield path
    if (entry.isDirectory() && !entry.isSymbolicLink()) yield* walk(path)
  }
}

/** The targets `target` depends on directly, by the rules of ansible-test's analyze_integration_target_dependencies. */
function directNeeds(target: IntegrationTarget, targetsDir: string, hiddenRoles: readonly string[]): Set<string> {
  const needs = new Set<string>([...target.setupOnce, ...target.setupAlways, ...aliasValues(target.aliases, 'needs/target/')])
  const realRoot = realpathSync(targetsDir) + sep
  for (const path of walk(target.dir)) {
    if (!lstatSync(path).isSymbolicLink()) continue
    const real = resolve(join(path, '..'), readlinkSync(path))
    const linked = real.startsWith(realRoot) ? real.slice(realRoot.length).split(sep)[0] : undefined
    if (linked && linked !== target.name) needs.add(linked)
  }
  // ansible-test's "intentionally primitive" meta scan: any hidden role target named on a non-comment line
  const meta = join(target.dir, 'meta')
  if (existsSync(meta)) {
    for (const path of walk(meta)) {
      if (!statSync(path).isFile()) continue
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (/^ *#/.test(line) || !line.trim()) continue
        for (const hidden of hiddenRoles) if (line.includes(hidden)) needs.add(hidden)
      }
    }
  }
  return needs
}

const hiddenCache = new Map<string, string[]>()

/** Role targets ansible-test hides (setup_*, prepare_*, alias `hidden`): the ones a meta file can pull in. */
function hiddenRoleTargets(targetsDir: string): string[] {
  let hidden = hiddenCache.get(targetsDir)
  if (!hidden) {
    hidden = readdirSync(targetsDir).filter((n) => {
      const t = readTarget(targetsDir, n)
      return t !== undefined && t.kind === 'role' && (/^(setup|prepare)_/.test(n) || t.aliases.includes('hidden'))
    })
    hiddenCache.set(targetsDir, hidden)
  }
  return hidden
}

/** Every target `target` needs, transitively: what ansible-test copies into the temporary work dir with it. */
export function targetDependencies(target: IntegrationTarget, targetsDir: string): IntegrationTarget[] {
  const hiddenRoles = hiddenRoleTargets(targetsDir)
  const found = new Map<string, IntegrationTarget>([[target.name, target]])
  const queue = [target]
  for (let t = queue.shift(); t; t = queue.shift()) {
    for (const name of directNeeds(t, targetsDir, hiddenRoles)) {
      if (found.has(name)) continue
      const dep = readTarget(targetsDir, name)
      if (!dep) continue
      found.set(name, dep)
      queue.push(dep)
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name))
}
