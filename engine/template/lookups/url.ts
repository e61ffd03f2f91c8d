import { spawnSync } from 'node:child_process'
import { boolOption, LookupError, option, termText, type LookupPlugin } from './context.js'

// Templates render synchronously and fetch is asynchronous: a child Node process does the request and prints the answer.
const CHILD = `
const [url, optionsJson] = process.argv.slice(1)
const o = JSON.parse(optionsJson)
const headers = { 'User-Agent': o.agent, ...o.headers }
if (o.username !== null) headers.Authorization = 'Basic ' + Buffer.from(o.username + ':' + (o.password ?? '')).toString('base64')
fetch(url, { headers, redirect: o.follow ? 'follow' : 'manual', signal: AbortSignal.timeout(o.timeout * 1000) })
  .then(async (r) => {
    const body = Buffer.from(await r.arrayBuffer()).toString('base64')
    process.stdout.write(JSON.stringify({ status: r.status, statusText: r.statusText, body }))
  })
  .catch((e) => process.stdout.write(JSON.stringify({ error: String(e.cause?.code ?? e.cause?.message ?? e.message) })))
`

interface Answer {
  status?: number
  statusText?: string
  body?: string
  error?: string
}

/**
 * `url`: the body of each URL (Node's fetch in a child process), split into lines unless `split_lines=false`;
 * `validate_certs`, `headers`, `username`/`password`, `timeout`, `http_agent`, `follow_redirects` as ansible reads them.
 */
export const urlLookup: LookupPlugin = (terms, options) =>
  terms.flatMap((term) => {
    const url = termText(term, 'url')
    const follow = option(options, 'follow_redirects', 'urllib2')
    const settings = {
      headers: option(options, 'headers', {}),
      agent: String(option(options, 'http_agent', 'ansible-httpget')),
      username: option(options, 'username', null),
      password: option(options, 'password', null),
      timeout: Number(option(options, 'timeout', 10)),
      follow: !['no', 'none', 'false', false].includes(follow as string | boolean),
    }
    const env = { ...process.env, ...(boolOption(option(options, 'validate_certs', true), 'url: validate_certs') ? {} : { NODE_TLS_REJECT_UNAUTHORIZED: '0' }) }
    const child = spawnSync(process.execPath, ['--no-warnings', '-e', CHILD, url, JSON.stringify(settings)], { env, encoding: 'utf8', maxBuffer: 1 << 30 })
    let answer: Answer
    try {
      answer = JSON.parse(child.stdout) as Answer
    } catch {
      throw new LookupError(`Failed lookup url for ${url} : ${child.stderr.trim() || 'no answer'}`)
    }
    if (answer.error !== undefined) {
      if (/CERT|SSL|self.signed|certificate/i.test(answer.error)) throw new LookupError(`Error validating the server's certificate for ${url}: ${answer.error}`)
      throw new LookupError(`Failed lookup url for ${url} : <urlopen error ${answer.error}>`)
    }
    if (answer.status! >= 400) throw new LookupError(`Received HTTP error for ${url} : HTTP Error ${answer.status}: ${answer.statusText}`)
    const text = Buffer.from(answer.body!, 'base64').toString('utf8')
    if (!boolOption(option(options, 'split_lines', true), 'url: split_lines')) return [text]
    const lines = text.split(/\r\n|\r|\n/)
    if (lines[lines.length - 1] === '') lines.pop()
    return lines
  })
