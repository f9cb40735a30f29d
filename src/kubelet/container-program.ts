// What a hollow container "runs", read from its command and args (the documented convention):
//   sleep N            exits 0 after N seconds (`sleep infinity` never does)
//   exit K             fails at once with exit code K (also `sh -c "exit K"`, `/bin/sh -c 'exit K'`)
//   anything else      runs until the pod is deleted
// On deletion a `sleep` container, like a real sleep as PID 1, ignores SIGTERM and is killed when the
// grace period ends (exit 137); anything else stops on SIGTERM at once (exit 0), as servers do.

export type ContainerProgram =
  | { readonly kind: 'sleep'; readonly seconds: number }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'serve' };

export interface ContainerCommand {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `sh -c "script"` → the script's words; anything else → the words as given. */
function words(container: ContainerCommand): string[] {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length >= 3 && SHELLS.has(baseName(argv[0]!)) && argv[1] === '-c') return argv[2]!.trim().split(/\s+/);
  return argv;
}

/** Go's time.ParseDuration-free subset sleep(1) takes: plain seconds, or with an s/m/h/d suffix. */
function sleepSeconds(value: string): number | undefined {
  if (value === 'infinity') return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value);
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function containerProgram(container: ContainerCommand): ContainerProgram {
  const [verb, operand, ...rest] = words(container);
  if (verb === undefined || operand === undefined || rest.length > 0) return { kind: 'serve' };
  if (baseName(verb) === 'sleep') {
    const seconds = sleepSeconds(operand);
    return seconds === undefined ? { kind: 'serve' } : { kind: 'sleep', seconds };
  }
  if (verb === 'exit' && /^\d+$/.test(operand)) return { kind: 'exit', code: Number(operand) % 256 };
  return { kind: 'serve' };
}
