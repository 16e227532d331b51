/**
 * Where console alerts print, if anywhere. The console channel is the terminal of `npm start`:
 * a person watching it reads alerts between the pretty log lines. Anywhere else stdout carries
 * JSON log lines for a collector, and an alert's text in the middle of them would corrupt the
 * stream, so by default it is off: when stdout is not a TTY, and for `--role worker` (a
 * deployment's process, never someone's terminal). DEEPCLAW_CONSOLE_ALERTS overrides either way
 * (the demo and the process tests set it).
 */
import type { ConsoleAlerts } from '../../bot/config.ts';

export type AlertWriter = (text: string) => void;

export function consoleAlertOutput(options: { setting?: ConsoleAlerts; role: 'all' | 'worker'; stdoutIsTTY: boolean }): AlertWriter | undefined {
  const target = options.setting ?? (options.role === 'all' && options.stdoutIsTTY ? 'stdout' : 'off');
  if (target === 'stdout') return (text) => process.stdout.write(text);
  if (target === 'stderr') return (text) => process.stderr.write(text);
  return undefined;
}
