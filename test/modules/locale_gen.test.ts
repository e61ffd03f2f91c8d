import { describe, expect, it } from 'vitest'
import { fixCase, isAvailable, locale_gen, planLocale, setLocaleLines, type LocaleState } from '../../modules/locale_gen.js'

const LOCALE_GEN = '# This file lists locales\n#\n# de_CH ISO-8859-1\n# de_CH.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\nfr_FR.UTF-8 UTF-8\n'
const debian = (generated: string): LocaleState => ({ mode: 'debian', available: LOCALE_GEN, generated, ubuntuLocal: '' })
const plan = (args: Record<string, unknown>, state: LocaleState, check = false) => planLocale(locale_gen.args.parse(args), state, { check })

describe('locale_gen', () => {
  it('generates a locale locale -a lacks by uncommenting its line, and returns what ansible returns', () => {
    const p = plan({ name: 'de_CH.UTF-8' }, debian('C\nC.utf8\nPOSIX\n'))
    expect(p.changes).toEqual([{ kind: 'locale', summary: 'generate locale de_CH.UTF-8', file: '/etc/locale.gen', text: LOCALE_GEN.replace('# de_CH.UTF-8', 'de_CH.UTF-8'), localeGen: [] }])
    expect(p.values).toEqual({ name: 'de_CH.UTF-8', msg: 'OK' })
    expect(plan({ name: 'de_CH.UTF-8' }, debian(''), true).values).toEqual({})
  })

  it('compares with locale -a in its spelling (utf8) and comments a removed locale out', () => {
    expect(plan({ name: 'fr_FR.UTF-8' }, debian('C\nfr_FR.utf8\n')).changes).toEqual([])
    expect(plan({ name: 'fr_FR.UTF-8', state: 'absent' }, debian('fr_FR.utf8\n')).changes[0]!.text).toContain('\n# fr_FR.UTF-8 UTF-8\n')
    expect(plan({ name: 'en_US.UTF-8', state: 'absent' }, debian('C\n')).changes).toEqual([])
    expect(fixCase('ja_JP.eucjp')).toBe('ja_JP.EUC-JP')
  })

  it('touches only the locale itself, not one that merely starts with its name', () => {
    expect(setLocaleLines('# de_CH ISO-8859-1\n# de_CH.UTF-8 UTF-8\n', 'de_CH', true)).toBe('de_CH ISO-8859-1\n# de_CH.UTF-8 UTF-8\n')
  })

  it('fails as ansible does on an unknown locale and without the locales package', () => {
    expect(() => plan({ name: 'xx_YY.UTF-8' }, debian(''))).toThrow("The locale you've entered is not available on your system.")
    expect(() => plan({ name: 'de_CH.UTF-8' }, { mode: null, available: '', generated: '', ubuntuLocal: '' })).toThrow('Is the package "locales" installed?')
    expect(locale_gen.args.safeParse({ name: 'de_CH.UTF-8', state: 'enabled' }).success).toBe(false)
  })

  it('on Ubuntu, asks locale-gen for the locale, and removes it from supported.d/local with a purge', () => {
    const ubuntu: LocaleState = { mode: 'ubuntu', available: 'de_CH.UTF-8 UTF-8\nen_US.UTF-8 UTF-8\n', generated: 'en_US.utf8\n', ubuntuLocal: 'en_US.UTF-8 UTF-8\nde_DE.UTF-8 UTF-8\n' }
    expect(isAvailable('de_CH.UTF-8', ubuntu)).toBe(true)
    expect(plan({ name: 'de_CH.UTF-8' }, ubuntu).changes[0]).toMatchObject({ text: undefined, localeGen: ['de_CH.UTF-8'] })
    expect(plan({ name: 'en_US.UTF-8', state: 'absent' }, ubuntu).changes[0]).toMatchObject({ text: 'de_DE.UTF-8 UTF-8\n', localeGen: ['--purge'] })
  })
})
