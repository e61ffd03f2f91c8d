#!/usr/bin/python3
# tsplay test double, not Kubernetes: stands in for kubectl on tsplay's lab hosts. It answers the calls the
# roles make (get --raw /readyz, apply -f, rollout status, wait for Ready nodes, get nodes, label, taint)
# after checking that the kubeconfig's server answers through the API endpoint, and records every apply in
# /var/lib/tsplay-double/events.log and applied/.
import hashlib
import os
import shutil
import sys

sys.path.insert(0, '/usr/lib/tsplay-double/kubectl')
from common import DOUBLE_NOTE, STATE_DIR, ask_apiserver, fail, load_state, parse_args, record  # noqa: E402
import yaml  # noqa: E402

VERSION = '@VERSION@'
VALUE_FLAGS = {'kubeconfig', 'n', 'namespace', 'f', 'filename', 'o', 'output', 'for', 'timeout', 'raw',
               'field-manager', 'server'}
APPLIED = STATE_DIR + '/applied'


def server_of(flags):
    path = flags.get('kubeconfig') or os.environ.get('KUBECONFIG') or os.path.expanduser('~/.kube/config')
    try:
        with open(path) as f:
            config = yaml.safe_load(f)
        return config['clusters'][0]['cluster']['server'].replace('https://', '')
    except (OSError, KeyError, IndexError, TypeError, yaml.YAMLError):
        fail('The connection to the server localhost:8080 was refused - did you specify the right host or port?')


def connect(flags):
    server = server_of(flags)
    answer = ask_apiserver(server)
    if answer is None:
        fail('Unable to connect to the server: dial tcp %s: connect: connection refused' % server)
    return answer[0]


def apply(flags):
    source = flags.get('f') or flags.get('filename') or fail('error: must specify one of -f and -k')
    with open(source) as f:
        content = f.read()
    docs = [d for d in yaml.safe_load_all(content) if d]
    os.makedirs(APPLIED, exist_ok=True)
    verb = 'serverside-applied' if flags.get('server-side') else None
    for doc in docs:
        kind, name = doc['kind'], doc['metadata']['name']
        namespace = doc['metadata'].get('namespace', '')
        key = hashlib.sha256(('%s/%s/%s' % (kind, namespace, name)).encode()).hexdigest()[:16]
        path = '%s/%s.yaml' % (APPLIED, key)
        text = yaml.safe_dump(doc, sort_keys=True)
        old = open(path).read() if os.path.exists(path) else None
        write_verb = verb or ('created' if old is None else ('unchanged' if old == text else 'configured'))
        with open(path, 'w') as out:
            out.write(text)
        group = doc['apiVersion'].split('/')[0] if '/' in doc['apiVersion'] else ''
        print('%s%s/%s %s' % (kind.lower(), '.' + group if group and group not in ('v1', 'apps') else '', name, write_verb))
    shutil.copy(source, APPLIED + '/' + os.path.basename(source) + '.last')
    record('apply', file=source, objects=len(docs))


def applied_names(kind):
    names = []
    if os.path.isdir(APPLIED):
        for entry in sorted(os.listdir(APPLIED)):
            if entry.endswith('.yaml'):
                with open(APPLIED + '/' + entry) as f:
                    doc = yaml.safe_load(f)
                if doc['kind'] == kind:
                    names.append(doc['metadata']['name'])
    return names


def main(argv):
    pos, flags = parse_args(argv, VALUE_FLAGS)
    if pos[:1] == ['version']:
        print('Client Version: v%s (%s)' % (VERSION, DOUBLE_NOTE))
        return
    served_by = connect(flags)
    nodes = load_state().get('nodes', [])
    if pos[:1] == ['get'] and flags.get('raw'):
        print('ok')
    elif pos[:1] == ['apply']:
        apply(flags)
    elif pos[:2] == ['get', 'nodes'] or pos[:2] == ['get', 'node']:
        print('NAME STATUS ROLES AGE VERSION')
        for node in nodes:
            print('%s Ready control-plane 1m v%s' % (node, VERSION))
    elif pos[:1] == ['wait'] and flags.get('for') == 'condition=Ready':
        for node in nodes:
            print('node/%s condition met' % node)
    elif pos[:2] == ['rollout', 'status'] and len(pos) == 3:
        kind, _, name = pos[2].partition('/')
        if name not in applied_names({'ds': 'DaemonSet', 'daemonset': 'DaemonSet', 'deploy': 'Deployment',
                                      'deployment': 'Deployment'}.get(kind, kind)):
            fail('Error from server (NotFound): %s "%s" not found' % (kind, name))
        print('%s "%s" successfully rolled out' % ('daemon set' if kind in ('ds', 'daemonset') else 'deployment', name))
    elif pos[:2] in (['label', 'node'], ['taint', 'node']) and len(pos) >= 3:
        print('node/%s %s' % (pos[2], 'labeled' if pos[0] == 'label' else 'untainted'))
    else:
        fail('unsupported: kubectl %s (%s)' % (' '.join(argv), DOUBLE_NOTE))
    record('kubectl', args=argv[:6], servedBy=served_by)


if __name__ == '__main__':
    main(sys.argv[1:])
