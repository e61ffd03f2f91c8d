// Telling a misspelt task keyword from an unknown module: the loader's "unknown keyword or module" means either.
import { resolve } from 'node:path'
import { isMap, isScalar, visit, type Pair } from 'yaml'
import { resolveModuleName } from '../../modules/index.js'
import { ENGINE_ACTIONS } from '../load/index.js'
import { loadYaml } from '../yaml/index.js'
import type { Problem } from './problem.js'

/**
 * An `unknown-keyword-or-module` problem becomes `unknown-keyword` when the task already has a module (the key
 * is a misspelt keyword), `unknown-module` when it has none (the key was meant as its module).
 */
export function refineKind(p: Problem): Problem {
  if (p.kind !== 'unknown-keyword-or-module') return p
  const siblings = keysBeside(p)
  if (siblings === undefined) return p
  const hasAction = siblings.some((k) => k === 'action' || k === 'local_action' || resolveModuleName(k) !== undefined || ENGINE_ACTIONS.has(k.replace(/^ansible\.(builtin|legacy)\./, '')))
  return { ...p, kind: hasAction ? 'unknown-keyword' : 'unknown-module' }
}

// the other keys of the mapping whose key is at the problem's place
function keysBeside(p: Problem): string[] | undefined {
  let src
  try {
    src = loadYaml(resolve(p.file))
  } catch {
    return undefined
  }
  const offset = (src.lines.lineStarts[p.line - 1] ?? 0) + p.col - 1
  let found: string[] | undefined
  visit(src.doc, {
    Map: (_key, map) => {
      if (!isMap(map) || !(map.items as Pair[]).some((pair) => isScalar(pair.key) && pair.key.range?.[0] === offset)) return undefined
      found = (map.items as Pair[]).filter((pair) => !(isScalar(pair.key) && pair.key.range?.[0] === offset)).map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key))
      return visit.BREAK
    },
  })
  return found
}
