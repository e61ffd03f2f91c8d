import { describe, expect, it } from 'vitest'
import { copy } from '../../modules/copy.js'

// ansible-core's copy action writes a list or dict content (a template that rendered to one) as json.dumps does;
// the expected texts are what ansible-playbook 2.14 wrote for the same values.
describe('copy content that is a list or a dict', () => {
  it('becomes JSON with Python separators, key order kept and non-ASCII escaped', () => {
    expect(copy.args.parse({ dest: '/x', content: ['a', 'b'] }).content).toBe('["a", "b"]')
    expect(copy.args.parse({ dest: '/x', content: { b: [1, 2.5, 'é'], a: null } }).content).toBe('{"b": [1, 2.5, "\\u00e9"], "a": null}')
    expect(copy.args.parse({ dest: '/x', content: 'text' }).content).toBe('text')
    expect(copy.args.parse({ dest: '/x', content: true }).content).toBe('True')
  })
})
