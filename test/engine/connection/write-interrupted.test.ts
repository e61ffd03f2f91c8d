// A file write that tsplay cannot finish (the process killed mid-upload, as by Ctrl-C or SIGTERM) leaves the
// destination as it was and no temp file behind: the writer on the host renames only a complete upload.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../../engine/connection/index.js'

const ROOT = resolve(import.meta.dirname, '../../..')

describe('writeFile interrupted', () => {
  it('keeps the old file when the uploading process dies mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-write-'))
    const dest = join(dir, 'dest')
    writeFileSync(dest, 'original\n')
    // a child process uploads 64 MiB through the real local connection and is killed once the upload has started
    const code = `import('${join(ROOT, 'dist/engine/connection/index.js')}').then(async ({ connectLocal }) => {
      const conn = connectLocal('localhost'); process.stdout.write('go\\n')
      await conn.writeFile(${JSON.stringify(dest)}, Buffer.alloc(64 * 1024 * 1024, 120))
      process.stdout.write('done\\n') })`
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { output += d.toString(); if (output.includes('go')) resolve() }))
    await new Promise((r) => setTimeout(r, 150))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    // the orphaned writer notices the short input and removes its temp file
    for (let i = 0; i < 50 && readdirSync(dir).length > 1; i++) await new Promise((r) => setTimeout(r, 100))
    expect(output).not.toContain('done')
    expect(readFileSync(dest, 'utf8')).toBe('original\n')
    expect(readdirSync(dir)).toEqual(['dest'])
  })

  it('writes a complete upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-write-'))
    const conn = connectLocal('localhost')
    await conn.writeFile(join(dir, 'f'), 'ab\u00e9\n')
    await conn.writeFile(join(dir, 'empty'), '')
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('ab\u00e9\n')
    expect(readFileSync(join(dir, 'empty'), 'utf8')).toBe('')
    await conn.close()
  })
})
