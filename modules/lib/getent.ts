/** One `/etc/group` entry as `getent group` prints it. */
export interface GroupEntry {
  readonly name: string
  readonly gid: number
  readonly members: readonly string[]
}

/** One `/etc/passwd` entry as `getent passwd` prints it. */
export interface PasswdEntry {
  readonly name: string
  readonly uid: number
  readonly gid: number
  readonly comment: string
  readonly home: string
  readonly shell: string
}

/** Parse `getent group` output (`name:x:gid:a,b`), one entry per line. */
export function parseGroups(text: string): GroupEntry[] {
  return text
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((line) => {
      const [name = '', , gid = '', members = ''] = line.split(':')
      return { name, gid: Number(gid), members: members.split(',').filter((m) => m !== '') }
    })
}

/** Parse `getent passwd` output (`name:x:uid:gid:gecos:home:shell`), one entry per line. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((line) => {
      const [name = '', , uid = '', gid = '', comment = '', home = '', shell = ''] = line.split(':')
      return { name, uid: Number(uid), gid: Number(gid), comment, home, shell }
    })
}

/** The parts of a multi-part gather, each introduced by a `--tsplay-NAME--` line, by name. */
export function splitSections(text: string): Map<string, string> {
  const sections = new Map<string, string>()
  let name: string | undefined
  let lines: string[] = []
  for (const line of text.split('\n')) {
    const marker = /^--tsplay-([a-z-]+)--$/.exec(line)
    if (!marker) {
      lines.push(line)
      continue
    }
    if (name !== undefined) sections.set(name, lines.join('\n'))
    name = marker[1]
    lines = []
  }
  if (name !== undefined) sections.set(name, lines.join('\n'))
  return sections
}
