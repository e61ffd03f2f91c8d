// `tsplay check` on a project seeded with one mistake per task (test/fixtures/check-project/site.yml names each
// one in a comment): every mistake is reported in one run at its file:line:col, nothing else is, and the repo's
// own playbooks check clean.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { main } from '../../../engine/cli/main.js'

const DIR = 'test/fixtures/check-project'
const SITE = `${DIR}/site.yml`

/** Run the CLI in-process; returns the exit code and what it printed. */
async function tsplay(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(argv, (s) => void (out += s), (s) => void (err += s))
  return { code, out, err }
}

// kind, file (under DIR), line, col: where each seeded mistake is, read off the fixture files
const EXPECTED: ReadonlyArray<readonly [string, string, number, number]> = [
  ['unknown-keyword', 'site.yml', 5, 3], // gather_fact
  ['unknown-strategy', 'site.yml', 6, 13],
  ['bad-order', 'site.yml', 7, 10],
  ['bad-serial', 'site.yml', 8, 11],
  ['vars-file-missing', 'site.yml', 11, 7],
  ['role-not-found', 'site.yml', 16, 7],
  ['duplicate-key', 'site.yml', 19, 7],
  ['unknown-keyword', 'site.yml', 26, 7], // whenn
  ['unknown-module', 'site.yml', 29, 7],
  ['no-action', 'site.yml', 31, 7],
  ['conflicting-actions', 'site.yml', 37, 7],
  ['unknown-argument', 'site.yml', 43, 9], // mdoe
  ['bad-argument-type', 'site.yml', 48, 20], // verbosity: lots
  ['missing-argument', 'site.yml', 50, 7], // file without path: the task
  ['argument-conflict', 'site.yml', 57, 18], // content beside src
  ['template-syntax', 'site.yml', 62, 29], // the `}}` after `|`
  ['unknown-filter', 'site.yml', 66, 29],
  ['unknown-test', 'site.yml', 71, 25],
  ['unknown-lookup', 'site.yml', 75, 25], // the lookup name's string
  ['undefined-variable', 'site.yml', 79, 18],
  ['unknown-handler', 'site.yml', 84, 15],
  ['tasks-from-missing', 'site.yml', 86, 7],
  ['include-missing', 'site.yml', 92, 22], // include_tasks: the file name
  ['include-missing', 'site.yml', 94, 7], // import_tasks: the task
  ['when-templated', 'site.yml', 100, 14],
  ['loop-not-list', 'site.yml', 105, 13],
  ['bad-register', 'site.yml', 110, 17],
  ['bad-become-method', 'site.yml', 116, 22],
  ['delegate-unknown-host', 'site.yml', 121, 20],
  ['deprecated-include', 'site.yml', 123, 7],
  ['unknown-loop-lookup', 'site.yml', 128, 7],
  ['bad-tags', 'site.yml', 133, 13],
  ['args-not-mapping', 'site.yml', 137, 13],
  ['not-boolean', 'site.yml', 142, 15], // no_log: maybe
  ['bad-conditional', 'site.yml', 146, 27], // end of `rc ==`
  ['unknown-meta', 'site.yml', 149, 13],
  ['loop-conflict', 'site.yml', 151, 7],
  ['bad-number', 'site.yml', 163, 16],
  ['vars-not-mapping', 'site.yml', 168, 13],
  ['bad-environment', 'site.yml', 172, 20],
  ['unknown-keyword', 'site.yml', 178, 7], // rescu
  ['no-matching-hosts', 'site.yml', 189, 10],
  ['unknown-filter', 'tasks/included.yml', 3, 24], // inside a file include_tasks names literally
  ['yaml-syntax', 'tasks/broken.yml', 4, 1], // the flow sequence is still open at the end of the file
  ['template-missing', 'roles/app/tasks/main.yml', 15, 10],
  ['template-syntax', 'roles/app/templates/broken.j2', 3, 22], // `}}` after `+`
  ['argument-spec', 'roles/app/meta/argument_specs.yml', 3, 5], // app_mode: purple is not a choice
]

interface Reported {
  readonly file: string
  readonly line: number
  readonly col: number
  readonly severity: string
  readonly kind: string
  readonly message: string
}

