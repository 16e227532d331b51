/**
 * `npm run demo` as a newcomer runs it: a real process with the real service, ingest and
 * simulated fleet, judged by what it prints.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoStory } from '../bot/demo/story.ts';
import { childEnv, runNode } from './support/processes.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The throwaway data dir the demo announces in its first line. */
const announcedDataDir = (output: string) => /data in (\S+) \(removed when the demo stops\)/.exec(output)?.[1];

describe('npm run demo', () => {
  it('--fast plays every scripted event, shows the alerts on the console, prints the summary and exits 0 leaving nothing behind', async () => {
    const { code, stdout, stderr } = await runNode(['bot/demo/main.ts', '--fast'], { LOG_LEVEL: 'warn' });
    expect(stderr).toBe('');
    expect(code).toBe(0);

    // What it says will happen, before it happens.
    expect(stdout).toMatch(/in ~2 s +demo-edge-2 stops syncing/);
    expect(stdout).toContain('8 simulated instances push snapshots every 2 s through the real ingest');
    // The alerts a user sees as the story plays, opened and resolved.
    for (const line of [
      // Each instance's first contact is one message with its state.
      '🟢 demo-hq-1 connected\nGateway: up (2026.9.6)',
      '🔴 demo-edge-2: stopped syncing',
      'Resolved: syncing again after',
      // One instance's trouble is one message, edited as it changes.
      'demo-gpu-3: 2 problems',
      'gateway down: the gateway does not answer its health check',
      'model errors spiking: ',
      'Resolved meanwhile: gateway down: ',
      'demo-cron-4: 2 problems',
      'cron job failed: cron job "nightly-report" failed (rate_limit)',
      '✅ demo-cron-4: 2 problems — resolved',
      '🟠 demo-spend-5: spend drifting',
      'driven by anthropic/claude-opus-4-1',
      '🔴 demo-exposed-6: security posture regressed',
      '✅ demo-exposed-6: security posture regressed — resolved',
      '🔴 3 instances stopped syncing within a minute',
      '✅ 3 instances stopped syncing within a minute — resolved',
    ]) {
      expect(stdout).toContain(line);
    }
    // The summary: one ✓ per scripted event, none missing.
    for (const expected of demoStory('fast').expected) {
      expect(stdout).toMatch(new RegExp(`✓ ${expected.instance} +${expected.kind} +opened at \\+\\d+ s`));
    }
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/Story played: \d+ events opened, \d+ resolved; messages sent: \d+ to console\./);
    expect(stdout).toContain('Every scripted event happened.');
    expect(stdout).not.toContain('the push was not accepted');

    const dataDir = announcedDataDir(stdout);
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir!)).toBe(false);
  }, 240_000);

  it('stops cleanly on Ctrl-C: exit 0, the service closed and the throwaway data dir gone', async () => {
    const child = spawn(process.execPath, ['bot/demo/main.ts'], { cwd: ROOT, env: childEnv({ LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Wait for the first alert-free moment of the story: the announcement of the first beat.
    // Starting takes ~9 s alone (most of it PGlite's initdb) and several times that beside the
    // rest of the suite on two cores, hence the generous limits.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 150_000);
      child.stdout.on('data', () => {
        if (output.includes('What will happen:')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const url = /the service is at (http:\S+?),/.exec(output)![1]!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    child.kill('SIGINT');
    // Stopping is bounded (bot/demo/main.ts): if it ever is not, say what the demo printed.
    const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the demo did not stop within 30 s:\n${output}`)), 30_000))]);
    expect(code).toBe(0);
    expect(output).toContain('Demo stopped.');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(existsSync(announcedDataDir(output)!)).toBe(false);
  }, 240_000);
});
