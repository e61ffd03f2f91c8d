import { percentFormat } from '../methods.js'
import { LookupError, termText, type LookupPlugin } from './context.js'
import { parseKv } from './kv.js'

// [start-]end[/stride][:format], numbers in decimal, hex (0x) or octal as Python's int(x, 0) reads them
const NUM = '(0?x?[0-9a-f]+)'
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'is')

/** Python's `int(text, 0)`: decimal (no leading zeros), 0x hex, 0o octal, 0b binary; undefined when invalid. */
function int0(text: string): number | undefined {
  const t = text.trim().replace(/(\d)_(?=\d)/g, '$1')
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0+|[1-9]\d*))$/.exec(t)
  if (!m) return undefined
  const value = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : m[4] !== undefined ? parseInt(m[4], 2) : Number(m[5])
  return m[1] === '-' ? -value : value
}

interface Spec {
  start: number
  end?: number
  count?: number
  stride: number
  format: string
}

function number(name: string, raw: string): number {
  const value = int0(raw)
  if (value === undefined) throw new LookupError(`can't parse ${name}=${raw} as integer`)
  return value
}

function parse(term: string): Spec {
  const spec: Spec = { start: 1, stride: 1, format: '%d' }
  const m = SHORTCUT.exec(term)
  if (m) {
    if (m[2] !== undefined) spec.start = number('start', m[2])
    spec.end = number('end', m[3]!)
    if (m[5] !== undefined) spec.stride = number('stride', m[5])
    if (m[7] !== undefined) spec.format = m[7]
    return spec
  }
  const args = parseKv(term)
  for (const name of ['start', 'end', 'count', 'stride'] as const) {
    const raw = args[name]
    delete args[name]
    if (raw !== undefined) spec[name] = number(name, raw)
  }
  if (args['format'] !== undefined) spec.format = args['format']
  delete args['format']
  const rest = Object.keys(args)
  if (rest.length > 0) throw new LookupError(`unrecognized arguments to with_sequence: [${rest.map((k) => `'${k}'`).join(', ')}]`)
  return spec
}

function generate(spec: Spec): string[] {
  let { start, end, stride } = spec
  if (spec.count === undefined && end === undefined) throw new LookupError('must specify count or end in with_sequence')
  if (spec.count !== undefined && end !== undefined) throw new LookupError("can't specify both count and end in with_sequence")
  if (spec.count !== undefined) {
    if (spec.count !== 0) end = start + spec.count * stride - 1
    else [start, end, stride] = [0, 0, 0]
  }
  if (stride > 0 && end! < start) throw new LookupError('to count backwards make stride negative')
  if (stride < 0 && end! > start) throw new LookupError("to count forward don't make stride negative")
  if (spec.format.split('%').length !== 2) throw new LookupError(`bad formatting string: ${spec.format}`)
  if (stride === 0) return []
  const out: string[] = []
  // Python's range(start, end + adjust, stride)
  const stop = end! + (stride > 0 ? 1 : -1)
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) out.push(percentFormat(spec.format, i))
  return out
}

/** `sequence`: numbers as strings, from `start=1 end=10 stride=2 format=x%02d`, `count=4` or the shortcut `4-8/2:host%02d`. */
export const sequenceLookup: LookupPlugin = (terms) => terms.flatMap((term) => generate(parse(termText(term, 'sequence'))))
