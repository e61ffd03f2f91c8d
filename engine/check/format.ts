// The problems as text, JSON, GitHub workflow commands or SARIF 2.1.0, for terminals, scripts and CI.
import type { Problem } from './problem.js'

/** The output formats of `tsplay check --format`. */
export const FORMATS = ['text', 'json', 'github', 'sarif'] as const
export type Format = (typeof FORMATS)[number]

/** The whole report in `format`; text ends with a newline, one line per problem, or "no problems". */
export function formatProblems(problems: readonly Problem[], format: Format, version = '0'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(problems.map(({ file, line, col, severity, kind, message }) => ({ file, line, col, severity, kind, message })), null, 2)}\n`
    case 'github':
      // workflow commands: `%`, CR and LF escaped in the message, also `:` and `,` in properties
      return problems.map((p) => `::${p.severity} file=${property(p.file)},line=${p.line},col=${p.col},title=${property(p.kind)}::${data(p.message)}\n`).join('')
    case 'sarif':
      return `${JSON.stringify(sarif(problems, version), null, 2)}\n`
    default:
      if (problems.length === 0) return 'no problems\n'
      return problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.kind}: ${p.message}\n`).join('') + `${summary(problems)}\n`
  }
}

function summary(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length
  const warnings = problems.length - errors
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
}

const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

function sarif(problems: readonly Problem[], version: string): object {
  const kinds = [...new Set(problems.map((p) => p.kind))].sort()
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tsplay', version, rules: kinds.map((id) => ({ id, shortDescription: { text: id.replace(/-/g, ' ') } })) } },
        results: problems.map((p) => ({
          ruleId: p.kind,
          ruleIndex: kinds.indexOf(p.kind),
          level: p.severity,
          message: { text: p.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: p.file.split('\\').join('/') }, region: { startLine: p.line, startColumn: p.col } } }],
        })),
      },
    ],
  }
}
