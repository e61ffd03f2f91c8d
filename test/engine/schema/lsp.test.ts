// The editor's view: yaml-language-server 1.19, run headless over stdio LSP, on each invalid fixture whose modeline
// points at the generated schema on disk, reports the same lines ajv does; on valid content it reports nothing.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSchema, SCHEMA_KINDS, schemaFileName } from '../../../engine/schema/index.js'
import { EXPECTED, fixtureKind, problems, ROOT, validators } from './files.js'
import { YamlLanguageServer } from './lsp.js'

const INVALID = join(ROOT, 'test/fixtures/schema-invalid')
const dir = mkdtempSync(join(tmpdir(), 'tsplay-schema-lsp-'))
const server = new YamlLanguageServer()

beforeAll(async () => {
  for (const kind of SCHEMA_KINDS) writeFileSync(join(dir, schemaFileName(kind)), JSON.stringify(buildSchema(kind), null, 2))
  await server.start()
}, 60_000)

afterAll(() => server.stop(), 30_000)

const lines = (found: readonly { line: number }[]): number[] => [...new Set(found.map((f) => f.line))].sort((a, b) => a - b)

describe('yaml-language-server with the generated schema', () => {
  it('reports each seeded mistake on the line ajv reports it', async () => {
    const ajv = validators()
    const names = readdirSync(INVALID).sort()
    expect(names).toEqual(Object.keys(EXPECTED).sort())
    for (const name of names) {
      copyFileSync(join(INVALID, name), join(dir, name))
      const text = readFileSync(join(INVALID, name), 'utf8')
      const editor = await server.diagnose(join(dir, name))
      const expected = lines(problems(ajv[fixtureKind(text)], text))
      expect(expected.length).toBeGreaterThan(0)
      expect({ name, lines: lines(editor), errors: editor.every((d) => d.severity === 1) }).toEqual({ name, lines: expected, errors: true })
    }
  }, 300_000)

  it('reports nothing on the repo\'s own playbook, tasks, handlers and meta', async () => {
    const files: [string, string][] = [
      ['playbooks/ha-cluster.yaml', 'playbook'],
      ['roles/etcd/tasks/main.yml', 'tasks'],
      ['roles/containerd/handlers/main.yml', 'handlers'],
      ['roles/etcd/meta/main.yml', 'role-meta'],
    ]
    for (const [path, kind] of files) {
      const copy = join(dir, `valid-${path.replace(/\//g, '-')}`)
      writeFileSync(copy, `# yaml-language-server: $schema=./${kind}.schema.json\n${readFileSync(join(ROOT, path), 'utf8')}`)
      expect({ path, diagnostics: await server.diagnose(copy) }).toEqual({ path, diagnostics: [] })
    }
    // templates, yes/no (strings to an editor reading YAML 1.2), string forms, args:, aliases, Ansible's modules
    copyFileSync(join(ROOT, 'test/fixtures/schema-valid/tasks.yml'), join(dir, 'valid-tasks.yml'))
    expect(await server.diagnose(join(dir, 'valid-tasks.yml'))).toEqual([])
  }, 120_000)

  it('shows the descriptions of modules, their arguments and keywords on hover', async () => {
    const path = join(dir, 'hover.yml')
    writeFileSync(path, '# yaml-language-server: $schema=./tasks.schema.json\n- sysctl:\n    name: vm.swappiness\n    sysctl_file: /etc/sysctl.d/90.conf\n  become: true\n')
    await server.diagnose(path)
    expect(await server.hover(path, 1, 4)).toContain('Set a kernel parameter in a sysctl file and in the running kernel')
    expect(await server.hover(path, 3, 6)).toContain('The file the setting is kept in')
    expect(await server.hover(path, 4, 4)).toContain('run with privilege escalation')
  }, 60_000)

  it('completes module arguments and task keywords', async () => {
    const path = join(dir, 'complete.yml')
    writeFileSync(path, '# yaml-language-server: $schema=./tasks.schema.json\n- sysctl:\n    name: vm.swappiness\n    \n  \n')
    await server.diagnose(path)
    expect(await server.complete(path, 3, 4)).toEqual(expect.arrayContaining(['sysctl_file', 'sysctl_set', 'reload', 'value']))
    expect(await server.complete(path, 4, 2)).toEqual(expect.arrayContaining(['become', 'when', 'notify', 'register']))
  }, 60_000)
})
