import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests build the dataset from raw/: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
