// A headless client of yaml-language-server over stdio: the editor's own validator, run on files on disk.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './files.js'

/** One diagnostic as the server publishes it (0-based line). */
export interface Diagnostic {
  readonly line: number
  readonly message: string
  readonly severity?: number
}

/** A running yaml-language-server with schema validation on (and no schema store: nothing from the network). */
export class YamlLanguageServer {
  private readonly child: ChildProcessWithoutNullStreams
  private buffer = Buffer.alloc(0)
  private nextId = 1
  private readonly pending = new Map<number, (result: unknown) => void>()
  private readonly diagnostics = new Map<string, Diagnostic[][]>()

  constructor() {
    this.child = spawn(process.execPath, [join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], { stdio: 'pipe' })
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk))
  }

  /** The LSP handshake; the settings are what an editor would send for `yaml.*`. */
  async start(): Promise<void> {
    await this.request('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: { workspace: { configuration: true } } })
    this.notify('initialized', {})
  }

  /** Open a file on disk and wait until the server's diagnostics for it stop changing. */
  async diagnose(path: string, quietMs = 1500, timeoutMs = 20_000): Promise<Diagnostic[]> {
    const uri = pathToFileURL(path).href
    this.diagnostics.set(uri, [])
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(path, 'utf8') } })
    const started = Date.now()
    let seen = 0
    let changed = Date.now()
    for (;;) {
      await new Promise((r) => setTimeout(r, 100))
      const got = this.diagnostics.get(uri)!
      if (got.length !== seen) { seen = got.length; changed = Date.now() }
      if (seen > 0 && Date.now() - changed >= quietMs) return got.at(-1)!
      if (Date.now() - started > timeoutMs) throw new Error(`yaml-language-server published no diagnostics for ${path}`)
    }
  }

  /** The hover text at a 0-based line and character of a file opened with diagnose. */
  async hover(path: string, line: number, character: number): Promise<string> {
    const result = (await this.request('textDocument/hover', { textDocument: { uri: pathToFileURL(path).href }, position: { line, character } })) as { contents?: { value?: string } | string } | null
    const contents = result?.contents
    return typeof contents === 'string' ? contents : (contents?.value ?? '')
  }

  /** The labels the server completes at a 0-based line and character of a file opened with diagnose. */
  async complete(path: string, line: number, character: number): Promise<string[]> {
    const result = (await this.request('textDocument/completion', { textDocument: { uri: pathToFileURL(path).href }, position: { line, character } })) as { items?: { label: string }[] } | { label: string }[] | null
    return (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label)
  }

  /** Shut the server down and wait for it to exit. */
  async stop(): Promise<void> {
    await this.request('shutdown', null)
    this.notify('exit', null)
    await new Promise((r) => this.child.once('exit', r))
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++
    this.send({ jsonrpc: '2.0', id, method, params })
    return new Promise((resolve) => this.pending.set(id, resolve))
  }

  private notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params })
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8')
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]))
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1])
      if (this.buffer.length < end + 4 + length) return
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as { id?: number; method?: string; params?: { uri: string; diagnostics: { range: { start: { line: number } }; message: string; severity?: number }[] }; result?: unknown }
      this.buffer = this.buffer.subarray(end + 4 + length)
      this.handle(message)
    }
  }

  private handle(message: { id?: number; method?: string; params?: unknown; result?: unknown }): void {
    if (message.method === 'workspace/configuration') {
      const yaml = { validate: true, hover: true, completion: true, schemaStore: { enable: false }, customTags: ['!vault scalar', '!unsafe scalar'] }
      this.send({ jsonrpc: '2.0', id: message.id, result: [yaml, {}, {}, {}, {}] })
    } else if (message.method === 'textDocument/publishDiagnostics') {
      const params = message.params as { uri: string; diagnostics: { range: { start: { line: number } }; message: string; severity?: number }[] }
      this.diagnostics.get(params.uri)?.push(params.diagnostics.map((d) => ({ line: d.range.start.line, message: d.message, ...(d.severity !== undefined ? { severity: d.severity } : {}) })))
    } else if (message.method !== undefined && message.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: message.id, result: null })
    } else if (message.id !== undefined) {
      this.pending.get(message.id)?.(message.result)
      this.pending.delete(message.id)
    }
  }
}
