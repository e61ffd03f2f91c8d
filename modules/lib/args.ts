import { z } from 'zod'

const TRUE = new Set(['true', 'yes', 'on', '1', 'y'])
const FALSE = new Set(['false', 'no', 'off', '0', 'n', ''])

/**
 * A boolean as Ansible reads module arguments: real booleans, and after templating the strings
 * `yes/no/true/false/on/off/1/0` in any case. Never z.coerce.boolean(), which makes "false" true.
 */
export const yamlBool = z.preprocess((v) => {
  if (typeof v === 'number') return v !== 0
  if (typeof v !== 'string') return v
  const s = v.trim().toLowerCase()
  if (TRUE.has(s)) return true
  if (FALSE.has(s)) return false
  return v
}, z.boolean({ invalid_type_error: 'expected a boolean (true/false, yes/no)' }))

/** An integer, from a number or a templated string of digits; "" is not 0. */
export const yamlInt = z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.number({ invalid_type_error: 'expected an integer' }).int())

/** A number (int or float), from a number or a templated numeric string. */
export const yamlNumber = z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), z.number({ invalid_type_error: 'expected a number' }))

/**
 * A file mode as a string: octal (`'0644'`, `'644'`) or symbolic (`u=rw,g=r,o=r`, `u+x`, `preserve` where the module allows).
 * An unquoted mode is refused: YAML makes `644` decimal 644 (octal 1204) and `0644` the number 420, and once it is a
 * number nobody can tell which was meant (Ansible's most reported file-mode trap). The message shows both readings.
 */
export const fileMode = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  if (typeof v === 'number') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `mode must be a quoted string such as '0644': YAML read this unquoted mode as the number ${v} (octal ${v.toString(8)})` })
    return
  }
  if (!/^0?[0-7]{3,4}$/.test(v) && !/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(v) && v !== 'preserve') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `invalid mode '${v}': use octal ('0644') or symbolic ('u=rw,go=r')` })
  }
}).transform((v) => String(v))

/** A list of strings given as a YAML list or a comma-separated string (`name: nginx,curl`), as Ansible accepts. */
export const stringList = z.preprocess((v) => {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (typeof v === 'number') return [String(v)]
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? String(x) : x))
  return v
}, z.array(z.string()))

/** A string argument that also accepts numbers (YAML `value: 1`), kept as text. */
export const text = z.union([z.string(), z.number(), z.boolean()]).transform((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)))
