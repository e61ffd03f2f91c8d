import { afterAll, describe, expect, it } from 'vitest'
import { ansibleConfig, knownOnly, layOut, removeLaidOut, tsplayConfig, type Scenario } from './dump-compare.js'

afterAll(removeLaidOut)

// Each scenario is run by the real `ansible-config dump` and by `tsplay config dump` in the same folder with the same
// environment; ansible's output, cut to the settings tsplay knows, must be tsplay's byte for byte.
const CFG = 'project/ansible.cfg'

const SCENARIOS: Record<string, Scenario> = {
  'nothing configured': {},
  'defaults section, every kind of type, paths relative to the file': {
    files: {
      [CFG]: [
        '[defaults]',
        'forks = 7',
        'timeout = 20 ; seconds',
        "remote_user = 'deploy'",
        'remote_port = 2222',
        'host_key_checking = False',
        'inventory = hosts, ../shared/inv , ~/inv',
        'roles_path = roles: ~/r:/abs/roles:~/roles',
        'library = ./library',
        'filter_plugins = plugins/filter',
        'lookup_plugins = plugins/lookup',
        'private_key_file = ~/.ssh/deploy',
        'vault_password_file = .vault-pass',
        "vault_identity_list = dev@~/dev, 'prod@prompt'",
        'gathering = smart',
        'jinja2_native = yes',
        'hash_behaviour = merge',
        'keep_remote_files = on',
        'local_tmp = tmp',
        'no_log = 1',
        'display_skipped_hosts = no',
        'stdout_callback = yaml',
        'any_errors_fatal = t',
        'error_on_undefined_vars = false',
        'retry_files_enabled = True',
        'retry_files_save_path = ~/retry',
        'bin_ansible_callbacks = True',
        'private_role_vars = yes',
        'task_timeout = 1_800',
        'transport = ssh',
        'callbacks_enabled = timer, profile_tasks',
        'interpreter_python = auto_silent',
        'unknown_setting = ignored',
        '',
      ].join('\n'),
    },
  },
  'privilege_escalation, inventory, diff and unknown sections': {
    files: {
      [CFG]: '[privilege_escalation]\nbecome = yes\nbecome_user = admin\nbecome_method = su\nbecome_ask_pass = true\nbecome_exe = /usr/bin/sudo\nbecome_flags = -H -S -n\n\n[inventory]\nenable_plugins = ini, yaml, \'script\'\nhost_pattern_mismatch = ignore\nunparsed_is_failed = yes\n\n[diff]\nalways = yes\ncontext = 5\n\n[galaxy]\nserver = https://example.invalid\n[nobody]\nforks = 99\n',
    },
  },
  'environment over the file, the last variable of a setting wins': {
    files: { [CFG]: '[defaults]\nforks = 7\ncollections_paths = a\ncollections_path = b\nbecome = no\n[privilege_escalation]\nbecome = yes\n' },
    env: { ANSIBLE_FORKS: '9', ANSIBLE_COLLECTIONS_PATHS: '/x:/y', ANSIBLE_COLLECTIONS_PATH: 'rel:~/c', ANSIBLE_BECOME_USER: '"quoted"', ANSIBLE_INVENTORY: 'one,two' },
  },
  'the file, the last ini entry of a setting wins': {
    files: { [CFG]: '[defaults]\ncollections_paths = a\ncollections_path = b\ncallback_whitelist = x\n' },
  },
  'an empty variable: default for numbers, false for booleans, the cwd for paths': {
    files: { [CFG]: '[defaults]\nforks = 7\n' },
    env: { ANSIBLE_FORKS: '', ANSIBLE_BECOME: '', ANSIBLE_ROLES_PATH: '', ANSIBLE_REMOTE_USER: '' },
  },
  'ANSIBLE_CONFIG names a folder; relative paths resolve against it': {
    files: { 'conf/ansible.cfg': '[defaults]\nroles_path = roles\ninventory = inv\n', [CFG]: '[defaults]\nforks = 1\n' },
    env: { ANSIBLE_CONFIG: '../conf' },
  },
  'ANSIBLE_CONFIG names a file with another name': {
    files: { 'conf/site.ini': '[defaults]\nforks = 3\n' },
    env: { ANSIBLE_CONFIG: '@ROOT@/conf/site.ini' },
  },
  'ANSIBLE_CONFIG names nothing: the cwd file is read': {
    files: { [CFG]: '[defaults]\nforks = 4\n' },
    env: { ANSIBLE_CONFIG: '@ROOT@/missing.cfg' },
  },
  '~/.ansible.cfg when the cwd has none': {
    files: { 'home/.ansible.cfg': '[defaults]\nforks = 11\nroles_path = r\n' },
  },
  'a world-writable cwd is skipped for ~/.ansible.cfg': {
    files: { [CFG]: '[defaults]\nforks = 12\n', 'home/.ansible.cfg': '[defaults]\nforks = 13\n' },
    worldWritableCwd: true,
  },
  'DEFAULT keys reach existing sections only': {
    files: { [CFG]: '[DEFAULT]\nforks = 3\nbecome = yes\nssh_args = -o X=1\n[defaults]\ntimeout = 4\n' },
  },
  'variables, ~ and {{CWD}} in paths; ANSIBLE_HOME moves the defaults': {
    files: { [CFG]: '[defaults]\nhome = ./ah\nroles_path = $PROJ/roles:{{CWD}}/more:$UNSET/x\nlibrary = ~root/lib\n' },
    env: { PROJ: '/srv/proj' },
  },
  'upper-case keys, multi-line values, raw %': {
    files: { [CFG]: '[defaults]\nFORKS = 6\nroles_path = a:\n  b\nremote_user = 100%(x)s\n[ssh_connection]\nssh_args = -C\n  -o ControlMaster=auto\n\n  -o ControlPersist=1m\n' },
  },
}

