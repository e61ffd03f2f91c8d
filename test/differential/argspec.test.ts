// Roles as ansible-playbook 2.14 runs them, compared on test/fixtures/playbooks/argspec: argument specs (the
// validation task, its messages, entry points, rolespec_validate), allow_duplicates, include_role public/apply,
// facts a module returns, and the warning for a key given twice.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { expectSameOutcome, FIXTURES, runAnsible, runTsplay } from './harness.js'

const run = promisify(execFile)
const CASE = join(FIXTURES, 'argspec')
const ENV = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_DEPRECATION_WARNINGS: '0' }

// the result of every failed task, hosts in order (each engine lists them as they finish)
const fatals = (raw: string): string[] => raw.split('\n').filter((l) => l.startsWith('fatal: ')).sort()

async function listing(engine: 'ansible' | 'tsplay', args: readonly string[]): Promise<{ out: string; err: string }> {
  const argv = ['-i', join(FIXTURES, 'inventory.ini'), join(CASE, 'site.yml'), ...args]
  if (engine === 'ansible') {
    const { stdout, stderr } = await run('ansible-playbook', argv, { env: ENV, cwd: CASE })
    return { out: stdout, err: stderr }
  }
  let out = ''
  let err = ''
  const cwd = process.cwd()
  process.chdir(CASE)
  try {
    await main(['run', ...argv], (s) => void (out += s), (s) => void (err += s))
  } finally {
    process.chdir(cwd)
  }
  return { out, err }
}

describe('roles, argument specs and module facts as ansible-playbook', () => {
  it('runs the same tasks with the same results, messages and files', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible('argspec'), runTsplay('argspec')])
    expectSameOutcome(tsplay, ansible)
    expect(fatals(tsplay.raw)).toEqual(fatals(ansible.raw))
    expect(fatals(ansible.raw).length).toBe(7)
    expect(Object.keys(ansible.files).length).toBe(22)
  })

  it('lists the validation tasks and their tags, and warns of the key given twice, as ansible-playbook', async () => {
    const args = ['--list-tasks', '--list-tags']
    const [ansible, tsplay] = await Promise.all([listing('ansible', args), listing('tsplay', args)])
    const body = (out: string): string => out.slice(out.indexOf('  play #'))
    expect(body(tsplay.out)).toBe(body(ansible.out))
    expect(ansible.out).toContain("spec : Validating arguments against arg spec 'main' - The spec role\tTAGS: [always]")
    const duplicate = (text: string): string => text.slice(text.indexOf('[WARNING]: While constructing'), text.indexOf('Using last defined value only.') + 30)
    expect(duplicate(tsplay.err)).toBe(duplicate(ansible.err))
    expect(duplicate(ansible.err)).toMatch(/^\[WARNING\]: While constructing a mapping from\n\S+site\.yml, line \d+, column 9,\nfound a duplicate dict key \(dest\)\. Using last defined value only\.$/)
  })
})
