import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { ConnectionError } from '../../engine/errors.js'
import { runModule } from '../../engine/module.js'
import { reboot } from '../../modules/reboot.js'
import { wait_for_connection } from '../../modules/wait_for_connection.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')

describe('reboot', () => {
  it('in check mode reports changed and rebooted without doing anything, like ansible-core', async () => {
    const out = await runModule(reboot, makeContext({ conn, check: true }), reboot.args.parse({}))
    expect(out).toMatchObject({ status: 'changed', changed: true, values: { rebooted: true, elapsed: 0 } })
  })

  it('refuses to reboot the controller through a local connection, like ansible-core', async () => {
    const out = await runModule(reboot, makeContext({ conn, check: true, vars: { ansible_connection: 'local' } }), reboot.args.parse({}))
    expect(out).toMatchObject({ status: 'failed', changed: false, msg: 'Running reboot with local connection would reboot the control node.', values: { rebooted: false } })
  })

  it('waits for the boot id to change and the test command to pass (a stand-in boot id file, no real reboot here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-reboot-'))
    const id = join(dir, 'boot_id')
    writeFileSync(id, 'first\n')
    let reconnects = 0
    const ctx = { ...makeContext({ conn }), reconnect: () => ((reconnects += 1), Promise.resolve(conn)) }
    const args = reboot.args.parse({ boot_time_command: `cat '${id}'`, reboot_command: `sleep 1; echo second > '${id}'`, test_command: `grep -q second '${id}'`, reboot_timeout: 20 })
    const out = await runModule(reboot, ctx, args)
    expect(out).toMatchObject({ status: 'changed', values: { rebooted: true } })
    expect(readFileSync(id, 'utf8')).toBe('second\n')
    expect(reconnects).toBeGreaterThanOrEqual(2)
  })

  it('fails with ansible-core\'s message when the boot id never changes', async () => {
    const args = reboot.args.parse({ boot_time_command: 'echo same', reboot_command: 'true', reboot_timeout: 2 })
    expect(await runModule(reboot, makeContext({ conn }), args)).toMatchObject({ status: 'failed', msg: 'Timed out waiting for last boot time check (timeout=2)' })
  })
})

describe('wait_for_connection', () => {
  it('returns once the host answers, and is skipped in check mode', async () => {
    expect(await runModule(wait_for_connection, makeContext({ conn }), wait_for_connection.args.parse({ timeout: 5 }))).toMatchObject({ status: 'ok', values: { elapsed: 0 } })
    expect(await runModule(wait_for_connection, makeContext({ conn, check: true }), wait_for_connection.args.parse({}))).toMatchObject({ status: 'skipped', changed: false })
  })

  it('fails after timeout when the host never answers', async () => {
    const ctx = { ...makeContext({ conn }), reconnect: () => Promise.reject(new ConnectionError('local', 'connection refused')) }
    const out = await runModule(wait_for_connection, ctx, wait_for_connection.args.parse({ timeout: 2 }))
    expect(out).toMatchObject({ status: 'failed', msg: 'timed out waiting for ping module test: connection refused' })
  })
})
