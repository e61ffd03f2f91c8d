// `tsplay init`: the files a role and a project skeleton get, that nothing is ever overwritten, and that
// ansible-core itself reads the generated meta/argument_specs.yml (it validates the role's variables with it).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { initProject, initRole, InitError } from '../../../engine/author/index.js'
import { main } from '../../../engine/cli/main.js'

// ansible-playbook runs without blocking the test worker (vitest talks to it meanwhile)
const run = async (args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)('ansible-playbook', args, { cwd, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } })
    return { status: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { status: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
const temp = (): string => mkdtempSync(join(tmpdir(), 'tsplay-init-'))
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort()

const ROLE_FILES = ['README.md', 'defaults/main.yml', 'handlers/main.yml', 'meta/argument_specs.yml', 'meta/main.yml', 'tasks/main.yml', 'templates/demo.conf.j2', 'tests/scenario.yml', 'tests/verify.yml']

describe('tsplay init role', () => {
  it('writes the skeleton under roles/NAME', async () => {
    const dir = temp()
    const out: string[] = []
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      expect(await main(['init', 'role', 'demo'], (s) => out.push(s), (s) => out.push(s))).toBe(0)
    } finally {
      process.chdir(cwd)
    }
    expect(files(join(dir, 'roles/demo'))).toEqual(ROLE_FILES)
    expect(out.join('')).toContain('created roles/demo/tasks/main.yml\n')
    expect(out.join('')).toContain('test it: tsplay test roles/demo\n')
  })

  it('describes each variable in defaults, argument_specs and the README alike', () => {
    const dir = temp()
    initRole('site_ca', dir)
    const role = join(dir, 'site_ca')
    const defaults = readFileSync(join(role, 'defaults/main.yml'), 'utf8')
    expect(defaults).toContain('# Directory the site_ca role manages.\nsite_ca_dir: "/etc/site_ca"\n')
    const specs = parse(readFileSync(join(role, 'meta/argument_specs.yml'), 'utf8')) as { argument_specs: { main: { short_description: string; options: Record<string, { type: string; default: string; description: string }> } } }
    expect(specs.argument_specs.main.short_description).toBe('Set up site_ca on every host')
    expect(specs.argument_specs.main.options).toEqual({
      site_ca_dir: { type: 'path', default: '/etc/site_ca', description: 'Directory the site_ca role manages.' },
      site_ca_greeting: { type: 'str', default: 'hello from site_ca', description: 'Greeting written into site_ca.conf.' },
    })
    expect(parse(defaults)).toEqual({ site_ca_dir: '/etc/site_ca', site_ca_greeting: 'hello from site_ca' })
    const readme = readFileSync(join(role, 'README.md'), 'utf8')
    expect(readme).toContain('| `site_ca_dir` | path | `/etc/site_ca` | Directory the site_ca role manages. |')
    expect(parse(readFileSync(join(role, 'tests/scenario.yml'), 'utf8'))).toEqual({ hosts: 1, distribution: 'debian-bookworm', groups: [], vars: {} })
  })

  it('refuses to overwrite: one error naming the first file, nothing written, exit code 4', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'demo/tasks'), { recursive: true })
    writeFileSync(join(dir, 'demo/tasks/main.yml'), '# mine\n')
    expect(() => initRole('demo', dir)).toThrow(InitError)
    expect(() => initRole('demo', dir)).toThrow(`${join(dir, 'demo/tasks/main.yml')}: already exists; tsplay init never overwrites files, nothing was written`)
    expect(files(join(dir, 'demo'))).toEqual(['tasks/main.yml'])
    expect(readFileSync(join(dir, 'demo/tasks/main.yml'), 'utf8')).toBe('# mine\n')
    const err: string[] = []
    expect(await main(['init', 'role', 'demo', '--path', dir], () => undefined, (s) => err.push(s))).toBe(4)
    expect(err.join('')).toBe(`tsplay: ${join(dir, 'demo/tasks/main.yml')}: already exists; tsplay init never overwrites files, nothing was written\n`)
  })

  it('refuses a second init of the same role, counting the other files', () => {
    const dir = temp()
    initRole('demo', dir)
    expect(() => initRole('demo', dir)).toThrow(/tasks\/main\.yml: already exists \(and 8 more files of the skeleton\)/)
  })

  it('refuses names that cannot prefix variables, with a hint', async () => {
    expect(() => initRole('site-ca', temp())).toThrow("role name 'site-ca': use lower-case letters, digits and underscores (the name prefixes the role's variables); did you mean 'site_ca'?")
    const err: string[] = []
    expect(await main(['init', 'role'], () => undefined, (s) => err.push(s))).toBe(2)
    expect(err.join('')).toContain('init role: missing NAME')
    expect(await main(['init', 'playbook'], () => undefined, (s) => err.push(s))).toBe(2)
    expect(err.join('')).toContain("init: unknown kind 'playbook' (expected role or project)")
  })

  it('writes an argument_specs.yml that ansible-playbook validates the role with', async () => {
    const dir = temp()
    initRole('demo', join(dir, 'roles'))
    writeFileSync(join(dir, 'play.yml'), '- hosts: localhost\n  gather_facts: false\n  roles: [demo]\n')
    const good = await run(['-i', 'localhost,', '-c', 'local', '--check', 'play.yml'], dir)
    // the task ansible inserts for a role with argument_specs, titled with our short_description: the file was read
    expect(good.stdout).toContain('TASK [demo : Validating arguments against arg spec \'main\' - Set up demo on every host]')
    expect(good.stdout).toContain("Set up demo on every host] ***\nok: [localhost]\n")
    expect(good.status, good.stdout + good.stderr).toBe(0)
  }, 60_000)
})

describe('tsplay init project', () => {
  it('writes ansible.cfg with roles_path, an inventory, playbooks/site.yml and roles/', async () => {
    const dir = join(temp(), 'site')
    expect(await main(['init', 'project', dir], () => undefined)).toBe(0)
    expect(files(dir)).toEqual(['ansible.cfg', 'inventories/hosts.ini', 'playbooks/site.yml', 'roles/.gitkeep'])
    expect(readFileSync(join(dir, 'ansible.cfg'), 'utf8')).toContain('[defaults]\ninventory = inventories/hosts.ini\nroles_path = roles\n')
    // a role made next to it is found through roles_path
    initRole('demo', join(dir, 'roles'))
    writeFileSync(join(dir, 'playbooks/site.yml'), '- hosts: all\n  roles: [demo]\n')
    const check = await run(['--syntax-check', 'playbooks/site.yml'], dir)
    expect(check.status, check.stdout + check.stderr).toBe(0)
  }, 60_000)

  it('refuses to overwrite an existing ansible.cfg', () => {
    const dir = temp()
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n')
    expect(() => initProject(dir)).toThrow(`${join(dir, 'ansible.cfg')}: already exists; tsplay init never overwrites files, nothing was written`)
    expect(existsSync(join(dir, 'playbooks'))).toBe(false)
  })
})
