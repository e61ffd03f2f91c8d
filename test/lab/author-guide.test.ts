// docs/writing-a-site-role.md, executed: every ```sh block of the guide runs in order (bash -e -o pipefail) at the
// root of a copy of the repository's roles, playbooks and inventories, with `tsplay` on PATH (bin/tsplay.js, so
// run `npm run build` first); a ```yaml block after `<!-- guide: insert into FILE before "LINE" -->` is inserted
// there, as the reader is told to. `tsplay test` in the guide uses lab hosts of its own range (TSPLAY_TEST_HOSTS).
import { spawn } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const GUIDE = join(ROOT, 'docs/writing-a-site-role.md')

/** The guide's steps in order: shell blocks to run and YAML blocks to insert into a file. */
type Step = { readonly kind: 'sh'; readonly text: string } | { readonly kind: 'insert'; readonly file: string; readonly before: string; readonly text: string }

/** The fenced blocks of `markdown` that the reader acts on. */
export function guideSteps(markdown: string): Step[] {
  const steps: Step[] = []
  const fence = /(?:<!-- guide: insert into (\S+) before "([^"]+)" -->\n)?```(\w+)\n([\s\S]*?)```/g
  for (const m of markdown.matchAll(fence)) {
    if (m[3] === 'sh') steps.push({ kind: 'sh', text: m[4]! })
    else if (m[1] !== undefined) steps.push({ kind: 'insert', file: m[1], before: m[2]!, text: m[4]! })
  }
  return steps
}

/** Run `script` with bash -e -o pipefail, without blocking the test worker (vitest talks to it meanwhile). */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('close', (status) => done({ status, stdout, stderr }))
  })
}

describe('docs/writing-a-site-role.md', () => {
  it('finds the blocks the reader acts on (the extraction can fail)', () => {
    const steps = guideSteps(readFileSync(GUIDE, 'utf8'))
    expect(steps.map((s) => s.kind)).toEqual(['sh', 'sh', 'sh', 'sh', 'sh', 'insert', 'sh'])
    expect(guideSteps('text\n```yaml\na: 1\n```\n')).toEqual([])
  })

  it('runs every command of the guide, and they do what it says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-guide-'))
    for (const folder of ['roles', 'playbooks', 'inventories']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true, verbatimSymlinks: true })
    const bin = mkdtempSync(join(tmpdir(), 'tsplay-bin-'))
    writeFileSync(join(bin, 'tsplay'), `#!/bin/sh\nexec node ${JSON.stringify(join(ROOT, 'bin/tsplay.js'))} "$@"\n`)
    chmodSync(join(bin, 'tsplay'), 0o755)
    const outputs: string[] = []
    for (const step of guideSteps(readFileSync(GUIDE, 'utf8'))) {
      if (step.kind === 'insert') {
        const path = join(dir, step.file)
        const text = readFileSync(path, 'utf8')
        expect(text, `${step.file} has no line ${step.before}`).toContain(`\n${step.before}\n`)
        writeFileSync(path, text.replace(`\n${step.before}\n`, `\n${step.text}\n${step.before}\n`))
        continue
      }
      const run = await bash(step.text, dir, { ...process.env, PATH: `${bin}:${process.env['PATH']}` })
      expect(run.status, `${step.text}\n${run.stdout}${run.stderr}`).toBe(0)
      outputs.push(run.stdout)
    }
    const [, , , , test, playbook] = outputs
    expect(test).toMatch(/^verify +ok +roles\/site_ca\/tests\/verify\.yml: 3 tasks passed/m)
    expect(test).toContain('test passed: create, converge, idempotence, check, verify, destroy\n')
    expect(playbook).toContain('play #')
    expect(playbook).toMatch(/trust the site CA[\s\S]*site_ca : install the site CA certificate/)
  }, 600_000)
})
