import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../../engine/template/index.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

const INI = `[global]
user = alice
Port: 22
path = /home/%(user)s
pct = 100%%
multi = first
  second

[other]
user=bob
empty =
key.a = 1
key.b = 2
[DEFAULT]
shared = yes
`

const PROPS = `# comment
name=java
url: http://x
`

const CSV = `alice\t1\tadmin
bob\t2\tuser
"carol x"\t3\t"a ""quoted"" role"
`

const EXPRESSIONS = [
  "lookup('ini', 'user', file='conf.ini')",
  "lookup('ini', 'port', file='conf.ini')",
  "lookup('ini', 'Port', file='conf.ini', case_sensitive=True)",
  "lookup('ini', 'path', file='conf.ini')",
  "lookup('ini', 'pct', file='conf.ini')",
  "lookup('ini', 'multi', file='conf.ini')",
  "lookup('ini', 'shared', file='conf.ini', section='other')",
  "lookup('ini', 'empty', file='conf.ini', section='other')",
  "lookup('ini', 'missing', file='conf.ini', default='dflt')",
  "query('ini', 'key\\..*', file='conf.ini', section='other', re=True)",
  "lookup('ini', 'user section=other file=conf.ini')",
  "lookup('ini', 'user', file='conf.ini', section='nosuch')",
  "lookup('ini', 'name', type='properties', file='app.properties')",
  "lookup('ini', 'url', type='properties', file='app.properties')",
  "lookup('csvfile', 'bob file=users.tsv')",
  "lookup('csvfile', 'bob file=users.tsv col=2')",
  "lookup('csvfile', 'carol x', file='users.tsv', col=2)",
  "lookup('csvfile', 'b file=users.csv delimiter=,')",
  "lookup('csvfile', 'nobody file=users.tsv default=none')",
  "lookup('csvfile', 'nobody file=users.tsv')",
  "lookup('csvfile', 'bob file=users.tsv col=9')",
  "lookup('csvfile', 'file=users.tsv')",
]

describe('ini and csvfile', () => {
  it('print what ansible-playbook prints', { timeout: 180_000 }, async () => {
    const dir = fixture({
      'site.yml': play(debugTasks(EXPRESSIONS)),
      'files/conf.ini': INI,
      'app.properties': PROPS,
      'files/users.tsv': CSV,
      'files/users.csv': 'a,1\nb,"2,5"\n',
    })
    const [ansible, tsplay] = await Promise.all([ansiblePrinted(dir), tsplayPrinted(dir)])
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible.length).toBe(EXPRESSIONS.length)
  })

  it('says which section is missing', () => {
    const dir = fixture({ 'a.ini': '[s]\nk=v\n' })
    expect(() => renderValue("{{ lookup('ini', 'k', file='a.ini', section='t') }}", { playbook_dir: dir })).toThrow("No section 't' in a.ini")
  })
})
