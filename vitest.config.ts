// Test runner settings: I/O tests start real servers on 127.0.0.1 port 0, so give them room.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more parallel files only make the socket tests fight for CPU.
    maxWorkers: 2,
  },
});
