// The generated JSON Schema, checked by a real validator (ajv): every playbook, task, handler and meta file of the
// repo is valid, each seeded mistake in test/fixtures/schema-invalid/ is rejected at the expected place.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../engine/cli/index.js'
import { SCHEMA_KINDS } from '../../../engine/schema/index.js'
import { EXPECTED, fixtureKind, kindOf, problems, projectModules, readData, ROOT, validators, yamlFiles } from './files.js'

const INVALID = 'test/fixtures/schema-invalid'

// fixtures that are invalid on purpose (for the loader's own error tests and tsplay check's seeded mistakes)
const KNOWN_INVALID = ['test/fixtures/check-project/site.yml', 'test/fixtures/playbooks/cli/bad.yml']
// a YAML syntax error seeded for tsplay check, and vaulted values that need a secret to read at all
const UNREADABLE = ['test/fixtures/check-project/tasks/broken.yml', 'test/fixtures/playbooks/vault/inline.yml']

describe('tsplay schema (ajv)', () => {
  const plain = validators()

  it('accepts every playbook, task, handler and role meta file of the repo', () => {
    const cache = new Map<string, ReturnType<typeof validators>>([['', plain]])
    const counts: Record<string, number> = {}
    const rejected: string[] = []
    const unreadable: string[] = []
    for (const path of yamlFiles('playbooks', 'roles', 'test/fixtures', 'test/e2e/fixtures', 'test/bench')) {
      if (path.startsWith(`${INVALID}/`)) continue
      let data: unknown
      try { data = readData(path) } catch { unreadable.push(path); continue }
      const kind = kindOf(path, data)
      if (kind === undefined) continue
      const modules = projectModules(path)
      if (!cache.has(modules.join())) cache.set(modules.join(), validators({ modules }))
      counts[kind] = (counts[kind] ?? 0) + 1
      const ok = cache.get(modules.join())![kind](data)
      if (!ok) rejected.push(`${path}: ${problems(cache.get(modules.join())![kind], readFileSync(join(ROOT, path), 'utf8')).map((p) => `${p.path} ${p.message}`).join('; ')}`)
    }
    expect(rejected.map((r) => r.split(':')[0])).toEqual(KNOWN_INVALID)
    expect(rejected[0]).toContain('/0/tasks/1/whenn must NOT have additional properties')
    expect(rejected[1]).toContain('/0/tasks/0/notifi must NOT have additional properties')
    expect(unreadable).toEqual(UNREADABLE)
    // the globs found what they should: a schema that accepts nothing found is no test
    expect(counts['playbook']).toBeGreaterThanOrEqual(35)
    expect(counts['tasks']).toBeGreaterThanOrEqual(30)
    expect(counts['handlers']).toBeGreaterThanOrEqual(8)
    expect(counts['role-meta']).toBeGreaterThanOrEqual(13)
  })

  it('rejects each seeded mistake at its place', () => {
    const names = readdirSync(join(ROOT, INVALID)).sort()
    expect(names).toEqual(Object.keys(EXPECTED).sort())
    for (const name of names) {
      const text = readFileSync(join(ROOT, INVALID, name), 'utf8')
      const found = problems(plain[fixtureKind(text)], text).map((p) => [p.path, p.line])
      expect([name, [...new Map(found.map((f) => [f.join(), f])).values()]]).toEqual([name, EXPECTED[name]])
    }
  })

  it('seeds mistakes ansible-playbook itself refuses (those its syntax check sees; the rest fail when the task runs)', () => {
    const refused: Record<string, string> = {
      'unknown-keyword.yml': 'conflicting action statements: debug, whne',
      'unknown-play-keyword.yml': "'gather_fact' is not a valid attribute for a Play",
      'block-with-module.yml': "'debug' is not a valid attribute for a Block",
      'missing-hosts.yml': "the field 'hosts' is required but was not set",
      'bad-loop-control.yml': "'loopvar' is not a valid attribute for a LoopControl",
    }
    for (const [name, message] of Object.entries(refused)) {
      const r = spawnSync('ansible-playbook', ['--syntax-check', '-i', 'localhost,', join(ROOT, INVALID, name)], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' } })
      expect({ name, status: r.status, error: r.stderr.includes(`ERROR! ${message}`) }).toEqual({ name, status: 4, error: true })
    }
  }, 120_000)

  const tasks = (yaml: string): string[] => problems(plain.tasks, yaml).map((p) => `${p.line}: ${p.path} ${p.message}`)

  it('accepts templates, YAML 1.1 booleans, string forms and Ansible modules it has no schema for', () => {
    expect(tasks(readFileSync(join(ROOT, 'test/fixtures/schema-valid/tasks.yml'), 'utf8'))).toEqual([])
  })

  it('still checks what a template does not stand for', () => {
    expect(tasks('- apt: { name: nginx, update_cache: sometimes }\n')).not.toEqual([])
    expect(tasks('- apt: { name: nginx, update_cache: sometimes }\n').every((p) => p.startsWith('0: /0/apt/update_cache '))).toBe(true)
    expect(tasks('- copy: /etc/motd\n')).toContain('0: /0/copy must match pattern "^\\s*$|=|\\{\\{"')
    expect(tasks('- getent_db: passwd\n').map((p) => p.split(' ')[1])).toEqual(['/0/getent_db'])
  })

  it('has descriptions from the modules and keywords, and the modules of a library folder', () => {
    const schema = JSON.parse(JSON.stringify(plain.tasks.schema)) as { definitions: Record<string, { description?: string; anyOf?: { properties?: Record<string, { description?: string }> }[] }> }
    expect(schema.definitions['module.sysctl']!.description).toMatch(/sysctl/)
    expect(schema.definitions['module.sysctl']!.anyOf![0]!.properties!['sysctl_file']!.description).toBe('The file the setting is kept in')
    expect(problems(validators({ modules: ['site_ca'] }).tasks, '- site_ca: { any: thing }\n')).toEqual([])
    expect(tasks('- site_ca: { any: thing }\n')).toHaveLength(1)
  })
})

describe('tsplay schema (command)', () => {
  const run = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = ''
    let err = ''
    const code = await main(args, (s) => void (out += s), (s) => void (err += s))
    return { code, out, err }
  }

  it('prints one kind, writes all with --out, refuses the rest', async () => {
    const one = await run('schema', 'role-meta')
    expect(one.code).toBe(0)
    expect(JSON.parse(one.out)).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', allOf: [{ $ref: '#/definitions/roleMeta' }] })
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-schema-'))
    const all = await run('schema', '--out', dir)
    expect(all.code).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(SCHEMA_KINDS.map((k) => `${k}.schema.json`).sort())
    expect(await run('schema')).toMatchObject({ code: 2, err: expect.stringContaining('all kinds need --out DIR') })
    expect(await run('schema', 'playbooks')).toMatchObject({ code: 2, err: expect.stringContaining("unknown kind 'playbooks'") })
  })
})
