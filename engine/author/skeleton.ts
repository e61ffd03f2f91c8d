// The files `tsplay init` writes. The role's texts are built from one variable table so that defaults,
// argument_specs, the README and the verify play cannot disagree about a variable's name or default.
import { roleReadme, type RoleVariable } from './readme.js'

/** A file to write: its path relative to the directory being initialised, and its text. */
export interface SkeletonFile {
  readonly path: string
  readonly text: string
}

/** The variables the skeleton role starts with. */
export function skeletonVariables(role: string): RoleVariable[] {
  return [
    { name: `${role}_dir`, type: 'path', default: `/etc/${role}`, description: `Directory the ${role} role manages.` },
    { name: `${role}_greeting`, type: 'str', default: `hello from ${role}`, description: `Greeting written into ${role}.conf.` },
  ]
}

const yamlString = (value: string): string => JSON.stringify(value)

/** defaults/main.yml: every variable with the comment that describes it. */
export function defaultsText(role: string, variables: readonly RoleVariable[]): string {
  const entries = variables.map((v) => `# ${v.description}\n${v.name}: ${yamlString(v.default)}\n`)
  return `# Variables of the ${role} role, with their defaults: override them in group_vars, host_vars or the play.\n# Keep meta/argument_specs.yml in step (tsplay init wrote both from one list).\n\n${entries.join('\n')}`
}

/** meta/argument_specs.yml in ansible-core 2.14's format. */
export function argumentSpecsText(role: string, variables: readonly RoleVariable[]): string {
  const options = variables.map((v) => `      ${v.name}:\n        type: ${v.type}\n        default: ${yamlString(v.default)}\n        description: ${yamlString(v.description)}\n`)
  return `# The role's arguments, checked before its tasks run (ansible-core 2.14 format).\nargument_specs:\n  main:\n    short_description: ${yamlString(`Set up ${role} on every host`)}\n    description:\n      - ${yamlString(`Creates ${`/etc/${role}`} and writes ${role}.conf from a template.`)}\n    options:\n${options.join('')}`
}

/** The role skeleton of `tsplay init role NAME`, paths relative to the role's directory. */
export function roleSkeleton(role: string): SkeletonFile[] {
  const variables = skeletonVariables(role)
  const [dir, greeting] = variables.map((v) => v.name) as [string, string]
  const handler = `${role} configuration changed`
  return [
    {
      path: 'tasks/main.yml',
      text: `# Tasks of the ${role} role. Each task must be idempotent: \`tsplay test\` applies the role twice and fails
# when the second run changes anything (give command and shell tasks \`creates\` or \`changed_when\`).

- name: create the ${role} directory
  file:
    path: "{{ ${dir} }}"
    state: directory
    mode: "0755"

- name: write ${role}.conf
  template:
    src: ${role}.conf.j2
    dest: "{{ ${dir} }}/${role}.conf"
    mode: "0644"
  notify: ${handler}
`,
    },
    {
      path: 'handlers/main.yml',
      text: `# Handlers run once at the end of the play when a task notified them (a task that changed something).

- name: ${handler}
  debug:
    msg: "${role}.conf changed: restart what reads it here"
`,
    },
    { path: 'defaults/main.yml', text: defaultsText(role, variables) },
    {
      path: `templates/${role}.conf.j2`,
      text: `# Written by the ${role} role; local changes are overwritten.
greeting = {{ ${greeting} }}
`,
    },
    {
      path: 'meta/main.yml',
      text: `galaxy_info:
  role_name: ${role}
  author: your name
  description: ${yamlString(`Set up ${role} on every host`)}
  license: MIT
  min_ansible_version: "2.14"
  platforms:
    - name: Debian
      versions:
        - bookworm

# Roles that must run before this one.
dependencies: []
`,
    },
    { path: 'meta/argument_specs.yml', text: argumentSpecsText(role, variables) },
    { path: 'README.md', text: roleReadme(role, `Set up ${role} on every host`, variables) },
    {
      path: 'tests/scenario.yml',
      text: `# The scenario of \`tsplay test\`: fresh lab hosts, the role applied twice (the second run must change
# nothing), --check (must predict nothing), then tests/verify.yml; the hosts are removed at the end (--keep
# keeps them).

# How many fresh lab hosts (--hosts N overrides).
hosts: 1
# The hosts' distribution: the lab provides debian-bookworm.
distribution: debian-bookworm
# Inventory groups the hosts are put in, besides all.
groups: []
# Variables for every step, as -e gives them.
vars: {}
`,
    },
    {
      path: 'tests/verify.yml',
      text: `# Checks on the converged hosts, run by \`tsplay test\` after the role: stat, command with changed_when: false,
# and assert. A failing assertion fails the test and is reported with its message.

- name: verify ${role}
  hosts: all
  gather_facts: false
  vars_files:
    - ../defaults/main.yml
  tasks:
    - name: read ${role}.conf
      stat:
        path: "{{ ${dir} }}/${role}.conf"
      register: ${role}_conf

    - name: ${role}.conf exists, owned by root, not writable by others
      assert:
        that:
          - ${role}_conf.stat.exists
          - ${role}_conf.stat.pw_name == 'root'
          - ${role}_conf.stat.mode == '0644'
        fail_msg: "{{ ${dir} }}/${role}.conf is missing or has the wrong owner or mode"
`,
    },
  ]
}

/** The project skeleton of `tsplay init project`, paths relative to the project directory. */
export function projectSkeleton(): SkeletonFile[] {
  return [
    {
      path: 'ansible.cfg',
      text: `# Read by tsplay and ansible-playbook alike when they run from this directory.
[defaults]
inventory = inventories/hosts.ini
roles_path = roles
`,
    },
    {
      path: 'inventories/hosts.ini',
      text: `# The hosts of this project; \`tsplay lab up N\` writes a ready one for lab hosts (inventories/lab.ini).
[site]
# node1 ansible_host=192.0.2.10

[all:vars]
ansible_user=root
`,
    },
    {
      path: 'playbooks/site.yml',
      text: `# The site playbook: tsplay run playbooks/site.yml
# Add roles made with \`tsplay init role NAME\` (they go to roles/NAME) to the list below.

- name: configure every host
  hosts: all
  roles: []
`,
    },
    { path: 'roles/.gitkeep', text: '' },
  ]
}
