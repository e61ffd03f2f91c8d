// The injection table: hostile values × module arguments that reach a host command, and how each is observed.

/** One hostile value; `marker` names the file it would create if any shell ran it as code. */
export interface Hostile {
  readonly name: string
  readonly value: string
}

/** Hostile values whose marker commands would touch files under `markers` (an absolute directory). */
export function hostileValues(markers: string): Hostile[] {
  const m = (tag: string): string => `${markers}/MARK-${tag}`
  const big = 'ab\'c"d$e`f;g|h&i*j\\k -l\u00e9\u2713 '.repeat(Math.ceil(65536 / 30)).slice(0, 65536)
  return [
    { name: 'single-quotes', value: "it's 'quoted' ''" },
    { name: 'double-quotes', value: 'say "hi" \\"there\\"' },
    { name: 'subst', value: `$(touch ${m('subst')})` },
    { name: 'subst-in-quotes', value: `"$(touch ${m('subst2')})"'$(touch ${m('subst3')})'` },
    { name: 'backticks', value: `\`touch ${m('bt')}\`` },
    { name: 'semicolon', value: `a; touch ${m('semi')}` },
    { name: 'pipe', value: `a | touch ${m('pipe')}` },
    { name: 'ampersand', value: `a & touch ${m('amp')} &` },
    { name: 'and-or', value: `a && touch ${m('and')} || touch ${m('or')}` },
    { name: 'newline', value: `a\ntouch ${m('nl')}\n` },
    { name: 'cr-tab', value: 'a\tb\rc' },
    { name: 'glob-star', value: '*' },
    { name: 'glob-class', value: '?[a-z]*' },
    { name: 'dash-delete', value: '-delete' },
    { name: 'dash-help', value: '--help' },
    { name: 'dash-rf', value: '-rf' },
    { name: 'dash-exec', value: `-exec touch ${m('exec')} ;` },
    { name: 'dash-alone', value: '-' },
    { name: 'find-not', value: '!' },
    { name: 'find-paren', value: '(' },
    { name: 'ifs', value: 'a${IFS}b$IFS' },
    { name: 'unset-var', value: '$TSPLAY_SURELY_UNSET ${TSPLAY_SURELY_UNSET}' },
    { name: 'backslashes', value: 'a\\b\\\\c\\n\\' },
    { name: 'printf-format', value: '%s %n %d %%' },
    { name: 'braces-tilde', value: 'x ~root {a,b}' },
    { name: 'redirect', value: `> ${m('redir')}` },
    { name: 'unicode', value: 'h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83c\udf89' },
    { name: 'big-64k', value: big },
  ]
}

/** The NUL case: no program can receive it; the task must fail cleanly and nothing may run. */
export const NUL_VALUE = 'a\u0000b'

/** How a site's effect is read back on the host (`dir` is the site's working directory). */
export type Observe =
  | { readonly kind: 'file'; readonly path: (i: number) => string; readonly expect: (v: string) => string } // content, byte for byte
  | { readonly kind: 'exists'; readonly expect: (v: string) => string; readonly type: 'file' | 'directory' } // path name, relative to dir
  | { readonly kind: 'gone' } // a pre-created file named v is removed, nothing else is
  | { readonly kind: 'link'; readonly path: (i: number) => string } // readlink gives v
  | { readonly kind: 'safe' } // only: no marker, nothing outside changes

/** One module argument that reaches a host command. */
export interface Site {
  readonly name: string
  /** The task, as YAML, with `V` standing for the value expression and `I` for the case index. */
  readonly task: string
  readonly observe: Observe
  /** Values the module can carry byte for byte at this site; others only must not run or change anything. */
  readonly accepts: (v: string) => boolean
  /** Run in check mode only (modules that would change the system). */
  readonly check?: boolean
}

const fileName = (v: string): boolean => v !== '' && !v.includes('/') && v !== '.' && v !== '..' && Buffer.byteLength(v) <= 255
const oneLine = (v: string): boolean => !/[\n\r]/.test(v)
const always = (): boolean => true
// ansible's expanduser: a leading ~ word is a home directory, not data
const noTilde = (v: string): boolean => !v.startsWith('~')

