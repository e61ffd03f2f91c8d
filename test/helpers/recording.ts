import { type Connection, connectLocal } from '../../engine/connection/index.js'

/** This machine as a connection whose `exec` records every command line it runs (views made by `with` do not). */
export function recordingLocal(): { readonly conn: Connection; readonly commands: string[] } {
  const local = connectLocal('local')
  const commands: string[] = []
  const conn = Object.assign(Object.create(local) as Connection, { exec: (...a: Parameters<Connection['exec']>) => (commands.push(a[0]), local.exec(...a)) })
  return { conn, commands }
}
