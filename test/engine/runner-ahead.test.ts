import { describe, expect, it } from 'vitest'
import { AheadWindow, stillCurrent, type Ahead } from '../../engine/runner-ahead.js'

/** An item gathered ahead at epoch `at` on a host whose epoch is now `now`. */
const item = (at: number, now: number): Ahead => ({ prepared: { ctx: { conn: { writeEpoch: now } } }, gathered: Promise.resolve('state'), epoch: at }) as unknown as Ahead

describe('gathering loop items ahead', () => {
  it('uses an early state only while nothing was written to the host since', () => {
    expect(stillCurrent(item(3, 3))).toBeDefined()
    expect(stillCurrent(item(3, 4))).toBeUndefined()
  })

  it('reads every item at once in check mode', () => {
    const w = new AheadWindow(40, true)
    expect(w.take([])).toBe(40)
  })

  it('reads 8 items, doubles while nothing is written, drops to 1 after a write', () => {
    const w = new AheadWindow(100, false)
    expect([w.take([]), w.start]).toEqual([8, 0])
    expect(w.take(Array.from({ length: 8 }, () => item(0, 0)))).toBe(24)
    expect(w.take([item(0, 0), undefined, item(0, 1)])).toBe(25)
    expect(w.take([item(1, 1)])).toBe(27)
    expect(w.take([item(1, 1), item(1, 1)])).toBe(31)
  })
})