/** The sites, each a task template; `OUT` is the absolute output directory. */
export function sites(out: string): Site[] {
  const o = (tag: string) => (i: number): string => `${out}/${tag}-${i}`
  return [
    { name: 'copy.content', task: `copy: { content: V, dest: "${out}/copy-content-I" }`, observe: { kind: 'file', path: o('copy-content'), expect: (v) => v }, accepts: always },
    { name: 'copy.dest', task: 'copy: { content: "x", dest: V }', observe: { kind: 'exists', expect: (v) => v, type: 'file' }, accepts: fileName },
    { name: 'file.touch', task: 'file: { path: V, state: touch }', observe: { kind: 'exists', expect: (v) => v, type: 'file' }, accepts: fileName },
    { name: 'file.directory.recurse', task: "file: { path: V, state: directory, recurse: yes, mode: '0755', owner: root }", observe: { kind: 'exists', expect: (v) => v, type: 'directory' }, accepts: fileName },
    { name: 'file.absent', task: 'file: { path: V, state: absent }', observe: { kind: 'gone' }, accepts: fileName },
    { name: 'file.link.src', task: `file: { path: "${out}/link-I", src: V, state: link, force: yes }`, observe: { kind: 'link', path: o('link') }, accepts: (v) => Buffer.byteLength(v) < 4096 },
    { name: 'lineinfile.line', task: `lineinfile: { path: "${out}/line-I", line: V, create: yes }`, observe: { kind: 'file', path: o('line'), expect: (v) => `${v}\n` }, accepts: oneLine },
    { name: 'lineinfile.path', task: 'lineinfile: { path: V, line: "x", create: yes }', observe: { kind: 'exists', expect: (v) => v, type: 'file' }, accepts: fileName },
    { name: 'blockinfile.block', task: `blockinfile: { path: "${out}/block-I", block: V, create: yes }`, observe: { kind: 'file', path: o('block'), expect: (v) => `# BEGIN ANSIBLE MANAGED BLOCK\n${v}\n# END ANSIBLE MANAGED BLOCK\n` }, accepts: (v) => oneLine(v) && v !== '' },
    { name: 'command.argv', task: `command: { argv: [sh, -c, 'printf %s "$1" > "$2"', x, V, "${out}/argv-I"] }`, observe: { kind: 'file', path: o('argv'), expect: (v) => v }, accepts: noTilde },
    { name: 'command.cmd', task: `command: "sh -c 'printf %s \\"$1\\" > \\"$2\\"' x {{ VX | quote }} ${out}/cmd-I"`, observe: { kind: 'file', path: o('cmd'), expect: (v) => v }, accepts: noTilde },
    { name: 'command.chdir', task: 'command: { cmd: "true", chdir: V }', observe: { kind: 'safe' }, accepts: always },
    { name: 'command.creates', task: `command: { argv: [touch, "${out}/creates-I"], creates: V }`, observe: { kind: 'safe' }, accepts: always },
    { name: 'shell.quoted', task: `shell: "printf %s {{ VX | quote }} > ${out}/shell-I"`, observe: { kind: 'file', path: o('shell'), expect: (v) => v }, accepts: always },
    { name: 'shell.stdin', task: `shell: { cmd: "cat > ${out}/stdin-I", stdin: V, stdin_add_newline: no }`, observe: { kind: 'file', path: o('stdin'), expect: (v) => v }, accepts: always },
    { name: 'command.stdout', task: 'command: { argv: [printf, "%s", V] }', observe: { kind: 'safe' }, accepts: always },
    { name: 'stat.path', task: 'stat: { path: V, checksum_algorithm: sha256 }', observe: { kind: 'safe' }, accepts: always },
    { name: 'slurp.src', task: 'slurp: { src: V }', observe: { kind: 'safe' }, accepts: always },
    { name: 'archive.path', task: `community.general.archive: { path: V, dest: "${out}/archive-I.tgz", exclusion_patterns: V, exclude_path: V }`, observe: { kind: 'safe' }, accepts: always },
    { name: 'archive.dest', task: 'community.general.archive: { path: /etc/hostname, dest: V, format: tar }', observe: { kind: 'exists', expect: (v) => v, type: 'file' }, accepts: fileName },
    { name: 'git.repo', task: `git: { repo: V, dest: "${out}/git-I" }`, observe: { kind: 'safe' }, accepts: always },
    { name: 'git.check', task: 'git: { repo: V, dest: V, version: V, remote: V, refspec: V, key_file: V, ssh_opts: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'copy.validate', task: `copy: { content: "x", dest: "${out}/validate-I", validate: "cat %s" }`, observe: { kind: 'safe' }, accepts: always },
    // Root-only and system-changing modules: check mode, so only their gathers run with the value.
    { name: 'sysctl.name', task: 'sysctl: { name: V, value: "1", sysctl_file: "' + out + '/sysctl.conf" }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'sysctl.file', task: 'sysctl: { name: kernel.ostype, value: Linux, sysctl_file: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'apt.name', task: 'apt: { name: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'user.name', task: 'user: { name: V, comment: V, home: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'group.name', task: 'group: { name: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'systemd.name', task: 'systemd: { name: V, state: started, enabled: yes }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'hostname.name', task: 'hostname: { name: V }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'modprobe.name', task: 'modprobe: { name: V, state: present }', observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'mount.path', task: `mount: { path: V, src: V, fstype: ext4, state: mounted, fstab: "${out}/fstab" }`, observe: { kind: 'safe' }, accepts: always, check: true },
    { name: 'file.check.recurse', task: 'file: { path: V, state: directory, recurse: yes, owner: root }', observe: { kind: 'safe' }, accepts: always, check: true },
  ]
}
