import type { Task } from '../load/index.js'
import type { RunOptions } from './state.js'
import { scopeChain } from './vars.js'

/** Renders a templated `tags:` value; ansible templates tags with the play's variables, not the host's. */
export type RenderTags = (value: unknown) => unknown

/** A task's tags: its own and every enclosing play, role, block and import's (templated ones through `render`). */
export function tagsOf(task: Task, render: RenderTags = (value) => value): Set<string> {
  const tags = new Set<string>()
  for (const raw of [...scopeChain(task.scope).map((s) => s.keywords['tags']), task.keywords['tags']]) {
    const value = raw === undefined || raw === null ? raw : render(raw)
    if (value === undefined || value === null) continue
    for (const t of [value].flat()) for (const part of String(t).split(',')) if (part.trim() !== '') tags.add(part.trim())
  }
  return tags
}

/** Ansible's tag selection (Taggable.evaluate_tags): `always`, `never`, `tagged`, `untagged`, `all`. */
export function selectedByTags(options: Pick<RunOptions, 'tags' | 'skipTags'>, task: Task, render?: RenderTags): boolean {
  return evaluateTags(tagsOf(task, render), options.tags.length ? options.tags : ['all'], options.skipTags)
}

/** The selection rule on a set of tags; an untagged task counts as tagged `untagged`. */
export function evaluateTags(own: ReadonlySet<string>, only: readonly string[], skip: readonly string[]): boolean {
  const tags = own.size > 0 ? own : new Set(['untagged'])
  const untagged = own.size === 0
  const meets = (list: readonly string[]): boolean => list.some((t) => tags.has(t))
  let run = false
  if (tags.has('always')) run = true
  else if (only.includes('all') && !tags.has('never')) run = true
  else if (meets(only)) run = true
  else if (only.includes('tagged') && !untagged && !tags.has('never')) run = true
  if (run && skip.length > 0) {
    if (skip.includes('all')) {
      if (!tags.has('always') || skip.includes('always')) run = false
    } else if (meets(skip)) run = false
    else if (skip.includes('tagged') && !untagged) run = false
  }
  return run
}
