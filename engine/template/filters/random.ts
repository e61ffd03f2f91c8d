import { createHash, randomBytes } from 'node:crypto'
import { TemplateError } from '../../errors.js'
import { pythonStr, pythonTruthy } from '../../python/index.js'
import { bindArgs } from '../args.js'
import type { Filter } from './types.js'

// `random(seed=...)` and `shuffle(seed=...)` must give what ansible gives for the same seed (roles pick
// cron minutes with `59 | random(seed=inventory_hostname)`), so this is CPython's random.Random:
// MT19937 seeded the way CPython 3.11 seeds it, and its randrange/choice/shuffle on top.

const N = 624

/** CPython's random.Random for the operations ansible's filters use. */
class PythonRandom {
  private readonly mt = new Uint32Array(N)
  private index = N + 1

  constructor(seed: unknown) {
    this.initByArray(seedWords(seed))
  }

  private initGenrand(s: number): void {
    const mt = this.mt
    mt[0] = s >>> 0
    for (let i = 1; i < N; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0
    this.index = N
  }

  private initByArray(key: number[]): void {
    const mt = this.mt
    this.initGenrand(19650218)
    let i = 1
    let j = 0
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1664525)) + key[j]! + j) >>> 0
      i++
      j++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
      if (j >= key.length) j = 0
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1566083941)) - i) >>> 0
      i++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
    }
    mt[0] = 0x80000000
  }

  private next32(): number {
    const mt = this.mt
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff)
        mt[k] = mt[(k + 397) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      this.index = 0
    }
    let y = mt[this.index++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** random.getrandbits(k): 32-bit words, least significant first, the last one cut to size. */
  private bits(k: number): bigint {
    let out = 0n
    for (let shift = 0n; k > 0; k -= 32, shift += 32n) {
      const word = k < 32 ? this.next32() >>> (32 - k) : this.next32()
      out |= BigInt(word) << shift
    }
    return out
  }

  /** random._randbelow(n): draw bit_length(n) bits until the number is below n. */
  below(n: bigint): bigint {
    const k = n.toString(2).length
    let r = this.bits(k)
    while (r >= n) r = this.bits(k)
    return r
  }

  /** random.randrange(start, stop, step). */
  randrange(start: bigint, stop: bigint, step: bigint): bigint {
    const width = stop - start
    if (step === 0n) throw new TemplateError('zero step for randrange()')
    const n = step === 1n ? width : step > 0n ? (width + step - 1n) / step : (width + step + 1n) / step
    // BigInt division truncates; Python's // floors (only differs for a negative quotient, an empty range anyway)
    if (n <= 0n) throw new TemplateError(`empty range for randrange(${start}, ${stop}, ${step})`)
    return start + step * this.below(n)
  }

  /** random.shuffle(list) in place. */
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Number(this.below(BigInt(i + 1)))
      ;[list[i], list[j]] = [list[j]!, list[i]!]
    }
    return list
  }
}

/** The init_by_array key CPython derives from a seed: |int| in 32-bit words; str via its UTF-8 bytes and their SHA-512. */
function seedWords(seed: unknown): number[] {
  let n: bigint
  if (typeof seed === 'number' && Number.isInteger(seed)) n = BigInt(seed)
  else if (typeof seed === 'boolean') n = seed ? 1n : 0n
  else {
    const bytes = Buffer.from(seed === undefined ? randomBytes(32).toString('hex') : pythonStr(seed), 'utf8')
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()])
    n = BigInt(`0x${all.toString('hex')}`)
  }
  if (n < 0n) n = -n
  const words: number[] = []
  for (; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn))
  return words.length > 0 ? words : [0]
}

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

function random(value: unknown, ...args: unknown[]): unknown {
  const [start, step, seed] = bindArgs('random', args, ['start', 'step', 'seed'])
  const r = new PythonRandom(seed === null ? undefined : seed)
  if (isInteger(value)) {
    const from = pythonTruthy(start) ? BigInt(Number(start)) : 0n
    const by = pythonTruthy(step) ? BigInt(Number(step)) : 1n
    return Number(r.randrange(from, BigInt(value), by))
  }
  if (typeof value === 'string' || Array.isArray(value)) {
    if (pythonTruthy(start) || pythonTruthy(step)) throw new TemplateError('start and step can only be used with integer values')
    const list = typeof value === 'string' ? [...value] : value
    if (list.length === 0) throw new TemplateError('cannot choose from an empty sequence')
    return list[Number(r.below(BigInt(list.length)))]
  }
  throw new TemplateError('random can only be used on sequences and integers')
}

function shuffle(value: unknown, ...args: unknown[]): unknown {
  const [seed] = bindArgs('shuffle', args, ['seed'])
  if (typeof value !== 'string' && !Array.isArray(value)) return value
  const list = typeof value === 'string' ? [...value] : [...value]
  return new PythonRandom(pythonTruthy(seed) ? seed : undefined).shuffle(list)
}

/** `random` and `shuffle`, seeded exactly as ansible (CPython's Mersenne Twister) seeds them. */
export const RANDOM_FILTERS: Record<string, Filter> = { random, shuffle }
