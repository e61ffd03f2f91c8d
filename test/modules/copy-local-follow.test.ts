// copy's local_follow: a controller tree with links to a file, to a directory, to an ancestor (a loop), to an
// absolute path and to nothing, copied on the local connection with the links followed and kept. The expected
// trees are what ansible-core 2.14's copy action made from the same tree (captured with ansible-playbook -c local).
import { mkdirSync, mkdtempSync, readlinkSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { copy } from '../../modules/copy.js'
import { makeLinkTree } from '../helpers/link-tree.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const work = mkdtempSync(join(tmpdir(), 'tsplay-localfollow-'))
const tree = (dir: string): string[] => execFileSync('find', ['.', '-printf', '%p %y %l\\n'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).sort()
const run = (args: Record<string, unknown>, check = false) => runModule(copy, makeContext({ conn, check, files: work }), copy.args.parse(args))

beforeAll(() => {
  makeLinkTree(join(work, 'files'))
})

describe('copy local_follow', () => {
  it('follows links by default: files and directories copied, a loop and a dangling link kept as links', async () => {
    const dest = join(work, 'yes')
    mkdirSync(dest)
    expect((await run({ src: 'tree', dest }, true)).status).toBe('changed')
    expect(tree(dest)).toEqual(['. d '])
    expect((await run({ src: 'tree', dest })).status).toBe('changed')
    expect(tree(dest)).toEqual(['. d ', './tree d ', './tree/a f ', './tree/abs f ', './tree/dangling l nowhere', './tree/la f ', './tree/ld d ', './tree/ld/b f ', './tree/ld/up l ..', './tree/sub d ', './tree/sub/b f ', './tree/sub/up l ..'])
    expect(await run({ src: 'tree', dest })).toMatchObject({ status: 'ok', changed: false })
  })

  it('with local_follow false makes every link a link on the host, and repairs one that points elsewhere', async () => {
    const dest = join(work, 'no')
    mkdirSync(dest)
    const args = { src: 'tree/', dest, local_follow: false }
    const predicted = await run(args, true)
    expect(predicted.changes).toContain(`link ${dest}/la → a`)
    expect(tree(dest)).toEqual(['. d '])
    expect((await run(args)).changes).toEqual(predicted.changes)
    expect(tree(dest)).toEqual(['. d ', './a f ', `./abs l ${join(work, 'files/outside')}`, './dangling l nowhere', './la l a', './ld l sub', './sub d ', './sub/b f ', './sub/up l ..'])
    expect(await run(args)).toMatchObject({ status: 'ok', changed: false })
    execFileSync('ln', ['-sfn', 'elsewhere', join(dest, 'la')])
    expect((await run(args)).changes).toEqual([`link ${dest}/la → a`])
    expect(readlinkSync(join(dest, 'la'))).toBe('a')
  })
})
