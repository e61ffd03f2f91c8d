// A role's README, generated from the same variable list as its defaults and argument_specs.

/** One role variable as defaults/main.yml and meta/argument_specs.yml describe it. */
export interface RoleVariable {
  readonly name: string
  /** argument_specs type: str, path, int, bool, list, dict. */
  readonly type: string
  readonly default: string
  readonly description: string
}

const cell = (text: string): string => text.replace(/\|/g, '\\|')

/** README.md of a role: what it does, its variables, and how to test it. */
export function roleReadme(role: string, summary: string, variables: readonly RoleVariable[]): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${v.type} | \`${cell(v.default)}\` | ${cell(v.description)} |`)
  return `# ${role}

${summary}.

## Variables

Defaults are in \`defaults/main.yml\`, types and descriptions in \`meta/argument_specs.yml\`.

| variable | type | default | description |
|---|---|---|---|
${rows.join('\n')}

## Use

\`\`\`yaml
- hosts: all
  roles:
    - ${role}
\`\`\`

## Test

\`tsplay test roles/${role}\` applies the role to fresh lab hosts twice (the second run must change nothing),
runs it with \`--check\` (it must predict no change), runs \`tests/verify.yml\` and removes the hosts.
\`tests/scenario.yml\` says how many hosts and which groups and variables.
`
}
