import { closeSync, openSync, writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { ReadStream } from 'node:tty'
import type { VaultCommandIO } from './command.js'
import { VaultError } from './errors.js'

/** The state of a line typed without echo: the text so far, and how it ended once it has. */
export interface TypedLine {
  readonly text: string
  readonly end?: 'enter' | 'eof' | 'interrupt'
}

/** Apply raw terminal input to a hidden line: Enter ends it, backspace erases, ctrl-d on an empty line is end of input. */
export function typeKeys(line: TypedLine, keys: string): TypedLine {
  let text = line.text
  for (const key of keys) {
    if (key === '\r' || key === '\n') return { text, end: 'enter' }
    if (key === '\u0003') return { text: '', end: 'interrupt' }
    if (key === '\u0004') {
      if (text === '') return { text, end: 'eof' }
      continue
    }
    if (key === '\u007f' || key === '\b') text = [...text].slice(0, -1).join('')
    else if (key >= ' ') text += key
  }
  return { text }
}

/** The process's own streams, with hidden prompts on the controlling terminal as getpass does, for `tsplay vault`. */
export function terminalVaultIO(): VaultCommandIO {
  return {
    out: (data) => void process.stdout.write(data),
    err: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    },
    prompt: (message, hidden) => (hidden ? hiddenPrompt(message) : linePrompt(message)),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    cwd: process.cwd(),
  }
}

function linePrompt(message: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  return new Promise((done) => {
    let answered = false
    rl.question(message, (answer) => {
      answered = true
      rl.close()
      done(answer)
    })
    rl.on('close', () => answered || done(undefined))
  })
}

async function hiddenPrompt(message: string): Promise<string | undefined> {
  let fd: number
  try {
    fd = openSync('/dev/tty', 'r+')
  } catch {
    // no controlling terminal (CI, a pipe): read the answer from stdin, as getpass falls back to
    return linePrompt(message)
  }
  const input = new ReadStream(fd)
  input.setRawMode(true)
  writeSync(fd, message)
  try {
    const line = await new Promise<TypedLine>((done) => {
      let typed: TypedLine = { text: '' }
      input.on('data', (chunk: Buffer) => {
        typed = typeKeys(typed, chunk.toString('utf8'))
        if (typed.end !== undefined) done(typed)
      })
      input.on('end', () => done({ text: typed.text, end: 'eof' }))
    })
    if (line.end === 'interrupt') throw new VaultError('interrupted at the password prompt')
    return line.end === 'eof' ? undefined : line.text
  } finally {
    writeSync(fd, '\n')
    input.setRawMode(false)
    input.destroy()
    try {
      closeSync(fd)
    } catch {
      // ReadStream.destroy already closed it
    }
  }
}