const PLUGIN_SCENARIOS: Record<string, Scenario & { readonly plugin: string }> = {
  'ssh connection options, later sections winning': {
    plugin: 'connection.ssh',
    files: { [CFG]: '[defaults]\npipelining = False\ntimeout = 30\nremote_port = 2200\nhost_key_checking = no\n[connection]\npipelining = yes\nretries = 2\n[ssh_connection]\nssh_args = -o ControlMaster=no\nssh_common_args = -o ProxyJump=bastion\nssh_extra_args = -v\ncontrol_path = %(directory)s/%%h-%%r\ncontrol_path_dir = ~/cp\nretries = 3\ntransfer_method = piped\nusetty = no\n' },
  },
  'ssh connection options from the environment': {
    plugin: 'connection.ssh',
    env: { ANSIBLE_SSH_PIPELINING: 'true', ANSIBLE_SSH_ARGS: '', ANSIBLE_SSH_RETRIES: '', ANSIBLE_SSH_TIMEOUT: '5', ANSIBLE_REMOTE_USER: 'u' },
  },
  'default callback options': {
    plugin: 'callback.default',
    files: { [CFG]: '[defaults]\ndisplay_ok_hosts = no\ndisplay_skipped_hosts = false\ncheck_mode_markers = yes\n' },
  },
  'ssh options with nothing changed': { plugin: 'connection.ssh' },
}

