// The secrets suite: `no_log` at task, block, play and role level × every output channel (the terminal log at
// default verbosity, -v and -vvv, --json, stderr, the trace file, the files tsplay writes) × every kind of result.
// A case's marker found in a channel is a leak; the suite prints its counts and requires none. ansible-playbook
// 2.14 run on the same playbooks hides every one of these cases except a warning quoting a missing lookup file.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { casesAt, LEVELS, type Level, marker, MARKER_PREFIX, PARITY_MARKER, writeLevel } from './cases.js'

/** How the CLI is run for one channel. */
const RUNS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default', []],
  ['-v', ['-v']],
  ['-vvv', ['-vvv']],
  ['--json', ['--json']],
]

const root = mkdtempSync(join(tmpdir(), 'tsplay-secrets-'))
const trace = join(root, 'trace.jsonl')
type Main = (argv: string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>
let main: Main

/** The text of each channel of one run, by channel name. */
type Channels = Record<string, string>

/** Every channel's text for one level: stdout and stderr of each run, the trace (stdin decoded), written files. */
const seen = new Map<Level, Channels>()
const leaks: string[] = []
let checks = 0

beforeAll(async () => {
  // the trace file is read once, when the connection code loads
  process.env['TSPLAY_TRACE_FILE'] = trace
  main = (await import('../../engine/cli/index.js')).main
})

afterAll(() => {
  const cases = LEVELS.reduce((n, l) => n + casesAt(l).length, 0)
  console.log(`secrets suite: ${cases} cases, ${checks} case×channel checks, ${leaks.length} leaks${leaks.length ? `:\n  ${leaks.join('\n  ')}` : ''}`)
  rmSync(root, { recursive: true, force: true })
})

/** The trace file's lines with their stdin decoded, so a secret sent as input is found too. */
function readTrace(): string {
  let text = ''
  try {
    text = readFileSync(trace, 'utf8')
  } catch {
    return ''
  }
  writeFileSync(trace, '')
  return text.split('\n').filter(Boolean).map((l) => {
    const entry = JSON.parse(l) as { stdin?: string }
    return `${l}\n${entry.stdin ? Buffer.from(entry.stdin, 'base64').toString('utf8') : ''}`
  }).join('\n')
}

/** Every file under `dir` but the playbook's own sources and the files its tasks write on purpose. */
function writtenFiles(dir: string, sources: ReadonlySet<string>): string {
  let text = ''
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) {
        if (path !== join(dir, 'out')) walk(path)
      } else if (!sources.has(path)) text += `${relative(dir, path)}\n${readFileSync(path, 'utf8')}\n`
    }
  }
  walk(dir)
  return text
}

/** Every channel of one level's runs, and what went wrong with them (a run that stopped early hides nothing). */
async function runLevel(level: Level): Promise<{ channels: Channels; problems: string[] }> {
  const dir = join(root, level)
  const playbook = writeLevel(level, dir)
  const sources = new Set([playbook, join(dir, 'inventory.yml'), join(dir, 'included.yml'), join(dir, 'roles/secret/tasks/main.yml'), join(dir, 'roles/secret/handlers/main.yml')])
  const channels: Channels = {}
  const problems: string[] = []
  readTrace()
  for (const [name, flags] of RUNS) {
    let out = ''
    let err = ''
    const code = await main(['run', playbook, '-i', join(dir, 'inventory.yml'), '--diff', '-T', '2', ...flags], (s) => void (out += s), (s) => void (err += s))
    channels[`stdout ${name}`] = out
    channels[`stderr ${name}`] = err
    channels[`trace ${name}`] = readTrace()
    if (code !== 0) problems.push(`${name}: exit code ${code}: ${err.trim()}`)
    if (name === '--json' ? !out.includes('"handler": true') : !out.includes('RUNNING HANDLER [')) problems.push(`${name}: the handler did not run`)
  }
  channels['files'] = writtenFiles(dir, sources)
  return { channels, problems }
}

describe.each(LEVELS)('no_log at %s level', (level) => {
  it('runs every case on every channel', async () => {
    const { channels, problems } = await runLevel(level)
    seen.set(level, channels)
    expect(problems).toEqual([])
  }, 120_000)

  it.each(casesAt(level).map((c) => c.name))('%s leaks on no channel', (name) => {
    const channels = seen.get(level)
    expect(channels, 'the runs above must have completed').toBeDefined()
    const found: string[] = []
    for (const [channel, text] of Object.entries(channels!)) {
      checks++
      if (text.includes(marker(level, name))) found.push(channel)
    }
    leaks.push(...found.map((c) => `${level} ${name}: ${c}`))
    expect(found, `${marker(level, name)} found in`).toEqual([])
  })

  it('leaks no marker of any kind (a case the list above does not name)', () => {
    const channels = seen.get(level)!
    const stray = Object.entries(channels).filter(([, t]) => t.includes(MARKER_PREFIX)).map(([c, t]) => `${c}: ${t.slice(t.indexOf(MARKER_PREFIX), t.indexOf(MARKER_PREFIX) + 60)}`)
    expect(stray).toEqual([])
  })

  it('shows a registered value the way ansible does: debug without no_log prints it', () => {
    const channels = seen.get(level)!
    expect(channels['stdout default']).toContain(`"p.stdout": "${PARITY_MARKER}"`)
  })
})

it('the leak log can be written (debugging aid)', () => {
  if (process.env['TSPLAY_SECRETS_DUMP']) for (const [level, channels] of seen) for (const [c, t] of Object.entries(channels)) appendFileSync(process.env['TSPLAY_SECRETS_DUMP'], `==== ${level} ${c}\n${t}\n`)
  expect(seen.size).toBe(LEVELS.length)
})
