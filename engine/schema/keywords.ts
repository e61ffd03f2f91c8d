import { BLOCK_KEYWORDS, HANDLER_KEYWORDS, LOOP_CONTROL_KEYWORDS, PLAY_KEYWORDS, ROLE_KEYWORDS, TASK_KEYWORDS } from '../load/index.js'
import type { JsonSchema } from './relax.js'

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` })
const STRING: JsonSchema = { type: 'string' }
const BOOL = ref('boolean')
const INT: JsonSchema = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*-?\\d+\\s*$' }, ref('templated')] }
const NUMBER_OR_TEXT: JsonSchema = { type: ['string', 'number'] }
const STRINGS: JsonSchema = { anyOf: [STRING, { type: 'array', items: NUMBER_OR_TEXT }] }
const CONDITION: JsonSchema = { anyOf: [{ type: ['string', 'boolean', 'number'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }] }
const MAPPING: JsonSchema = { anyOf: [{ type: 'object' }, ref('templated')] }
const ANY: JsonSchema = {}

/** What each keyword's value may be and what it means; a keyword missing here takes any value. */
const KEYWORDS: Readonly<Record<string, JsonSchema>> = {
  name: { ...NUMBER_OR_TEXT, description: 'a name for the play, block or task, shown in the log' },
  any_errors_fatal: { ...BOOL, description: 'a failure on one host fails the play on all hosts' },
  become: { ...BOOL, description: 'run with privilege escalation (sudo by default)' },
  become_exe: { ...STRING, description: 'the escalation program to run instead of the method\'s default' },
  become_flags: { ...STRING, description: 'extra flags for the escalation program' },
  become_method: { ...STRING, description: 'how to escalate: sudo, su, …' },
  become_user: { ...STRING, description: 'the user to become (default root)' },
  check_mode: { ...BOOL, description: 'true: always predict only; false: always make changes, even under --check' },
  collections: { anyOf: [STRING, { type: 'array', items: STRING }], description: 'collections searched for short module names' },
  connection: { ...STRING, description: 'connection plugin: ssh or local' },
  debugger: { enum: ['always', 'never', 'on_failed', 'on_unreachable', 'on_skipped'], description: 'when the task debugger starts (accepted, not run by tsplay)' },
  diff: { ...BOOL, description: 'show file differences, as --diff' },
  environment: { anyOf: [{ type: 'object' }, { type: 'array', items: MAPPING }, ref('templated')], description: 'environment variables for the commands of the tasks' },
  ignore_errors: { ...BOOL, description: 'a failure does not stop the host' },
  ignore_unreachable: { ...BOOL, description: 'an unreachable host is not taken out of the play' },
  module_defaults: { anyOf: [{ type: 'object' }, { type: 'array' }, ref('templated')], description: 'default arguments per module or action group' },
  no_log: { ...BOOL, description: 'hide the task\'s results from the log' },
  port: { ...INT, description: 'the SSH port' },
  remote_user: { ...STRING, description: 'the user to log in as' },
  run_once: { ...BOOL, description: 'run on the first host of the batch only, results shared with all' },
  tags: { anyOf: [NUMBER_OR_TEXT, { type: 'array', items: NUMBER_OR_TEXT }], description: 'tags for --tags and --skip-tags' },
  throttle: { ...INT, description: 'at most this many hosts run the task at once' },
  timeout: { ...INT, description: 'fail the task after this many seconds' },
  vars: { ...MAPPING, description: 'variables for this play, block or task' },
  when: { ...CONDITION, description: 'a condition (Jinja2 expression without braces), or a list of them all of which must hold' },
  notify: { ...STRINGS, description: 'handlers (names or listen topics) to run when the task changes something' },
  delegate_to: { ...STRING, description: 'run the task on this host instead' },
  delegate_facts: { ...BOOL, description: 'facts gathered by a delegated task belong to the delegate' },
  block: { ...ref('tasks'), description: 'the tasks of the block' },
  rescue: { ...ref('tasks'), description: 'tasks run when a task of the block fails' },
  always: { ...ref('tasks'), description: 'tasks run after the block whatever happened' },
  action: { anyOf: [STRING, { type: 'object' }], description: 'the module and its arguments in one (old style)' },
  local_action: { anyOf: [STRING, { type: 'object' }], description: 'the module and its arguments, run on the controller' },
  args: { ...MAPPING, description: 'the module\'s arguments, merged with those given under its name' },
  async: { ...INT, description: 'run in the background for at most this many seconds' },
  poll: { ...INT, description: 'seconds between checks of an async task; 0 does not wait' },
  changed_when: { ...CONDITION, description: 'a condition that decides whether the task reports changed' },
  failed_when: { ...CONDITION, description: 'a condition that decides whether the task failed' },
  until: { ...CONDITION, description: 'retry the task until this condition holds' },
  retries: { ...INT, description: 'how often to retry with until (default 3)' },
  delay: { ...INT, description: 'seconds between retries' },
  loop: { anyOf: [{ type: 'array' }, ref('templated')], description: 'run the task once per item (the item is `item`)' },
  loop_control: {
    type: 'object',
    description: 'how the loop names and shows its items',
    properties: Object.fromEntries([...LOOP_CONTROL_KEYWORDS].map((k) => [k, k === 'pause' ? INT : k.startsWith('extended') ? BOOL : NUMBER_OR_TEXT])),
    additionalProperties: false,
  },
  register: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'keep the task\'s result in this variable' },
  listen: { ...STRINGS, description: 'topics this handler also answers notify by' },
  hosts: { anyOf: [NUMBER_OR_TEXT, { type: 'array', items: NUMBER_OR_TEXT }], description: 'the host pattern the play runs on' },
  fact_path: { ...STRING, description: 'where local facts are read from' },
  force_handlers: { ...BOOL, description: 'run notified handlers even on failed hosts' },
  gather_facts: { ...BOOL, description: 'gather facts before the first task (default true)' },
  gather_subset: { ...STRINGS, description: 'which facts to gather' },
  gather_timeout: { ...INT, description: 'seconds fact gathering may take' },
  handlers: { ...ref('handlers'), description: 'tasks run at the end of a section when notified' },
  max_fail_percentage: { anyOf: [{ type: 'number' }, ref('templated')], description: 'stop the play when more than this percentage of a batch failed' },
  order: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'], description: 'the order hosts run in' },
  pre_tasks: { ...ref('tasks'), description: 'tasks run before the roles' },
  tasks: { ...ref('tasks'), description: 'tasks run after the roles' },
  post_tasks: { ...ref('tasks'), description: 'tasks run after tasks' },
  roles: { type: 'array', items: ref('roleEntry'), description: 'roles applied before tasks' },
  serial: { anyOf: [NUMBER_OR_TEXT, { type: 'array', items: NUMBER_OR_TEXT }], description: 'batches of hosts: a number, a percentage, or a list of them' },
  strategy: { ...STRING, description: 'linear (default) or free' },
  // a list keyword given one string is a list of one, as ansible-core's FieldAttribute(isa='list') reads it
  vars_files: { anyOf: [STRING, { type: 'array', items: { anyOf: [STRING, { type: 'array', items: STRING }] } }], description: 'files of variables to load (the first of a nested list that exists)' },
  vars_prompt: { type: 'array', items: { type: 'object', required: ['name'] }, description: 'variables asked for at the start' },
  role: { ...STRING, description: 'the role\'s name or path' },
}

/** The properties of an object with these keywords, each with its value schema and description. */
export function keywordProperties(keywords: Iterable<string>): Record<string, JsonSchema> {
  return Object.fromEntries([...keywords].sort().map((k) => [k, KEYWORDS[k] ?? ANY]))
}

/** The keyword sets of ansible-core 2.14, as the loader checks them. */
export const KEYWORD_SETS = {
  play: PLAY_KEYWORDS,
  block: BLOCK_KEYWORDS,
  task: TASK_KEYWORDS,
  handler: HANDLER_KEYWORDS,
  role: ROLE_KEYWORDS,
} as const
