import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { encodeFrame, onFrames } from '../../../engine/connection/keeper-protocol.js'

/** Feed `bytes` to onFrames in pieces of the given sizes (cycled), and collect what it received. */
function receive(bytes: Buffer, pieces: readonly number[]): Array<{ head: Record<string, unknown>; parts: string[] }> {
  const socket = new EventEmitter()
  const got: Array<{ head: Record<string, unknown>; parts: string[] }> = []
  onFrames<Record<string, unknown>>(socket as unknown as Socket, (head, parts) => got.push({ head, parts: parts.map((p) => p.toString('latin1')) }))
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = pieces[i % pieces.length]!
    socket.emit('data', bytes.subarray(at, at + size))
    at += size
  }
  return got
}

describe("the keeper's frames (a JSON head, then raw parts)", () => {
  const frames = [
    encodeFrame({ id: 1, text: true }, [Buffer.from('echo "é"\n'), Buffer.alloc(0)]),
    encodeFrame({ id: 2, exitCode: 3 }, [Buffer.from([0, 255, 10, 0]), Buffer.from('err\n')]),
    encodeFrame({ id: 3, unavailable: true }, []),
    encodeFrame({ id: 4, exitCode: 0 }, [Buffer.alloc(300_000, 0x61), Buffer.alloc(0)]),
  ]
  const all = Buffer.concat(frames)
  const expected = [
    { head: { id: 1, text: true, sizes: [10, 0] }, parts: [Buffer.from('echo "é"\n').toString('latin1'), ''] },
    { head: { id: 2, exitCode: 3, sizes: [4, 4] }, parts: ['\u0000\u00ff\n\u0000', 'err\n'] },
    { head: { id: 3, unavailable: true, sizes: [] }, parts: [] },
    { head: { id: 4, exitCode: 0, sizes: [300_000, 0] }, parts: ['a'.repeat(300_000), ''] },
  ]

  it('arrive whole and in order however the bytes are cut', () => {
    expect(receive(all, [all.length])).toEqual(expected)
    expect(receive(all, [1])).toEqual(expected)
    expect(receive(all, [3, 7, 65536, 2])).toEqual(expected)
  })

  it('wait for the rest of a frame that is not whole yet', () => {
    expect(receive(all.subarray(0, all.length - 1), [4096])).toEqual(expected.slice(0, 3))
  })
})
