// What marks a string as a template, and the shape of the variables templates read: the lowest layer of
// template/, which the lazy views and the renderer both build on.
import { isUnsafe } from '../yaml/index.js'
import { isLazy } from './undefined.js'

/** Variables as templates see them. */
export type Vars = Record<string, unknown>

/** `{{`, `{%` or `{#`: the marks that open a template. */
export const MARKS = /\{\{|\{%|\{#/

/**
 * True when a string (or any string inside a list/dict) contains `{{`, `{%` or `{#`, or the value holds unsafe
 * data (yaml/unsafe.ts): both need the lazy views, which render the one and hand on the other as it is.
 */
export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return MARKS.test(value)
  // A lazy view renders its own values when read; walking it would render every variable.
  if (value === null || typeof value !== 'object' || isLazy(value)) return false
  if (isUnsafe(value)) return true
  if (Array.isArray(value)) return value.some(isTemplated)
  return Object.values(value).some(isTemplated)
}
