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
 * A file mode: octal text (`'0644'`, `'644'`), symbolic (`u=rw,g=r,o=r`, `u+x`, `preserve` where the module allows),
 * or a number, which ansible uses as the numeric mode as it is: YAML reads an unquoted `0644` as 420, which is
 * mode 0644, while an unquoted `644` is decimal 644, mode 01204 (ansible's most reported file-mode trap, kept).
 * Always handed on as octal text.
 */
export const fileMode = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0o7777) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `invalid mode ${v}: a numeric mode must be an integer from 0 to 4095 (octal 07777)` })
    return
  }
  if (!/^0?[0-7]{3,4}$/.test(v) && !/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(v) && v !== 'preserve') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `invalid mode '${v}': use octal ('0644') or symbolic ('u=rw,go=r')` })
  }
}).transform((v) => (typeof v === 'number' ? v.toString(8).padStart(4, '0') : v))

/** A list of strings given as a YAML list or a comma-separated string (`name: nginx,curl`), as Ansible accepts. */
export const stringList = z.preprocess((v) => {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (typeof v === 'number') return [String(v)]
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? String(x) : x))
  return v
}, z.array(z.string()))

/** A string argument that also accepts numbers (YAML `value: 1`), kept as text. */
export const text = z.union([z.string(), z.number(), z.boolean()]).transform((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)))
