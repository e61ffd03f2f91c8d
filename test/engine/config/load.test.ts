import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../engine/config/index.js'
import { layOut, removeLaidOut, type Scenario } from './dump-compare.js'

afterAll(removeLaidOut)

function load(scenario: Scenario, systemFile = '/nonexistent/ansible.cfg') {
  const laid = layOut(scenario)
  return { laid, config: loadConfig({ cwd: laid.cwd, env: laid.env, systemFile }) }
}

function failure(scenario: Scenario): string {
  try {
    load(scenario)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  return 'no error'
}

describe('loadConfig', () => {
  it('types each value by the table and records where it came from', () => {
    const { laid, config } = load({
      files: { 'project/ansible.cfg': '[defaults]\nforks = 7\nroles_path = roles:/r\n[ssh_connection]\npipelining = yes\n' },
      env: { ANSIBLE_BECOME: 'true', ANSIBLE_TIMEOUT: '30' },
    })
    const file = join(laid.cwd, 'ansible.cfg')
    expect(config.file).toBe(file)
    expect(config.get('DEFAULT_FORKS')).toBe(7)
    expect(config.origin('DEFAULT_FORKS')).toBe(file)
    expect(config.get('DEFAULT_ROLES_PATH')).toEqual([join(laid.cwd, 'roles'), '/r'])
    expect(config.get('DEFAULT_BECOME')).toBe(true)
    expect(config.origin('DEFAULT_BECOME')).toBe('env: ANSIBLE_BECOME')
    expect(config.get('connection.ssh.timeout')).toBe(30)
    expect(config.get('connection.ssh.pipelining')).toBe(true)
    expect(config.get('DEFAULT_REMOTE_USER')).toBeNull()
    expect(config.origin('DEFAULT_REMOTE_USER')).toBe('default')
    expect(config.get('COLLECTIONS_PATHS')).toEqual([join(laid.env['HOME']!, '.ansible/collections'), '/usr/share/ansible/collections'])
    expect(config.warnings).toEqual([])
    expectTypeOf(config.get('DEFAULT_FORKS')).toEqualTypeOf<number>()
    expectTypeOf(config.get('DEFAULT_REMOTE_PORT')).toEqualTypeOf<number | null>()
    expectTypeOf(config.get('HOST_KEY_CHECKING')).toEqualTypeOf<boolean>()
    expectTypeOf(config.get('DEFAULT_HOST_LIST')).toEqualTypeOf<readonly string[]>()
    expectTypeOf(config.get('DEFAULT_PRIVATE_KEY_FILE')).toEqualTypeOf<string | null>()
    expectTypeOf(config.get('DEFAULT_VAULT_ID_MATCH')).toEqualTypeOf<string | boolean>()
  })

  it('falls back to the system file, and reads an explicit file instead of searching', () => {
    const laid = layOut({ files: { 'etc/ansible.cfg': '[defaults]\nforks = 2\n', 'other.cfg': '[defaults]\nforks = 3\n' } })
    const system = join(laid.root, 'etc/ansible.cfg')
    expect(loadConfig({ cwd: laid.cwd, env: laid.env, systemFile: system }).get('DEFAULT_FORKS')).toBe(2)
    const explicit = loadConfig({ cwd: laid.cwd, env: laid.env, systemFile: system, file: join(laid.root, 'other.cfg') })
    expect([explicit.file, explicit.get('DEFAULT_FORKS')]).toEqual([join(laid.root, 'other.cfg'), 3])
  })

  it('warns when a deprecated setting is used, as ansible does', () => {
    const { config } = load({ env: { ANSIBLE_GATHER_SUBSET: '!all' } })
    expect(config.get('DEFAULT_GATHER_SUBSET')).toEqual(['!all'])
    expect(config.warnings).toEqual([expect.stringMatching(/^DEFAULT_GATHER_SUBSET option, the module_defaults keyword .*, use module_defaults instead\. This feature will be removed from ansible-core in version 2\.18\.$/u)])
  })

  it('names the file and line of a bad value, the variable of a bad environment value', () => {
    const laid = layOut({ files: { 'project/ansible.cfg': '[defaults]\n\nforks = many\n' } })
    expect(() => loadConfig({ cwd: laid.cwd, env: laid.env })).toThrow(`${laid.cwd}/ansible.cfg:3:1: invalid type for configuration option DEFAULT_FORKS (from ${laid.cwd}/ansible.cfg): invalid literal for int() with base 10: 'many'`)
    expect(failure({ env: { ANSIBLE_TIMEOUT: '1.5' } })).toBe("invalid type for configuration option DEFAULT_TIMEOUT (from env: ANSIBLE_TIMEOUT): invalid literal for int() with base 10: '1.5'")
    expect(failure({ env: { ANSIBLE_HOST_PATTERN_MISMATCH: 'loud' } })).toBe('invalid value "loud" for configuration option HOST_PATTERN_MISMATCH (from env: ANSIBLE_HOST_PATTERN_MISMATCH), valid values are: error, warning, ignore')
    expect(failure({ files: { 'conf/x.txt': '' }, env: { ANSIBLE_CONFIG: '@ROOT@/conf/x.txt' } })).toMatch(/x\.txt: unsupported configuration file extension: \.txt$/u)
  })

  it('reads ANSIBLE_CONFIG relative to the cwd and skips it when it names nothing', () => {
    const { laid, config } = load({ files: { 'conf/ansible.cfg': '[defaults]\nforks = 21\n' }, env: { ANSIBLE_CONFIG: '../conf/' } })
    expect([config.file, config.get('DEFAULT_FORKS')]).toEqual([join(laid.root, 'conf/ansible.cfg'), 21])
    writeFileSync(join(laid.cwd, 'ansible.cfg'), '[defaults]\nforks = 22\n')
    const fallback = loadConfig({ cwd: laid.cwd, env: { ...laid.env, ANSIBLE_CONFIG: 'nope.cfg' }, systemFile: '/nonexistent' })
    expect(fallback.get('DEFAULT_FORKS')).toBe(22)
  })
})
