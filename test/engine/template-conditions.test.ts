import { describe, expect, it } from 'vitest'
import { evalCondition } from '../../engine/template.js'

// Each row was evaluated by ansible-core 2.14.18's own Conditional.evaluate_conditional with these
// variables; a row holding an Error is a condition Ansible fails on, with its message.
const vars = {"a":1,"s":"text","f":false,"sf":"False","sy":"yes","empty":"","zero":0,"none_v":null,"l":["x","y"],"el":[],"d":{"k":"v"},"ed":{},"r":{"rc":0,"stdout":"all ok","stdout_lines":["ok"],"changed":true,"failed":false},"hostvars":{"h1":{"x":5}},"groups":{"all":["h1","h2"],"web":["h1"]},"inventory_hostname":"h1"}

describe('conditions, as ansible-core evaluates them', () => {
  it.each<[unknown, boolean | Error]>([
    ["a == 1", true],
    ["a", true],
    ["s", true],
    ["f", false],
    ["sf", true],
    ["sy", true],
    ["empty", false],
    ["zero", false],
    ["none_v", false],
    ["l", true],
    ["el", false],
    ["d", true],
    ["ed", false],
    ["{{ a == 1 }}", true],
    ["{{ sf }}", false],
    ["{{ sy }}", new Error("'yes' is undefined")],
    ["{{ s }}", new Error("'text' is undefined")],
    ["{{ empty }}", false],
    ["{{ a }} == 1", true],
    ["'{{ s }}' == 'text'", true],
    ["{{ l }}", true],
    ["{{ el }}", false],
    ["missing is defined", false],
    ["missing", new Error("'missing' is undefined")],
    ["missing | default(false)", false],
    ["sf | bool", false],
    ["sy | bool", true],
    ["s | length > 2", true],
    [["a == 1", "s"], true],
    [["a == 1", "f"], false],
    [true, true],
    [false, false],
    ["True", true],
    ["False", false],
    ["true", true],
    ["false", false],
    ["yes", new Error("'yes' is undefined")],
    ["1", true],
    ["0", false],
    ["'x' in l", true],
    ["l | length > 1 and a == 1", true],
    ["not f", true],
    ["a == 1 and\n  s == 'text'", true],
    ["r.rc == 0", true],
    ["r.stdout is search('ok')", true],
    ["r is changed", true],
    ["r is not failed", true],
    ["'ok' in r.stdout_lines", true],
    ["r.missing is defined", false],
    ["r.missing.deeper is defined", false],
    ["missing.attr is undefined", true],
    ["{{ missing }}", new Error("'missing' is undefined")],
    ["d.k == 'v'", true],
    ["d['k'] == 'v'", true],
    ["hostvars['h1'].x == 5", true],
    ["groups['all'] | length == 2", true],
    ["inventory_hostname in groups['web']", true],
    ["a is number", true],
    ["1", true],
  ])('%j', (condition, expected) => {
    if (expected instanceof Error) expect(() => evalCondition(condition, vars)).toThrow(expected.message)
    else expect(evalCondition(condition, vars)).toBe(expected)
  })
})
