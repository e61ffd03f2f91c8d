// The valid projects the hostile-input generator starts from: playbooks, inventories, a role tree with a
// dependency, a template, task files. Every task that writes does so under OUT (the case's out/ directory) over
// the local connection, so "nothing was written" can be checked after a rejected input.

/** A project: file names (relative to the case directory) to contents. `OUT` in a text stands for out/'s path. */
export type Files = Record<string, string | Buffer>

/** The files of a valid project, by name; each variant stresses another part of the loader. */
export const PROJECTS: Readonly<Record<string, Files>> = {
  plain: {
    'site.yml': `- name: plain play
  hosts: web
  gather_facts: false
  vars:
    greeting: hello
    ports: [80, 443]
  tasks:
    - name: write a marker
      command: touch OUT/plain
    - name: show
      debug:
        msg: "{{ greeting }} {{ ports | join(',') }}"
    - name: loop
      debug:
        msg: "item {{ item }}"
      loop: "{{ ports }}"
      when: greeting == 'hello'
`,
    'hosts.ini': `[web]
h1 ansible_connection=local

[db]
h2 ansible_connection=local
h3 ansible_connection=local

[app:children]
web
db

[app:vars]
tier=front
`,
  },
  roles: {
    'site.yml': `- hosts: web
  gather_facts: false
  roles:
    - role: base
      base_name: first
  tasks:
    - import_tasks: extra.yml
    - include_role:
        name: base
        tasks_from: other
`,
    'extra.yml': `- name: extra
  debug:
    msg: "{{ base_name | default('none') }}"
`,
    'roles/base/tasks/main.yml': `- name: role marker
  command: touch OUT/role-{{ base_name }}
  notify: done
`,
    'roles/base/tasks/other.yml': `- debug: var=base_port
`,
    'roles/base/handlers/main.yml': `- name: done
  debug: msg=handled
`,
    'roles/base/defaults/main.yml': `base_name: default
base_port: 8080
`,
    'roles/base/meta/main.yml': `dependencies:
  - role: common
`,
    'roles/common/tasks/main.yml': `- debug: msg=common
`,
    'hosts.yml': `all:
  vars:
    site: lab
  children:
    web:
      hosts:
        h1:
          ansible_connection: local
          port: 8080
    db:
      hosts:
        h2: {ansible_connection: local}
        h3: {ansible_connection: local}
`,
  },
  template: {
    'site.yml': `- hosts: all
  gather_facts: false
  vars_files:
    - vars.yml
  vars:
    base: &base {user: app, shell: /bin/sh}
    merged:
      <<: *base
      home: /srv
  tasks:
    - name: render
      template:
        src: page.j2
        dest: OUT/page-{{ inventory_hostname }}
    - block:
        - debug: var=items
      rescue:
        - debug: msg=rescued
      always:
        - debug: msg="{{ merged.user }}"
`,
    'vars.yml': `title: Hostile
items:
  - a
  - b
`,
    'templates/page.j2': `{{ title }}
{% for i in items %}- {{ i }}
{% endfor %}{{ merged | to_json }}
`,
    'hosts.ini': `h1 ansible_connection=local
`,
  },
}

/** Which inventory file a project uses. */
export const inventoryOf = (files: Files): string => (files['hosts.yml'] !== undefined ? 'hosts.yml' : 'hosts.ini')
