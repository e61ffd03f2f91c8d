import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Connection } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import type { ModuleContext } from '../../engine/module.js'

/** What a test may set on a module context; everything else gets a harmless default. */
export interface ContextOptions {
  readonly conn: Connection
  readonly check?: boolean
  readonly diff?: boolean
  readonly vars?: Readonly<Record<string, unknown>>
  /** Controller directory holding `files/` and `templates/`, as a role would. */
  readonly files?: string
  /** Template renderer; the default is a stand-in that only substitutes `{{ name }}` from `vars`. */
  readonly render?: (text: string, vars: Readonly<Record<string, unknown>>) => string
  readonly evaluate?: (expression: string) => unknown
}

/** A ModuleContext for module tests: the given connection, check/diff flags, vars and a controller over `files`. */
export function makeContext(options: ContextOptions): ModuleContext & { readonly logged: string[] } {
  const vars = options.vars ?? {}
  const logged: string[] = []
  const render = options.render ?? substitute
  return {
    conn: options.conn,
    check: options.check ?? false,
    diff: options.diff ?? false,
    host: options.conn.host,
    vars,
    logged,
    controller: {
      findFile(kind, name) {
        const found = [join(options.files ?? '.', kind, name), join(options.files ?? '.', name)].find((p) => existsSync(p))
        if (found === undefined) throw new ModuleError(`could not find or access '${name}' in ${kind}/`)
        return found
      },
      render: (text) => render(text, vars),
      evaluate: (expression) => (options.evaluate ? options.evaluate(expression) : vars[expression.trim()]),
    },
    reconnect: () => Promise.resolve(options.conn),
    log: (message) => void logged.push(message),
  }
}

// A labelled stand-in for the Jinja2 engine, enough for modules that only pass text through `render`.
function substitute(text: string, vars: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new ModuleError(`'${name}' is undefined`)
    return String(vars[name])
  })
}
