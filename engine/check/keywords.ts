// The values of play, block and task keywords that can be judged before running: booleans, numbers, tags,
// become_method, serial, strategy, order, vars, args, a loop over a literal that is not a list.
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml'
import type { SourceFile } from '../yaml/index.js'
import type { Findings } from './findings.js'
import { pairIn, whereIs } from './locate.js'

const BOOLEANS = ['become', 'no_log', 'ignore_errors', 'ignore_unreachable', 'run_once', 'any_errors_fatal', 'gather_facts', 'check_mode', 'diff', 'force_handlers', 'delegate_facts']
const NUMBERS = ['throttle', 'async', 'poll', 'retries', 'delay', 'timeout', 'port', 'max_fail_percentage']
// ansible-core's become plugins and community.general's
const BECOME_METHODS = new Set(['sudo', 'su', 'runas', 'doas', 'dzdo', 'ksu', 'machinectl', 'pbrun', 'pfexec', 'pmrun', 'sesu', 'sudosu', 'enable'])
const STRATEGIES = new Set(['linear', 'free', 'debug', 'host_pinned'])
const ORDERS = new Set(['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'])
// what PyYAML does not read as a bool but ansible's boolean() still takes
const BOOLISH = /^(y|yes|on|true|t|1|1\.0|n|no|off|false|f|0|0\.0)$/i

const templated = (v: unknown): boolean => typeof v === 'string' && /\{\{|\{%/.test(v)
const isInt = (v: unknown): boolean => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v))

/** Check the keyword values of one play, block or task mapping. */
export function checkKeywordValues(f: Findings, src: SourceFile, map: YAMLMap, what: 'play' | 'block' | 'task'): void {
  const value = (key: string): { node: Node | null | undefined; v: unknown } | undefined => {
    const pair = pairIn(map, key)
    if (pair === undefined) return undefined
    const node = pair.value as Node | null
    return { node, v: isScalar(node) ? node.value : (node as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null }
  }
  const at = (node: unknown) => whereIs(src, node, whereIs(src, map, { file: src.path, line: 1, col: 1 }))
  for (const key of BOOLEANS) {
    const got = value(key)
    if (got === undefined || typeof got.v === 'boolean' || templated(got.v) || ((typeof got.v === 'string' || typeof got.v === 'number') && BOOLISH.test(String(got.v)))) continue
    f.add(at(got.node), 'error', 'not-boolean', `${key}: expected a boolean, got ${JSON.stringify(got.v)}`)
  }
  for (const key of NUMBERS) {
    const got = value(key)
    if (got === undefined || got.v === null || isInt(got.v) || templated(got.v) || (key === 'max_fail_percentage' && (typeof got.v === 'number' || /^\s*\d+(\.\d+)?\s*%?\s*$/.test(String(got.v))))) continue
    f.add(at(got.node), 'error', 'bad-number', `${key}: expected an integer, got ${JSON.stringify(got.v)}`)
  }
  const become = value('become_method')
  if (become !== undefined && !templated(become.v) && !BECOME_METHODS.has(String(become.v))) f.add(at(become.node), 'error', 'bad-become-method', `become_method: unknown become plugin '${String(become.v)}' (expected one of ${[...BECOME_METHODS].join(', ')})`)
  const tags = value('tags')
  if (tags !== undefined && tags.v !== null && !isTagList(tags.v)) f.add(at(tags.node), 'error', 'bad-tags', 'tags: expected a tag, a comma-separated string of tags or a list of them')
  checkVarsValue(f, value('vars'), at, what)
  if (what === 'play') checkPlayValues(f, value, at)
  if (what === 'task') checkTaskValues(f, value, at)
}

function isTagList(v: unknown): boolean {
  const tag = (t: unknown): boolean => typeof t === 'string' || typeof t === 'number'
  return tag(v) || (Array.isArray(v) && v.every(tag))
}

type Value = { node: Node | null | undefined; v: unknown } | undefined
type At = (node: unknown) => { file: string; line: number; col: number }

function checkVarsValue(f: Findings, vars: Value, at: At, what: string): void {
  if (vars === undefined || vars.v === null) return
  const ok = isMap(vars.node) || (what === 'play' && isSeq(vars.node) && vars.node.items.every(isMap))
  if (!ok) f.add(at(vars.node), 'error', 'vars-not-mapping', `vars: expected a mapping of variables${what === 'play' ? ' (or a list of mappings)' : ''}`)
}

function checkPlayValues(f: Findings, value: (key: string) => Value, at: At): void {
  const serial = value('serial')
  const serialItem = (s: unknown): boolean => isInt(s) || templated(s) || (typeof s === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(s))
  if (serial !== undefined && serial.v !== null && !(serialItem(serial.v) || (Array.isArray(serial.v) && serial.v.length > 0 && serial.v.every(serialItem)))) {
    f.add(at(serial.node), 'error', 'bad-serial', `serial: expected a number of hosts, a percentage or a list of them, got ${JSON.stringify(serial.v)}`)
  }
  const strategy = value('strategy')
  if (strategy !== undefined && !templated(strategy.v) && !STRATEGIES.has(String(strategy.v))) f.add(at(strategy.node), 'error', 'unknown-strategy', `strategy: unknown strategy plugin '${String(strategy.v)}'`)
  const order = value('order')
  if (order !== undefined && !templated(order.v) && !ORDERS.has(String(order.v))) f.add(at(order.node), 'error', 'bad-order', `order: expected one of ${[...ORDERS].join(', ')}, got '${String(order.v)}'`)
}

function checkTaskValues(f: Findings, value: (key: string) => Value, at: At): void {
  const args = value('args')
  if (args !== undefined && args.v !== null && !isMap(args.node) && !templated(args.v)) f.add(at(args.node), 'error', 'args-not-mapping', 'args: expected a mapping of module arguments')
  const loop = value('loop')
  // a literal string, number or mapping is not a list: ansible fails the task ("Invalid data passed to 'loop'")
  if (loop !== undefined && loop.v !== null && !Array.isArray(loop.v) && !templated(loop.v)) f.add(at(loop.node), 'error', 'loop-not-list', `loop: expected a list, got ${isMap(loop.node) ? 'a mapping' : JSON.stringify(loop.v)}`)
  const env = value('environment')
  if (env !== undefined && env.v !== null && !isMap(env.node) && !templated(env.v) && !isSeq(env.node)) f.add(at(env.node), 'error', 'bad-environment', 'environment: expected a mapping of variables')
}
