import { mkdtempSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { wait_for } from '../../modules/wait_for.js'
import { makeContext } from '../helpers/module-context.js'

const run = (args: Record<string, unknown>, check = false) => runModule(wait_for, makeContext({ conn: connectLocal('local'), check }), wait_for.args.parse(args))

describe('wait_for on this machine', () => {
  it('waits for a listening port and for a closed one', async () => {
    const server = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const port = (server.address() as AddressInfo).port
    expect(await run({ port, timeout: 5 })).toMatchObject({ status: 'ok', changed: false, values: { port, elapsed: 0, state: 'started' } })
    await new Promise((resolve) => server.close(resolve))
    expect((await run({ port, state: 'stopped', timeout: 5 })).status).toBe('ok')
    const failed = await run({ port, timeout: 1 })
    expect(failed).toMatchObject({ status: 'failed', msg: `Timeout when waiting for 127.0.0.1:${port}` })
  })

  it('waits for files and patterns, values staying data', async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsplay-wait-$(id)'"))
    const file = join(dir, 'log')
    writeFileSync(file, 'starting\ncontrol-plane has initialized\n')
    const found = await run({ path: file, search_regex: 'control-plane (?P<verb>has) (initialized|failed)', timeout: 3 })
    expect(found).toMatchObject({ status: 'ok', values: { state: 'file', size: 39, mode: '0644', match_groups: ['has', 'initialized'], match_groupdict: { verb: 'has' } } })
    expect((await run({ path: dir, timeout: 1 })).values).toMatchObject({ state: 'directory', mode: '0700', path: dir })
    expect(await run({ path: file, search_regex: 'nope', timeout: 1 })).toMatchObject({ status: 'failed', msg: `Timeout when waiting for search string nope in ${file}` })
    expect((await run({ path: join(dir, 'gone'), state: 'absent', timeout: 1 })).status).toBe('ok')
    expect(await run({ path: file, state: 'absent', timeout: 1, msg: 'still there' })).toMatchObject({ status: 'failed', msg: 'still there' })
  })

  it('is skipped in check mode like ansible-core, and refuses port with path', async () => {
    expect(await run({ port: 1, timeout: 1 }, true)).toMatchObject({ status: 'skipped', msg: 'remote module (wait_for) does not support check mode' })
    expect(wait_for.args.safeParse({ port: 1, path: '/x' }).error?.issues[0]?.message).toBe('port and path parameter can not both be passed to wait_for')
  })
})
