import type { Inventory } from '../inventory/index.js'
import { flattenTasks, type Item, type Play, type Playbook, type Task } from '../load/index.js'
import { displayPath } from '../yaml/index.js'
import { displayName, selectedByTags, tagsOf } from '../run/index.js'

/** What --list-hosts, --list-tasks and --list-tags print, in ansible-playbook's layout. */
export interface ListRequest {
  readonly hosts: boolean
  readonly tasks: boolean
  readonly tags: boolean
  readonly onlyTags: readonly string[]
  readonly skipTags: readonly string[]
  /** Hosts of a play after --limit, as the runner would pick them. */
  readonly hostsOf: (play: Play) => string[]
}

const list = (tags: Iterable<string>): string => `[${[...tags].sort().join(', ')}]`

/** The listing text for a playbook. */
export function listPlaybook(playbook: Playbook, path: string, request: ListRequest, inventory: Inventory): string {
  void inventory
  const out = ['', `playbook: ${displayPath(path)}`]
  playbook.plays.forEach((play, i) => {
    out.push('', `  play #${i + 1} (${[play.hosts].flat().join(',')}): ${play.name}\tTAGS: ${list(tagsOfPlay(play))}`)
    if (request.hosts) {
      const hosts = request.hostsOf(play)
      out.push(`    pattern: [${[play.hosts].flat().map((h) => `'${String(h)}'`).join(', ')}]`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`))
    }
    const tasks = taskList(play).filter((t) => selectedByTags({ tags: request.onlyTags, skipTags: request.skipTags }, t))
    if (request.tasks) {
      out.push('    tasks:')
      for (const t of tasks) out.push(`      ${displayName(t)}\tTAGS: ${list(tagsOf(t))}`)
    }
    if (request.tags) {
      const all = new Set(tasks.flatMap((t) => [...tagsOf(t)]))
      out.push(`      TASK TAGS: ${list(all)}`)
    }
  })
  return out.join('\n') + '\n'
}

const tagsOfPlay = (play: Play): Set<string> => new Set([play.keywords['tags'] ?? []].flat().map(String))

/** Every statically known task of a play (include_* show as the include task itself), meta tasks left out. */
function taskList(play: Play): Task[] {
  const items: Item[] = [...play.preTasks, ...play.tasks, ...play.postTasks]
  return flattenTasks(items).filter((t) => t.action !== 'meta')
}
