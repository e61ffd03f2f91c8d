import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { find } from '../../modules/find.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const root = mkdtempSync(join(tmpdir(), 'tsplay-find-'))

beforeAll(() => {
  mkdirSync(join(root, 'd/sub/deeper'), { recursive: true })
  mkdirSync(join(root, 'd/.hid'))
  writeFileSync(join(root, 'd/a.log'), 'hello\nworld\n')
  writeFileSync(join(root, 'd/b.txt'), 'x'.repeat(3000))
  writeFileSync(join(root, 'd/.dot.log'), 'dot\n')
  writeFileSync(join(root, 'd/sub/c.log'), 'needle here\n')
  writeFileSync(join(root, 'd/sub/deeper/e.log'), 'deep needle\n')
  writeFileSync(join(root, 'd/.hid/f.log'), 'hidden dir\n')
  writeFileSync(join(root, 'd/bin.dat'), Buffer.from([0xff, 0xfe, 0x00]))
  writeFileSync(join(root, '-dash'), 'not a directory\n')
  symlinkSync('sub', join(root, 'd/link-to-sub'))
  symlinkSync('a.log', join(root, 'd/link.log'))
  chmodSync(join(root, 'd/a.log'), 0o4750)
  utimesSync(join(root, 'd/b.txt'), new Date('2020-01-01'), new Date('2020-01-01'))
})

/** ansible-core's own find module on the same tree (its JSON result). */
function ansibleFind(a: Record<string, unknown>): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-find-args-'))
  writeFileSync(join(dir, 'args.json'), JSON.stringify({ ANSIBLE_MODULE_ARGS: a }))
  return JSON.parse(execFileSync('/usr/bin/python3', ['-m', 'ansible.modules.find', join(dir, 'args.json')], { encoding: 'utf8' })) as Record<string, unknown>
}

// Times differ by the reading itself (atime) and by float rounding: compared apart from the rest.
const comparable = (r: Record<string, unknown>) => ({
  msg: r['msg'], matched: r['matched'], examined: r['examined'], skipped_paths: r['skipped_paths'],
  files: (r['files'] as Record<string, unknown>[]).map(({ atime: _a, mtime, ctime: _c, ...rest }) => ({ ...rest, mtime: Math.round(Number(mtime)) })),
})

describe('find against ansible-core 2.14 on this machine', () => {
  it.each([
    ['defaults', {}],
    ['recurse', { recurse: true }],
    ['patterns', { patterns: '*.log', recurse: true }],
    ['regex and excludes', { patterns: ['^[a-c]'], use_regex: true, excludes: 'b.*', recurse: true }],
    ['hidden', { hidden: true, recurse: true, file_type: 'any' }],
    ['directories', { file_type: 'directory', recurse: true }],
    ['links', { file_type: 'link' }],
    ['depth', { recurse: true, depth: 2 }],
    ['age', { age: '1w', recurse: true }],
    ['young', { age: '-1d', recurse: true }],
    ['size', { size: '2k' }],
    ['small', { size: '-1k', file_type: 'any' }],
    ['contains', { contains: 'needle', recurse: true }],
    ['contains whole file', { contains: 'world', read_whole_file: true }],
    ['contains per line', { contains: 'world' }],
    ['checksum', { get_checksum: true }],
    ['several paths, one not a directory', { paths: [`${root}/d`, `${root}/-dash`, `${root}/missing`] }],
  ])('%s', async (_, extra) => {
    const a = { paths: `${root}/d`, ...extra }
    const expected = comparable(ansibleFind(a))
    const outcome = await runModule(find, makeContext({ conn }), find.args.parse(a))
    expect(outcome.status).toBe('ok')
    expect(expected.examined).toBeGreaterThan(0)
    expect(comparable(outcome.values as Record<string, unknown>)).toEqual(expected)
  })

  it('refuses a bad age as ansible does', async () => {
    const outcome = await runModule(find, makeContext({ conn }), find.args.parse({ paths: root, age: '3y' }))
    expect(outcome).toMatchObject({ status: 'failed', msg: 'failed to process age', values: { age: '3y' } })
  })
})
