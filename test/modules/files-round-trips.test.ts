// Each file module reads the host in one round trip (unarchive: two, the probe and the archive inspection). file
// with recurse sends its probe and the listing below path as two commands issued together: on the read-only view
// a gather runs on they leave as one round trip (Coalescer), and the probe can join other loop items' (probeFiles).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Connection, connectLocal } from '../../engine/connection/index.js'
import type { AnyModule } from '../../engine/module.js'
import { blockinfile } from '../../modules/blockinfile.js'
import { copy } from '../../modules/copy.js'
import { fetch } from '../../modules/fetch.js'
import { file } from '../../modules/file.js'
import { get_url } from '../../modules/get_url.js'
import { lineinfile } from '../../modules/lineinfile.js'
import { slurp } from '../../modules/slurp.js'
import { stat } from '../../modules/stat.js'
import { template } from '../../modules/template.js'
import { unarchive } from '../../modules/unarchive.js'
import { makeContext } from '../helpers/module-context.js'

/** A connection that counts every call that reaches the host. */
function counting(conn: Connection): { conn: Connection; calls: () => number } {
  let calls = 0
  const wrap = (view: Connection): Connection => ({
    host: view.host,
    become: view.become,
    env: view.env,
    get writeEpoch() {
      return view.writeEpoch
    },
    exec: (c, o) => (calls++, view.exec(c, o)),
    execRaw: (c, o) => (calls++, view.execRaw(c, o)),
    readFile: (p) => (calls++, view.readFile(p)),
    writeFile: (p, d, o) => (calls++, view.writeFile(p, d, o)),
    with: (s) => wrap(view.with(s)),
    close: () => view.close(),
  })
  return { conn: wrap(conn), calls: () => calls }
}

const dir = mkdtempSync(join(tmpdir(), 'tsplay-trips-'))
mkdirSync(join(dir, 'files/tree'), { recursive: true })
mkdirSync(join(dir, 'templates'))
writeFileSync(join(dir, 'files/tree/a'), 'a\n')
writeFileSync(join(dir, 'files/tree/b'), 'b\n')
writeFileSync(join(dir, 'templates/t.j2'), 'x\n')
writeFileSync(join(dir, 'f'), 'line\n')
execFileSync('tar', ['-czf', join(dir, 'files/a.tgz'), '-C', join(dir, 'files'), 'tree'])

describe('host round trips of gather', () => {
  it.each(([
    [file, { path: join(dir, 'd'), state: 'directory', mode: '0755' }, 1],
    [file, { path: join(dir, 'files'), state: 'directory', recurse: true, mode: 'u+rwX' }, 2],
    [copy, { content: 'x', dest: join(dir, 'c') }, 1],
    [copy, { src: 'tree', dest: join(dir, 'out') }, 1],
    [template, { src: 't.j2', dest: join(dir, 't') }, 1],
    [lineinfile, { path: join(dir, 'f'), line: 'x' }, 1],
    [blockinfile, { path: join(dir, 'f'), block: 'x' }, 1],
    [stat, { path: join(dir, 'f') }, 1],
    [slurp, { src: join(dir, 'f') }, 1],
    [fetch, { src: join(dir, 'f'), dest: join(dir, 'fetched') }, 1],
    [get_url, { url: 'http://127.0.0.1:9/x', dest: join(dir, 'g') }, 1],
    [unarchive, { src: 'a.tgz', dest: dir }, 2],
  ] as [AnyModule, Record<string, unknown>, number][]).map(([mod, args, n]) => [mod.name, mod, args, n] as const))('%s with %j', async (_name, mod, args, expected) => {
    const { conn, calls } = counting(connectLocal('local'))
    await mod.gather(makeContext({ conn, diff: true, files: dir }), mod.args.parse(args))
    expect(calls()).toBe(expected)
  })
})
