// ansible-core's result tests by all their names (plugins/test/core.py): a registered result read as it does.
import { describe, expect, it } from 'vitest'
import { renderText } from '../../../engine/template/template.js'

const ok = { changed: false, rc: 0 }
const render = (text: string, r: Record<string, unknown>): string => renderText(text, { r }, 'tests.j2')

describe('result tests', () => {
  it('has every name ansible gives them', () => {
    expect(render('{{ r is successful }} {{ r is succeeded }} {{ r is success }} {{ r is failure }} {{ r is failed }}', ok)).toBe('True True True False False')
    expect(render('{{ r is skip }} {{ r is skipped }} {{ r is change }} {{ r is changed }}', ok)).toBe('False False False False')
    expect(render('{{ r is reachable }} {{ r is unreachable }}', { unreachable: true })).toBe('False True')
  })

  it('counts a result that was not async as started and finished; async states are 0 or 1', () => {
    expect(render('{{ r is started }} {{ r is finished }}', ok)).toBe('True True')
    expect(render('{{ r is started }} {{ r is finished }}', { started: 1, finished: 0 })).toBe('True False')
  })
})