describe('tsplay config dump against ansible-config dump', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`--only-changed: ${name}`, async () => {
      const laid = layOut(scenario)
      const ansible = ansibleConfig(laid, ['dump', '--only-changed'])
      expect(ansible.code, ansible.err).toBe(0)
      const ours = await tsplayConfig(laid, ['dump', '--only-changed'])
      expect(ours.code, ours.err).toBe(0)
      expect(ours.out).toBe(knownOnly(ansible.out))
    })
  }

  it('every default and every value when ANSIBLE_HOME and the file move them', async () => {
    const laid = layOut({ files: { [CFG]: '[defaults]\nhome = ../ahome\nforks = 2\n' } })
    const ansible = ansibleConfig(laid, ['dump'])
    expect(ansible.code, ansible.err).toBe(0)
    expect((await tsplayConfig(laid, ['dump'])).out).toBe(knownOnly(ansible.out))
  })

  for (const [name, { plugin, ...scenario }] of Object.entries(PLUGIN_SCENARIOS)) {
    for (const flags of [['--only-changed'], []]) {
      it(`-t ${plugin.replace('.', ' ')} ${flags.join(' ')}: ${name}`, async () => {
        const laid = layOut(scenario)
        const args = ['dump', ...flags, '-t', ...plugin.split('.')]
        const ansible = ansibleConfig(laid, args)
        expect(ansible.code, ansible.err).toBe(0)
        expect((await tsplayConfig(laid, args)).out).toBe(knownOnly(ansible.out, plugin))
      })
    }
  }

  it('-c FILE reads that file (relative to the cwd) instead of searching', async () => {
    const laid = layOut({ files: { 'conf/site.cfg': '[defaults]\nforks = 8\nroles_path = r\n', [CFG]: '[defaults]\nforks = 1\n' } })
    const args = ['dump', '--only-changed', '-c', '../conf/site.cfg']
    const ansible = ansibleConfig(laid, args)
    expect(ansible.code, ansible.err).toBe(0)
    expect((await tsplayConfig(laid, args)).out).toBe(knownOnly(ansible.out))
  })

  it('warns as ansible does about a world-writable cwd holding an ansible.cfg', async () => {
    const laid = layOut({ files: { [CFG]: '[defaults]\nforks = 12\n' }, worldWritableCwd: true })
    // ansible wraps its warning wherever it likes, even inside the path
    const squeeze = (text: string) => text.replace(/\s+/gu, '')
    expect(squeeze(ansibleConfig(laid, ['dump', '--only-changed']).err)).toContain(squeeze(`Ansible is being run in a world writable directory (${laid.cwd}), ignoring it`))
    const ours = await tsplayConfig(laid, ['dump', '--only-changed'])
    expect(ours.err).toContain(`[WARNING]: Ansible is being run in a world writable directory (${laid.cwd}), ignoring it as an ansible.cfg source.`)
    expect(ours.out).toBe('CONFIG_FILE() = None\n')
  })

  const REFUSED: Record<string, Scenario> = {
    'a number that is not one': { files: { [CFG]: '[defaults]\nforks = five\n' } },
    'a value outside the choices': { files: { [CFG]: '[defaults]\ngathering = sometimes\n' } },
    'a variable outside the choices': { env: { ANSIBLE_HASH_BEHAVIOUR: 'append' } },
    'an empty variable where there are choices': { env: { ANSIBLE_GATHERING: '' } },
    'no section header': { files: { [CFG]: 'forks = 5\n' } },
    'a duplicate option': { files: { [CFG]: '[defaults]\nforks = 5\nForks = 6\n' } },
    'a YAML configuration file': { files: { 'conf/ansible.yml': 'forks: 5\n' }, env: { ANSIBLE_CONFIG: '@ROOT@/conf/ansible.yml' } },
  }
  for (const [name, scenario] of Object.entries(REFUSED)) {
    it(`refuses with exit code 5 as ansible: ${name}`, async () => {
      const laid = layOut(scenario)
      expect(ansibleConfig(laid, ['dump', '--only-changed']).code).toBe(5)
      const ours = await tsplayConfig(laid, ['dump', '--only-changed'])
      expect(ours.code).toBe(5)
      expect(ours.out).toBe('')
      expect(ours.err).toMatch(/^tsplay: \S/u)
    })
  }
})

describe('tsplay config view against ansible-config view', () => {
  it('prints the file found, ending in one newline', async () => {
    const laid = layOut({ files: { [CFG]: '[defaults]\n# kept as written\nforks = 3' } })
    const ansible = ansibleConfig(laid, ['view'])
    expect((await tsplayConfig(laid, ['view'])).out).toBe(ansible.out)
  })

  it('fails with exit code 1 when there is no file', async () => {
    const laid = layOut({})
    expect(ansibleConfig(laid, ['view']).code).toBe(1)
    expect((await tsplayConfig(laid, ['view'])).code).toBe(1)
  })
})

describe('tsplay config usage', () => {
  it('refuses what it does not do with exit code 5 and the usage line, lists the settings it knows', async () => {
    const laid = layOut({})
    for (const args of [['frob'], [], ['dump', '--bogus'], ['dump', '-f', 'json'], ['dump', '-t', 'lookup']]) {
      const answer = await tsplayConfig(laid, args)
      expect([answer.code, answer.out], args.join(' ')).toEqual([5, ''])
      expect(answer.err).toMatch(/^tsplay: config: .*\nusage: tsplay config /u)
    }
    const list = await tsplayConfig(laid, ['list'])
    expect(list.code).toBe(0)
    expect(list.out).toContain('DEFAULT_FORKS: integer, default 5; env ANSIBLE_FORKS, ini [defaults] forks\n')
    expect(list.out).toContain('connection.ssh.pipelining: boolean, default false; env ANSIBLE_PIPELINING, env ANSIBLE_SSH_PIPELINING, ini [defaults] pipelining, ini [connection] pipelining, ini [ssh_connection] pipelining\n')
  })
})
