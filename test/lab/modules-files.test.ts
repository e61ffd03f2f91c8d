// File modules on a real lab host over SSH: each module runs in check mode first (host untouched, same
// prediction), then for real, then again with no change. Paths hold quotes, `$(…)`, backticks and `;`.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { type AnyModule, type ModuleOutcome, runModule } from '../../engine/module.js'
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
import { sha1 } from '../../modules/lib/write-file.js'
import { makeContext } from '../helpers/module-context.js'
import { labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let conn: Connection
let server: Server
let url = ''
const role = mkdtempSync(join(tmpdir(), 'tsplay-files-lab-'))
const odd = "x $(touch /tmp/pwned) `id`; 'q' \"dq\""
let base = ''

beforeAll(async () => {
  conn = await connectLabHost(labHostNamed('TSPLAY_FILES_LAB_HOST', 'lab4'))
  base = (await conn.exec(sh`mktemp -d /tmp/tsplay-files.XXXXXX`)).stdout.trim()
  await conn.exec(sh`command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl`)
  mkdirSync(join(role, 'files/tree/sub'), { recursive: true })
  mkdirSync(join(role, 'templates'))
  writeFileSync(join(role, 'files/tree/a'), 'a\n')
  writeFileSync(join(role, 'files/tree/sub/b'), 'b\n')
  writeFileSync(join(role, 'templates/app.conf.j2'), 'listen {{ port }}\n')
  execFileSync('tar', ['-czf', join(role, 'files/app.tgz'), '-C', join(role, 'files'), 'tree'])
  server = createServer((req, res) => res.end(req.url === '/app.tgz' ? readFileSync(join(role, 'files/app.tgz')) : 'downloaded\n'))
  await new Promise<void>((resolve) => server.listen(0, '10.231.0.1', resolve))
  url = `http://10.231.0.1:${(server.address() as AddressInfo).port}/artifact.bin`
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf -- ${base}`, { allowFailure: true })
  await conn?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  rmSync(role, { recursive: true, force: true })
})

const run = (mod: AnyModule, args: Record<string, unknown>, check = false): Promise<ModuleOutcome> =>
  runModule(mod, makeContext({ conn, check, diff: true, files: role, vars: { port: 8080 } }), mod.args.parse(args))
const host = async (command: ReturnType<typeof sh>): Promise<string> => (await conn.exec(command, { allowFailure: true })).stdout
const p = (name: string): string => `${base}/${name}`

/** Check mode predicts and leaves `probe` unchanged, the real run does exactly that, a second run changes nothing. */
async function converge(mod: AnyModule, args: Record<string, unknown>, probe: ReturnType<typeof sh>): Promise<ModuleOutcome> {
  const before = await host(probe)
  const predicted = await run(mod, args, true)
  expect(predicted.status, predicted.msg).toBe('changed')
  expect(await host(probe)).toBe(before)
  const applied = await run(mod, args)
  expect(applied.status, applied.msg).toBe('changed')
  expect(applied.changes).toEqual(predicted.changes)
  expect(await run(mod, args)).toMatchObject({ status: 'ok', changed: false })
  expect(await run(mod, args, true)).toMatchObject({ status: 'ok', changed: false })
  return applied
}

const listing = (path: string) => sh`find ${path} -printf '%p %m %s\\n' 2>/dev/null | sort; true`

describe('file modules on a lab host', () => {
  it('file: directory with mode, link, symbolic mode, absent, touch with preserved times, recurse', async () => {
    await converge(file, { path: p(`${odd}/d`), state: 'directory', mode: '0750' }, listing(base))
    expect(await host(sh`stat -c %a ${p(`${odd}/d`)}`)).toBe('750\n')
    await converge(file, { path: p('link'), src: `${odd}/d`, state: 'link' }, listing(base))
    await converge(file, { path: p(`${odd}/d`), mode: 'g+w,o+x' }, listing(base))
    expect(await host(sh`stat -c %a ${p(`${odd}/d`)}`)).toBe('771\n')
    await converge(file, { path: p('link'), state: 'absent' }, listing(base))
    await converge(file, { path: p('stamp'), state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, listing(base))
    await converge(file, { path: p(odd), state: 'directory', recurse: true, owner: 'nobody', mode: 'u=rwX,g=rX,o=' }, listing(base))
    expect(await host(sh`stat -c '%U %a' ${p(`${odd}/d`)}`)).toBe('nobody 750\n')
    expect(await host(sh`test -e /tmp/pwned && echo pwned`)).toBe('')
  })

  it('copy: content with backup and validate, a directory tree from files/, a directory on the host', async () => {
    await converge(copy, { dest: p('conf'), content: `${odd}\n`, mode: '0600', validate: 'grep -q dq %s' }, listing(base))
    expect(await host(sh`cat ${p('conf')}`)).toBe(`${odd}\n`)
    const changed = await converge(copy, { dest: p('conf'), content: 'second\n', backup: true }, listing(base))
    expect(await host(sh`cat ${changed.values['backup_file'] as string}`)).toBe(`${odd}\n`)
    await converge(copy, { src: 'tree/', dest: p('tree/') }, listing(base))
    expect(await host(sh`cat ${p('tree/sub/b')}`)).toBe('b\n')
    await converge(copy, { src: p('tree'), dest: p(odd), remote_src: true }, listing(base))
    expect(await host(sh`cat ${p(`${odd}/tree/sub/b`)}`)).toBe('b\n')
  })

  it('template renders on the controller and writes once', async () => {
    const outcome = await converge(template, { src: 'app.conf.j2', dest: p('app.conf'), owner: 'root', mode: '0644' }, listing(base))
    expect(outcome.diff[0]?.after).toBe('listen 8080\n')
    expect(await host(sh`cat ${p('app.conf')}`)).toBe('listen 8080\n')
  })

  it('lineinfile and blockinfile edit in place', async () => {
    await conn.writeFile(p('sysctl.conf'), '#net.ipv4.ip_forward=0\n')
    await converge(lineinfile, { path: p('sysctl.conf'), regexp: '^#?net.ipv4.ip_forward', line: 'net.ipv4.ip_forward=1' }, sh`cat ${p('sysctl.conf')}`)
    await converge(blockinfile, { path: p('sysctl.conf'), block: `# ${odd}\nvm.swappiness=0` }, sh`cat ${p('sysctl.conf')}`)
    expect(await host(sh`cat ${p('sysctl.conf')}`)).toBe(`net.ipv4.ip_forward=1\n# BEGIN ANSIBLE MANAGED BLOCK\n# ${odd}\nvm.swappiness=0\n# END ANSIBLE MANAGED BLOCK\n`)
  })

  it('get_url downloads on the host; unarchive unpacks a controller archive and one the host downloads', async () => {
    await converge(get_url, { url, dest: p('artifact.bin'), checksum: `sha1:${sha1('downloaded\n')}` }, listing(base))
    expect(await host(sh`cat ${p('artifact.bin')}`)).toBe('downloaded\n')
    await conn.exec(sh`mkdir -p ${p('unpacked')}`)
    await converge(unarchive, { src: 'app.tgz', dest: p('unpacked') }, listing(p('unpacked')))
    expect(await host(sh`cat ${p('unpacked/tree/sub/b')}`)).toBe('b\n')
    await conn.exec(sh`mkdir -p ${p('from-url')}`)
    await converge(unarchive, { src: url.replace('artifact.bin', 'app.tgz'), remote_src: true, dest: p('from-url'), extra_opts: ['--strip-components=1'] }, listing(p('from-url')))
    expect(await host(sh`cat ${p('from-url/sub/b')}`)).toBe('b\n')
  })

  it('stat, slurp and fetch read without changing anything', async () => {
    const s = await run(stat, { path: p('app.conf') })
    expect(s).toMatchObject({ status: 'ok', values: { stat: { exists: true, isreg: true, mode: '0644', size: 12, pw_name: 'root' } } })
    expect(Buffer.from((await run(slurp, { src: p('app.conf') })).values['content'] as string, 'base64').toString()).toBe('listen 8080\n')
    const out = mkdtempSync(join(tmpdir(), 'tsplay-fetch-lab-'))
    const fetched = await run(fetch, { src: p('app.conf'), dest: out })
    expect(fetched.status).toBe('changed')
    expect(readFileSync(fetched.values['dest'] as string, 'utf8')).toBe('listen 8080\n')
    expect((await run(fetch, { src: p('app.conf'), dest: out })).changed).toBe(false)
    rmSync(out, { recursive: true, force: true })
  })
})
