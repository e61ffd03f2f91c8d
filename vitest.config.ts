import { defineConfig } from 'vitest/config'

// Seven projects: `unit`, `injection`, `secrets` and `hostile` need nothing but this machine; `differential` runs ansible-playbook beside tsplay
// on local hosts; `lab` and `e2e` need real lab hosts (their global setup starts them and fails loudly when it
// cannot). vitest applies pool options (so file parallelism) to the whole run, not per project: `npm test`
// runs the projects one after the other, `differential`, `lab` and `e2e` with --no-file-parallelism, because
// lab tests stop, reboot and recreate shared hosts and must never overlap.
// Every project turns the connection keeper off (tsplay keeps connections between runs by default, as ansible's
// ControlPersist does): a test's run must not be served by a connection an earlier test opened, with settings or
// to a host that have changed since. The keeper's own tests turn it back on.
const env = { TSPLAY_NO_KEEPER: '1' }

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/engine/**/*.test.ts', 'test/modules/**/*.test.ts'],
          testTimeout: 30_000,
          env,
        },
      },
      {
        // Hostile values through every module argument that reaches a host command, over the real local connection.
        test: {
          name: 'injection',
          include: ['test/injection/**/*.test.ts'],
          testTimeout: 300_000,
          env,
        },
      },
      {
        // no_log and passwords: a marker per case grepped in every output channel (test/secrets/), run after unit
        test: {
          name: 'secrets',
          include: ['test/secrets/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          env,
        },
      },
      {
        // issue 16's hostile-input suite: generated malformed input through main() in one process, a stratified
        // sample compared with ansible-playbook; prints its counts
        test: {
          name: 'hostile',
          include: ['test/hostile/**/*.test.ts'],
          testTimeout: 600_000,
          env,
        },
      },
      {
        test: {
          name: 'differential',
          include: ['test/differential/**/*.test.ts'],
          testTimeout: 300_000,
          env,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts', 'test/e2e/rhel-plan.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 900_000,
          env,
          hookTimeout: 900_000,
        },
      },
      {
        // The end-to-end tests (the HA cluster on six fresh lab hosts, the etcd role on a hostile host, the docker role): the last
        // step of `npm test`, run on its own after the lab project (npm run test:e2e runs it alone). Each file
        // holds the lab lock while it runs, so no other lab command can stop or re-create its hosts mid-run.
        test: {
          name: 'e2e',
          include: ['test/e2e/ha-cluster.test.ts', 'test/e2e/etcd-permissions.test.ts', 'test/e2e/docker-runtime.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 900_000,
          env,
          hookTimeout: 900_000,
        },
      },
    ],
  },
})
