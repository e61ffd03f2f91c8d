import { defineConfig } from 'vitest/config'

// Three projects: `unit` needs nothing but this machine; `differential` runs ansible-playbook beside tsplay
// on local hosts; `lab` needs real lab hosts (its global setup starts them and fails loudly when it cannot).
// vitest applies pool options (so file parallelism) to the whole run, not per project: `npm test` runs the
// projects one after the other, `differential` and `lab` with --no-file-parallelism, because lab tests stop,
// reboot and recreate shared hosts and must never overlap.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/engine/**/*.test.ts', 'test/modules/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'differential',
          include: ['test/differential/**/*.test.ts'],
          testTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts', 'test/e2e/rhel-plan.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        // The HA cluster end to end (npm run test:e2e). Not in `npm test` for now: it passes on its own (11/11 on a
        // fresh lab) but failed after the other lab tests in one full CI run (the etcd member on lab1 could not
        // read its certificate: /etc/etcd had become 0700); see the note on issue 5.
        test: {
          name: 'e2e',
          include: ['test/e2e/ha-cluster.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
})
