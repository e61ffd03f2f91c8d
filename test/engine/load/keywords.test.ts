// Keyword sets against ansible-core 2.14's own attribute lists (captured with
// `python3 -c "from ansible.playbook.task import Task; print(sorted(Task.fattributes))"`, same for Play/Block/Handler).
import { describe, expect, it } from 'vitest'
import { BLOCK_KEYWORDS, HANDLER_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from '../../../engine/load/keywords.js'

const COMMON = ['any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'check_mode', 'collections', 'connection', 'debugger', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable', 'module_defaults', 'name', 'no_log', 'port', 'remote_user', 'run_once', 'tags', 'throttle', 'timeout', 'vars']
const TASK = [...COMMON, 'action', 'args', 'async', 'changed_when', 'delay', 'delegate_facts', 'delegate_to', 'failed_when', 'loop', 'loop_control', 'notify', 'poll', 'register', 'retries', 'until', 'when']
const PLAY = [...COMMON, 'fact_path', 'force_handlers', 'gather_facts', 'gather_subset', 'gather_timeout', 'handlers', 'hosts', 'max_fail_percentage', 'order', 'post_tasks', 'pre_tasks', 'roles', 'serial', 'strategy', 'tasks', 'vars_files', 'vars_prompt']
const BLOCK = [...COMMON, 'always', 'block', 'delegate_facts', 'delegate_to', 'notify', 'rescue', 'when']

const sorted = (s: Iterable<string>): string[] => [...s].sort()

describe('keywords', () => {
  it('tasks accept what ansible-core accepts, plus local_action', () => {
    expect(sorted(TASK_KEYWORDS)).toEqual(sorted([...TASK, 'local_action']))
  })
  it('handlers add listen', () => {
    expect(sorted(HANDLER_KEYWORDS)).toEqual(sorted([...TASK, 'local_action', 'listen']))
  })
  it('plays', () => {
    expect(sorted(PLAY_KEYWORDS)).toEqual(sorted(PLAY))
  })
  it('blocks', () => {
    expect(sorted(BLOCK_KEYWORDS)).toEqual(sorted(BLOCK))
  })
})
