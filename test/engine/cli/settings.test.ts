import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../engine/config/index.js'
import { runSettings, withConnectionDefaults } from '../../../engine/cli/settings.js'

function project(cfg: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'settings-'))
  writeFileSync(join(dir, 'ansible.cfg'), cfg)
  writeFileSync(join(dir, 'hosts.ini'), 'h1\n')
  return dir
}

const load = (dir: string, env: Record<string, string> = {}) => runSettings(loadConfig({ cwd: dir, env: { HOME: dir, ...env }, systemFile: join(dir, 'none.cfg') }))

describe('runSettings', () => {
  it('types what ansible.cfg says, paths relative to its folder', () => {
    const dir = project('[defaults]\ninventory = hosts.ini, missing.ini\nroles_path = r1:r2\nlibrary = lib\ncollections_path = colls\nforks = 7\nremote_user = deploy\nremote_port = 2222\ntimeout = 33\ngathering = smart\ngather_subset = network\nany_errors_fatal = true\n[privilege_escalation]\nbecome = yes\nbecome_user = admin\nbecome_method = su\n')
    const s = load(dir)
    expect(s.inventory).toEqual([join(dir, 'hosts.ini')])
    expect(s.paths).toEqual({ roles: [join(dir, 'r1'), join(dir, 'r2')], library: [join(dir, 'lib')], collections: [join(dir, 'colls')], scanSysPath: true })
    expect([s.forks, s.timeout, s.gathering, s.gatherSubset, s.anyErrorsFatal]).toEqual([7, 33, 'smart', ['network'], true])
    expect([s.become, s.becomeUser, s.becomeMethod]).toEqual([true, 'admin', 'su'])
    expect(s.connectionDefaults).toMatchObject({ ansible_user: 'deploy', ansible_port: 2222 })
  })

  it('leaves forks to tsplay when nothing sets it, and lets ANSIBLE_* win over the file', () => {
    const dir = project('[defaults]\nforks = 7\nremote_user = deploy\n')
    expect(load(project('')).forks).toBeUndefined()
    const s = load(dir, { ANSIBLE_FORKS: '2', ANSIBLE_REMOTE_USER: 'env', ANSIBLE_SSH_ARGS: '-o X=1' })
    expect(s.forks).toBe(2)
    expect(s.connectionDefaults).toMatchObject({ ansible_user: 'env', ansible_ssh_args: '-o X=1' })
  })
})

describe('withConnectionDefaults', () => {
  it('puts configured values under the host variables', () => {
    const s = load(project('[defaults]\nremote_user = deploy\nprivate_key_file = k\n[ssh_connection]\nssh_extra_args = -o A=b\n'))
    const vars = withConnectionDefaults({ ansible_host: 'x', ansible_user: 'own' }, s)
    expect([vars['ansible_user'], vars['ansible_ssh_extra_args'], vars['ansible_host']]).toEqual(['own', '-o A=b', 'x'])
    expect(String(vars['ansible_ssh_private_key_file'])).toMatch(/\/k$/)
    expect(withConnectionDefaults({}, s)['ansible_user']).toBe('deploy')
    expect(withConnectionDefaults({}, s)['ansible_ssh_args']).toBe('-C -o ControlMaster=auto -o ControlPersist=60s')
  })

  it('turns host_key_checking = False into StrictHostKeyChecking=no, which a host variable can undo', () => {
    const s = load(project('[defaults]\nhost_key_checking = False\n[ssh_connection]\nssh_common_args = -o Y=1\n'))
    expect(withConnectionDefaults({}, s)['ansible_ssh_common_args']).toBe('-o Y=1 -o StrictHostKeyChecking=no')
    expect(withConnectionDefaults({ ansible_host_key_checking: true }, s)['ansible_ssh_common_args']).toBe('-o Y=1')
    expect(withConnectionDefaults({}, load(project('')))['ansible_ssh_common_args']).toBe('')
  })
})
