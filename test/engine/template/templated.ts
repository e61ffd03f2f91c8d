// What ansible-core 2.14's Templar returns for a lone expression whose value is `native`: numbers as their text
// (`{{ 1 }}` is '1'), None as '' (jinja2_native off). Lets the tables keep the plain values ansible computes.

/** The templated form of a native value: a number's text, '' for None, anything else unchanged. */
export function templated(native: unknown): unknown {
  if (typeof native === 'number') return String(native)
  return native === null ? '' : native
}