describe('tsplay check', async () => {
  const run = await tsplay('check', SITE, '-i', `${DIR}/inventory.ini`, '--format', 'json')
  const reported = JSON.parse(run.out) as Reported[]
  const where = (p: Pick<Reported, 'kind' | 'file' | 'line' | 'col'>): string => `${p.kind} ${p.file}:${p.line}:${p.col}`

  it('seeds at least 30 kinds of mistake', () => {
    expect(new Set(EXPECTED.map(([kind]) => kind)).size).toBeGreaterThanOrEqual(30)
  })

  it('reports every seeded mistake, at its place, in one run, and nothing else', () => {
    const expected = EXPECTED.map(([kind, file, line, col]) => where({ kind, file: `${DIR}/${file}`, line, col })).sort()
    expect(reported.map(where).sort()).toEqual(expected)
  })

  it('fails with the exit code of a playbook that does not load', () => {
    expect(run.code).toBe(4)
    expect(run.err).toBe('')
  })

  it('reports nothing on the repo’s own playbooks', async () => {
    const playbooks = readdirSync('playbooks').filter((n) => n.endsWith('.yaml')).map((n) => `playbooks/${n}`)
    expect(playbooks.length).toBeGreaterThan(0)
    const clean = await tsplay('check', ...playbooks, '-i', 'inventories/prod.ini')
    expect(clean).toEqual({ code: 0, out: 'no problems\n', err: '' })
  })

  it('formats text as file:line:col: severity: kind: message', async () => {
    const text = await tsplay('check', SITE, '-i', `${DIR}/inventory.ini`)
    const lines = text.out.trimEnd().split('\n')
    expect(lines.slice(0, -1)).toEqual(reported.map((p) => `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.kind}: ${p.message}`))
    const errors = reported.filter((p) => p.severity === 'error').length
    expect(lines.at(-1)).toBe(`${errors} errors, ${reported.length - errors} warnings`)
    expect(text.code).toBe(4)
  })

  it('formats GitHub workflow annotations', async () => {
    const github = await tsplay('check', SITE, '-i', `${DIR}/inventory.ini`, '--format', 'github')
    const lines = github.out.trimEnd().split('\n')
    expect(lines).toHaveLength(reported.length)
    lines.forEach((line, i) => {
      const p = reported[i]!
      expect(line).toMatch(/^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[\w-]+::[^\n]+$/)
      expect(line.startsWith(`::${p.severity} file=${p.file},line=${p.line},col=${p.col},title=${p.kind}::`)).toBe(true)
    })
  })

  it('formats a SARIF 2.1.0 log', async () => {
    const sarif = await tsplay('check', SITE, '-i', `${DIR}/inventory.ini`, '--format', 'sarif')
    const log = JSON.parse(sarif.out) as { version: string; $schema: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<Record<string, any>> }> }
    expect(log.version).toBe('2.1.0')
    expect(log.$schema).toMatch(/sarif/)
    const [sarifRun] = log.runs
    expect(sarifRun!.tool.driver.name).toBe('tsplay')
    expect(sarifRun!.results).toHaveLength(reported.length)
    sarifRun!.results.forEach((result, i) => {
      const p = reported[i]!
      expect(result).toMatchObject({ ruleId: p.kind, level: p.severity, message: { text: p.message } })
      expect(sarifRun!.tool.driver.rules[result['ruleIndex']]!.id).toBe(p.kind)
      expect(result['locations'][0].physicalLocation).toEqual({ artifactLocation: { uri: p.file }, region: { startLine: p.line, startColumn: p.col } })
    })
  })

  it('refuses an unknown format as a usage error', async () => {
    const bad = await tsplay('check', SITE, '--format', 'xml')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain("--format must be one of text, json, github, sarif, got 'xml'")
  })
})

describe('tsplay check with vaulted variables', () => {
  const VAULT = 'test/fixtures/playbooks/vault'
  const args = ['check', `${VAULT}/site.yml`, '-i', 'test/fixtures/playbooks/inventory.ini', '-e', 'out=/tmp', '--format', 'json']

  it('reports vaulted files it cannot read without secrets, and no variable from them as undefined', async () => {
    const run = await tsplay(...args)
    const reported = JSON.parse(run.out) as Reported[]
    expect([...new Set(reported.map((p) => p.kind))]).toEqual(['vault-secret-missing'])
    expect(run.code).toBe(4)
  })

  it('reads them with the secrets a run takes', async () => {
    const run = await tsplay(...args, '--vault-id', `default@${VAULT}/vault-pass.txt`, '--vault-id', `prod@${VAULT}/prod-pass.txt`)
    expect(run).toEqual({ code: 0, out: '[]\n', err: '' })
  })
})
