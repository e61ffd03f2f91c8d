import type { Inventory } from '../inventory/index.js'
import { type Item, type Play, type Playbook, type Task } from '../load/index.js'
import { displayPath } from '../yaml/index.js'
import { type RenderTags, scopeChain, selectedByTags, tagsOf } from '../run/index.js'
import { isTemplated, lazyVars, renderValue, type Vars } from '../template/index.js'

/** What --list-hosts, --list-tasks and --list-tags print, in ansible-playbook's layout. */
export interface ListRequest {
  readonly hosts: boolean
  readonly tasks: boolean
  readonly tags: boolean
  readonly onlyTags: readonly string[]
  readonly skipTags: readonly string[]
  /** Hosts of a play after --limit, as the runner would pick them. */
  readonly hostsOf: (play: Play) => string[]
  /** `-e` variables: with the play's variables, what templated tags are rendered with. */
  readonly extraVars: Vars
}

const list = (tags: Iterable<string>): string => `[${[...tags].sort().join(', ')}]`

// ansible-playbook prints a play's own tags as a Python set joined by ',' (so in hash order when there are several;
// written order here) and host lists as sets too (inventory order here)

/** The listing text for a playbook. */
export function listPlaybook(playbook: Playbook, path: string, request: ListRequest, inventory: Inventory): string {
  void inventory
  const out = ['', `playbook: ${displayPath(path)}`]
  playbook.plays.forEach((play, i) => {
    const render = tagRenderer({ ...play.vars, ...request.extraVars })
    out.push('', `  play #${i + 1} (${[play.hosts].flat().join(',')}): ${play.name}\tTAGS: [${[...tagsOfPlay(play, render)].join(',')}]`)
    // ansible-playbook selects every play's hosts while it lists (warning of names that match nothing)
    const hosts = request.hostsOf(play)
    if (request.hosts) {
      out.push(`    pattern: [${[play.hosts].flat().map((h) => `'${String(h)}'`).join(', ')}]`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`))
    }
    const tasks = taskList(play).filter((t) => selectedByTags({ tags: request.onlyTags, skipTags: request.skipTags }, t, render))
    if (request.tasks) {
      out.push('    tasks:')
      for (const t of tasks) out.push(`      ${listedName(t)}\tTAGS: ${list(tagsOf(t, render))}`)
    }
    if (request.tags) {
      const all = new Set([...tagsOfPlay(play, render), ...tasks.flatMap((t) => [...tagsOf(t, render)])])
      out.push(`      TASK TAGS: ${list(all)}`)
    }
  })
  return out.join('\n') + '\n'
}

const tagsOfPlay = (play: Play, render: RenderTags): Set<string> => {
  const raw = play.keywords['tags']
  return new Set([raw === undefined || raw === null ? [] : render(raw)].flat().map(String))
}

/** Templated tags rendered with the play-level variables (ansible's `variable_manager.get_vars(play=play)`). */
function tagRenderer(vars: Vars): RenderTags {
  let view: Vars | undefined
  return (value) => (isTemplated(value) ? renderValue(value, (view ??= lazyVars(vars))) : value)
}

/**
 * Every task ansible-playbook lists: the `block:` part of blocks only (not rescue or always), roles as often as the
 * play names them, meta tasks included (ansible leaves out only the implicit ones it adds itself).
 */
function taskList(play: Play): Task[] {
  const walk = (items: readonly Item[]): Task[] => items.flatMap((i) => (i.kind === 'task' ? [i] : walk(i.block)))
  return walk([...play.preTasks, ...play.tasks, ...play.postTasks])
}

const INCLUDE_ROLE = /^(ansible\.(builtin|legacy)\.)?include_role$/ // named include_role tasks: the name alone

/** A task as the listing names it (ansible's Task.get_name): unnamed tasks by their action as written, without the role. */
function listedName(task: Task): string {
  const name = task.keywords['name']
  // an unnamed include_role's banner names its role (`include_role : r`); the listing shows the action alone
  if (name === undefined || name === null || name === '') return INCLUDE_ROLE.test(task.action) ? task.name.split(' : ')[0]! : task.name
  if (INCLUDE_ROLE.test(task.action)) return String(name)
  const role = scopeChain(task.scope).reverse().find((s) => s.role)?.role
  return role ? `${role.name} : ${String(name)}` : String(name)
}
