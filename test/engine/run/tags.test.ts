import { describe, expect, it } from 'vitest'
import { evaluateTags } from '../../../engine/run/tags.js'

const t = (...tags: string[]): Set<string> => new Set(tags)

describe('evaluateTags (Ansible Taggable.evaluate_tags)', () => {
  it('runs everything but never by default', () => {
    expect(evaluateTags(t(), ['all'], [])).toBe(true)
    expect(evaluateTags(t('a'), ['all'], [])).toBe(true)
    expect(evaluateTags(t('never'), ['all'], [])).toBe(false)
    expect(evaluateTags(t('never', 'debug'), ['debug'], [])).toBe(true)
  })
  it('selects by --tags, always stays', () => {
    expect(evaluateTags(t('a'), ['b'], [])).toBe(false)
    expect(evaluateTags(t('always'), ['b'], [])).toBe(true)
    expect(evaluateTags(t(), ['untagged'], [])).toBe(true)
    expect(evaluateTags(t('a'), ['untagged'], [])).toBe(false)
    expect(evaluateTags(t('a'), ['tagged'], [])).toBe(true)
    expect(evaluateTags(t(), ['tagged'], [])).toBe(false)
  })
  it('skips by --skip-tags, always only when named', () => {
    expect(evaluateTags(t('a'), ['all'], ['a'])).toBe(false)
    expect(evaluateTags(t('always'), ['all'], ['all'])).toBe(true)
    expect(evaluateTags(t('always'), ['all'], ['always'])).toBe(false)
    expect(evaluateTags(t('a'), ['all'], ['tagged'])).toBe(false)
  })
})
