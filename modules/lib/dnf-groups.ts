import { type Command, raw, sh } from '../../engine/connection/index.js'
import { type PackageChange, packageSummary } from './packages.js'

/** What dnf does with a group for a state: Ansible's group_install, group_upgrade (install when not installed), group_remove. */
export type GroupOp = 'install' | 'upgrade' | 'remove'

/** One `@group` of a dnf task, as the host resolved it, with the package changes dnf's own preview shows. */
export interface GroupPlan {
  readonly pattern: string
  /** The group's id; undefined when no group or environment matches the pattern. */
  readonly id?: string
  readonly op: GroupOp
  readonly changes: readonly PackageChange[]
}

/** Marks the part of the gather output that holds the group previews. */
export const GROUPS_MARKER = '@groups'

/**
 * Shell (with `$pm` set) resolving each group's id and printing what `group install|upgrade|remove` would do,
 * from dnf's `--assumeno` preview (which changes nothing): dnf itself decides, as the API does for Ansible.
 */
export function groupProbe(patterns: readonly string[], words: readonly string[], state: 'present' | 'latest' | 'absent'): Command {
  const each = patterns.map((p) => {
    const preview = (op: GroupOp): Command => sh`echo ${`@op ${op}`}; "$pm" ${words} --assumeno group ${op} -- ${p} 2>&1`
    const act = state === 'absent' ? preview('remove')
      : state === 'present' ? preview('install')
      // latest: upgrade an installed group, install one that is not (Ansible catches the CompsError the same way).
      : sh`out=$("$pm" ${words} --assumeno group upgrade -- ${p} 2>&1); if printf '%s\n' "$out" | grep -q 'is not installed'; then ${raw(preview('install'))}; else echo '@op upgrade'; printf '%s\n' "$out"; fi`
    // The preview names only the new version of an upgrade: rpm tells the installed one (`@old NAME EVR`).
    return sh`echo ${`@group ${p}`}
id=$("$pm" -q ${words} group info -v -- ${p} 2>/dev/null | sed -n 's/^ *Group-Id: //p' | head -n 1)
echo "@id $id"
if [ -n "$id" ]; then preview=$(${raw(act)}); printf '%s\n' "$preview"
printf '%s\n' "$preview" | awk '/^(Upgrading|Downgrading)/{u=1; next} /^[^ ]/{u=0} u && /^ /{print $1}' | while read -r n; do rpm -q --qf '@old %{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' -- "$n"; done; fi`
  })
  return sh`echo ${GROUPS_MARKER}
${raw(each.join('\n'))}`
}

const SECTION = /^(Installing|Upgrading|Downgrading|Reinstalling|Removing)(.*):$/
const ROW = /^ (\S+)\s+(\S+)\s+(\S+)\s+(\S+)/

/** Read dnf's transaction table: the packages under each Installing/Upgrading/Removing… heading (group headings skipped). */
export function parsePreview(text: string, group: string): PackageChange[] {
  const old = new Map([...text.matchAll(/^@old (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]))
  const changes: PackageChange[] = []
  let kind: PackageChange['kind'] | undefined
  for (const line of text.split('\n')) {
    const heading = SECTION.exec(line)
    if (heading) {
      // "Installing Groups:", "Removing Environment Groups:": the rows are names, not packages.
      kind = /Groups/.test(heading[2]!) ? undefined : heading[1] === 'Removing' ? 'remove' : heading[1] === 'Upgrading' ? 'upgrade' : heading[1] === 'Downgrading' ? 'downgrade' : 'install'
      continue
    }
    if (!line.startsWith(' ')) kind = undefined
    const row = kind === undefined ? null : ROW.exec(line)
    if (!row || kind === undefined) continue
    const [, name, arch, version] = row as unknown as [string, string, string, string]
    const remove = kind === 'remove'
    const from = remove ? version : old.get(name)
    changes.push({ kind, name, arch, ...(from === undefined ? {} : { from }), ...(remove ? {} : { to: version }), summary: `${packageSummary(kind, name, from, remove ? undefined : version)} (group ${group})` })
  }
  return changes
}

/** Split the group part of the gather output into one plan per group, in the order asked. */
export function parseGroupProbe(text: string): GroupPlan[] {
  const plans: GroupPlan[] = []
  for (const block of text.split(/^@group /m).slice(1)) {
    const [pattern = '', ...rest] = block.split('\n')
    const body = rest.join('\n')
    const id = /^@id (.*)$/m.exec(body)?.[1]?.trim()
    const op = (/^@op (\w+)$/m.exec(body)?.[1] ?? 'install') as GroupOp
    plans.push({ pattern, ...(id ? { id } : {}), op, changes: id ? parsePreview(body, id) : [] })
  }
  return plans
}
