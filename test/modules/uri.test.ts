import { describe, expect, it } from 'vitest'
import { absoluteLocation, formUrlencoded, parseHeaderDump } from '../../modules/lib/http-response.js'
import { curlConfig, elapsedSeconds, encodeBody, planUri, responseFileName, uri, uriResult, urlopenError, type CurlOutcome } from '../../modules/uri.js'

const parse = (args: Record<string, unknown>) => uri.args.parse(args)
const answer = (code: number, headers: string, body = '', extra: Partial<CurlOutcome> = {}): CurlOutcome => ({ rc: 0, error: '', code, redirects: 0, effectiveUrl: '', headers, body: Buffer.from(body), elapsed: 0, ...extra })
const DUMP = (status: string, ...headers: string[]) => `HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`

describe('uri', () => {
  it('encodes bodies as ansible does: Python json.dumps, urlencode with doseq, Content-Type unless given', () => {
    expect(encodeBody(parse({ url: 'http://x', body_format: 'json', body: { k: 'é', n: 1, l: [1, true] } }))).toEqual({ body: '{"k": "\\u00e9", "n": 1, "l": [1, true]}', headers: { 'Content-Type': 'application/json' } })
    expect(encodeBody(parse({ url: 'http://x', body_format: 'json', body: '{}', headers: { 'content-type': 'text/x' } })).headers).toEqual({ 'content-type': 'text/x' })
    expect(formUrlencoded({ a: 'b c', d: ['1', '2'], e: '&=', f: null, g: true })).toBe('a=b+c&d=1&d=2&e=%26%3D&g=True')
    expect(formUrlencoded([['x', "(it's)"]])).toBe('x=%28it%27s%29')
    expect(() => encodeBody(parse({ url: 'http://x', body: { a: 1 } }))).toThrow('body must be text')
  })

  it('takes the method in any case but only as one word, status_code as a list, and the user/password aliases', () => {
    expect(parse({ url: 'http://x', method: 'post' }).method).toBe('POST')
    expect(uri.args.safeParse({ url: 'http://x', method: 'GET /x' }).success).toBe(false)
    expect(parse({ url: 'http://x', status_code: '200,201' }).status_code).toEqual([200, 201])
    expect(parse({ url: 'http://x', status_code: 204 }).status_code).toEqual([204])
    expect(parse({ url: 'http://x', user: 'u', password: 'p' })).toMatchObject({ url_username: 'u', url_password: 'p' })
    expect(uri.args.safeParse({ url: 'http://x', body_format: 'form-multipart' }).success).toBe(false)
  })

  it('puts body, credentials and headers into curl config text, quoted, never onto the command line', () => {
    const config = curlConfig(parse({ url: 'http://x', method: 'PUT', body: 'a"b\nc', url_username: 'u', url_password: 'p"w', headers: { 'X-A': 'v' } }))
    expect(config).toContain('data-raw = "a\\"b\\nc"\n')
    expect(config).toContain('user = "u:p\\"w"\nanyauth\n')
    expect(config).toContain('request = "PUT"\n')
    expect(config).toContain('header = "X-A: v"\n')
    expect(config).not.toContain('location')
    expect(curlConfig(parse({ url: 'http://x' }))).toContain('location\nmax-redirs = 10\n')
    expect(curlConfig(parse({ url: 'http://x', method: 'HEAD', force_basic_auth: true, url_username: 'u' }))).toMatch(/^head$[\s\S]*^basic$/m)
  })

  it('skips the task in check mode and stops at creates/removes with ansible stdout', () => {
    const state = { createsExists: true, removesExists: false, dest: 'absent' as const }
    expect(planUri(parse({ url: 'http://x' }), state, { check: true })).toEqual({ changes: [], skip: 'remote module (uri) does not support check mode' })
    expect(planUri(parse({ url: 'http://x', creates: '/a' }), state).values).toEqual({ stdout: "skipped, since '/a' exists", stdout_lines: ["skipped, since '/a' exists"] })
    expect(planUri(parse({ url: 'http://x', removes: '/b' }), state).values?.stdout).toBe("skipped, since '/b' does not exist")
    expect(planUri(parse({ url: 'http://x', method: 'POST' }), { ...state, createsExists: false }).changes).toEqual([{ kind: 'request', summary: 'POST http://x', dest: 'absent' }])
  })

  it('builds the result from the last response of the dump: headers lower-cased with _, JSON parsed, msg as urllib', () => {
    const dump = DUMP('302 Found', 'Location: /a') + DUMP('200 OK', 'Content-Type: application/json; charset=utf-8', 'Content-Length: 8', 'Set-Cookie: a=1; Path=/', 'Set-Cookie: b=2', 'Server: s ')
    const { values, failed } = uriResult(parse({ url: 'http://h/r' }), answer(200, dump, '{"a": 1}', { redirects: 1, effectiveUrl: 'http://h/a' }), undefined)
    expect(failed).toBeUndefined()
    expect(values).toEqual({ redirected: true, url: 'http://h/a', status: 200, changed: false, elapsed: 0, content_type: 'application/json; charset=utf-8', content_length: '8', set_cookie: 'a=1; Path=/, b=2', server: 's ', cookies: { a: '1', b: '2' }, cookies_string: 'a=1; b=2', msg: 'OK (8 bytes)', json: { a: 1 } })
  })

  it('fails on a status outside status_code with the error response, content only when asked', () => {
    const dump = DUMP('404 Not Found', 'Content-Type: text/plain', 'Content-Length: 3')
    const failed = uriResult(parse({ url: 'http://h/x', return_content: true }), answer(404, dump, 'nah'), undefined)
    expect(failed.failed).toBe('Status code was 404 and not [200]: HTTP Error 404: Not Found')
    expect(failed.values).toMatchObject({ content: 'nah', status: 404, url: 'http://h/x' })
    const accepted = uriResult(parse({ url: 'http://h/x', status_code: [200, 404] }), answer(404, dump, 'nah'), '/tmp/d')
    expect(accepted.failed).toBeUndefined()
    expect(accepted).toMatchObject({ write: true, values: { body: 'nah', path: '/tmp/d' } })
    expect(uriResult(parse({ url: 'http://h/x', status_code: [200, 304], dest: '/d' }), answer(304, DUMP('304 Not Modified')), '/d').write).toBe(false)
  })

  it('reports a request that never got an answer as status -1 in urlopen words', () => {
    const { values, failed } = uriResult(parse({ url: 'http://h:1/' }), answer(0, '', '', { rc: 7, error: "curl: (7) Failed to connect to h port 1 after 0 ms: Couldn't connect to server\n" }), undefined)
    expect(failed).toBe('Status code was -1 and not [200]: Request failed: <urlopen error [Errno 111] Connection refused>')
    expect(values).toEqual({ redirected: false, url: 'http://h:1/', status: -1, changed: false, elapsed: 0, msg: 'Request failed: <urlopen error [Errno 111] Connection refused>' })
    expect(urlopenError(35, 'curl: (35) TLS connect error')).toBe('<urlopen error TLS connect error>')
  })

  it('resolves Location and file names the way ansible does', () => {
    expect(absoluteLocation('http://h:8/a/b', '/items/7')).toBe('http://h:8/items/7')
    expect(absoluteLocation('http://h:8/a/b', 'c')).toBe('http://h:8/a/c')
    expect(absoluteLocation('http://h:8', 'https://o/x')).toBe('https://o/x')
    expect(responseFileName('http://h/dir/file%20a.txt?x=1', {})).toBe('file a.txt')
    expect(responseFileName('http://h/', {})).toBe('index.html')
    expect(responseFileName('http://h/x', { content_disposition: 'attachment; filename="r.tgz"' })).toBe('r.tgz')
    expect(parseHeaderDump(DUMP('100 Continue') + DUMP('201 Created', 'A: b')).status).toBe(201)
    expect(elapsedSeconds('1000000000000000000', '1000000002500000000')).toBe(2)
    expect(elapsedSeconds('100', '103')).toBe(3)
  })
})
