// A file write onto a full file system fails with the reason and leaves the original file as it was: the
// content goes to a temp file beside it, which is renamed over the original only when it holds every byte.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../../engine/connection/index.js'

const CLI = resolve(import.meta.dirname, '../../../dist/engine/cli/main.js')
const mnt = mkdtempSync(join(tmpdir(), 'tsplay-full-'))
// a 1 MiB tmpfs of our own (root only: elsewhere the test is skipped, and says so)
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0

beforeAll(() => {
  if (mounted) writeFileSync(join(mnt, 'dest'), 'original\n')
})
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt])
  rmdirSync(mnt)
})

describe.skipIf(!mounted)('disk full while writing a file', () => {
  it('writeFile fails with the reason; the original and the directory are as they were', async () => {
    const conn = connectLocal('localhost')
    await expect(conn.writeFile(join(mnt, 'dest'), Buffer.alloc(2 << 20, 97))).rejects.toThrow(`write ${mnt}/dest\ncannot write ${mnt}/dest: No space left on device, left unchanged`)
    expect(readFileSync(join(mnt, 'dest'), 'utf8')).toBe('original\n')
    expect(readdirSync(mnt)).toEqual(['dest'])
    await conn.close()
  })

  it('copy fails the task with that message and the run goes on to the recap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-full-src-'))
    writeFileSync(join(dir, 'big'), Buffer.alloc(3 << 20, 98))
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: src=big dest=${mnt}/dest\n`)
    const r = spawnSync(process.execPath, [CLI, 'run', 'pb.yml', '-c', 'local'], { cwd: dir, encoding: 'utf8' })
    expect(r.stdout).toContain('No space left on device, left unchanged')
    expect(r.stdout).toMatch(/localhost +: ok=0 +changed=0 +unreachable=0 +failed=1/)
    expect(r.status).toBe(2)
    expect(readFileSync(join(mnt, 'dest'), 'utf8')).toBe('original\n')
    expect(readdirSync(mnt)).toEqual(['dest'])
  })
})
