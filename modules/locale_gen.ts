// - name: have the German Swiss locale
//   community.general.locale_gen:
//     name: de_CH.UTF-8
//     state: present
import { z } from 'zod'
import { and, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { splitSections } from './lib/getent.js'

const args = z
  .object({
    name: z.string().describe('The locale with its encoding, as in /etc/locale.gen (de_CH.UTF-8)'),
    state: z.enum(['present', 'absent']).default('present').describe('Whether the locale is generated (present) or not (absent)'),
  })
  .strict()

type Args = z.output<typeof args>

const LOCALE_GEN = '/etc/locale.gen'
const UBUNTU_LOCAL = '/var/lib/locales/supported.d/local'

/** What the host has: the list of locales it can generate, what is generated, and in which layout. */
export interface LocaleState {
  /** Debian keeps the wanted locales in /etc/locale.gen; Ubuntu in /var/lib/locales/supported.d/; null when neither exists. */
  readonly mode: 'debian' | 'ubuntu' | null
  /** /etc/locale.gen (debian) or /usr/share/i18n/SUPPORTED (ubuntu). */
  readonly available: string
  /** `locale -a`. */
  readonly generated: string
  /** /var/lib/locales/supported.d/local (ubuntu only). */
  readonly ubuntuLocal: string
}

/** A planned edit: the new text of the locale list file, then locale-gen (with its arguments). */
export interface LocaleChange extends Change {
  readonly file: string
  readonly text: string | undefined
  readonly localeGen: readonly string[]
}

const NORMALIZE: ReadonlyArray<readonly [string, string]> = [
  ['.utf8', '.UTF-8'], ['.eucjp', '.EUC-JP'], ['.iso885915', '.ISO-8859-15'], ['.cp1251', '.CP1251'], ['.koi8r', '.KOI8-R'],
  ['.armscii8', '.ARMSCII-8'], ['.euckr', '.EUC-KR'], ['.gbk', '.GBK'], ['.gb18030', '.GB18030'], ['.euctw', '.EUC-TW'],
]

/** `locale -a` spells encodings in lower case (en_US.utf8): both sides are compared in ansible's spelling. */
export const fixCase = (name: string): string => NORMALIZE.reduce((n, [from, to]) => n.split(from).join(to), name)

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** Whether the locale list names `name` (commented out or not in locale.gen, as a line of SUPPORTED on Ubuntu). */
export function isAvailable(name: string, state: LocaleState): boolean {
  const line = state.mode === 'ubuntu' ? /^(\S+_\S+) (\S+)\s*$/ : /^#?\s*(\S+_\S+) (\S+)\s*$/
  return state.available.split('\n').some((l) => line.exec(l)?.[1] === name)
}

/** /etc/locale.gen with the locale's lines commented in or out, as ansible rewrites them (the rest untouched). */
export function setLocaleLines(text: string, name: string, enabled: boolean): string {
  const pattern = new RegExp(`#?\\s*${escape(name)} (.+)`, 'g')
  return text.split('\n').map((line) => line.replace(pattern, (_, charset: string) => `${enabled ? '' : '# '}${name} ${charset}`)).join('\n')
}

/** Ubuntu's supported.d/local without the locale's lines. */
const dropUbuntuLine = (text: string, name: string): string =>
  text.split(/(?<=\n)/).filter((line) => line.split(' ')[0] !== name).join('')

/** Generate or remove the locale when `locale -a` disagrees with `state`; check mode returns only `changed`, as ansible. Pure. */
export function planLocale(a: Args, state: LocaleState, ctx?: Pick<ModuleContext, 'check'>) {
  if (state.mode === null) throw new ModuleError('/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package "locales" installed?')
  if (!isAvailable(a.name, state)) throw new ModuleError("The locale you've entered is not available on your system.")
  const present = state.generated.split('\n').some((l) => fixCase(l) === fixCase(a.name))
  const changes: LocaleChange[] = []
  if (present !== (a.state === 'present')) {
    const summary = `${a.state === 'present' ? 'generate' : 'remove'} locale ${a.name}`
    if (state.mode === 'debian') changes.push({ kind: 'locale', summary, file: LOCALE_GEN, text: setLocaleLines(state.available, a.name, a.state === 'present'), localeGen: [] })
    else if (a.state === 'present') changes.push({ kind: 'locale', summary, file: UBUNTU_LOCAL, text: undefined, localeGen: [a.name] })
    else changes.push({ kind: 'locale', summary, file: UBUNTU_LOCAL, text: dropUbuntuLine(state.ubuntuLocal, a.name), localeGen: ['--purge'] })
  }
  return { changes, values: ctx?.check ? {} : { name: a.name, msg: 'OK' } }
}

/** Generates or removes a locale by editing /etc/locale.gen and running locale-gen (community.general.locale_gen). */
export const locale_gen = defineModule({
  name: 'locale_gen',
  args,
  description: 'Generate or remove a locale (/etc/locale.gen and locale-gen)',
  example: 'locale_gen:\n  name: de_CH.UTF-8\n  state: present',
  async gather(ctx): Promise<LocaleState> {
    // A newline before each marker after file content: the section then is the file exactly, with or without its last newline.
    const script = sh`if [ -d /var/lib/locales/supported.d/ ]; then echo --tsplay-ubuntu--; cat /usr/share/i18n/SUPPORTED; printf '\n--tsplay-local--\n'; cat ${UBUNTU_LOCAL}
elif [ -e ${LOCALE_GEN} ]; then echo --tsplay-debian--; cat ${LOCALE_GEN}; fi 2>/dev/null
printf '\n--tsplay-generated--\n'; locale -a 2>/dev/null; true`
    const sections = splitSections((await ctx.conn.exec(script, { text: true })).stdout)
    const mode = sections.has('ubuntu') ? 'ubuntu' : sections.has('debian') ? 'debian' : null
    return { mode, available: sections.get(mode ?? 'debian') ?? '', generated: sections.get('generated') ?? '', ubuntuLocal: sections.get('local') ?? '' }
  },
  plan: planLocale,
  async apply(ctx, plan) {
    for (const change of plan.changes) {
      // No `--` for locale-gen: Ubuntu's script would take it for a locale; the name was found in the host's list first.
      const generate = sh`locale-gen ${change.localeGen}`
      const command = change.text === undefined ? generate : and(sh`cat > ${change.file}`, generate)
      const result = await ctx.conn.exec(command, { ...(change.text === undefined ? {} : { stdin: change.text }), allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(`[Errno ${result.exitCode}] locale.gen failed to execute, it returned ${result.exitCode}`, { exitValue: result.exitCode })
    }
  },
})
