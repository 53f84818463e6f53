import type { ProgressEvent } from './runner.js';

/**
 * Progress on a terminal: one self-overwriting status line on stderr, and a permanent line
 * per finished part. Returns undefined when the stream is not a TTY, so machine output and CI
 * logs stay clean.
 */
export function ttyProgress(stream: NodeJS.WriteStream = process.stderr): ((e: ProgressEvent) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let total = 0;
  let done = 0;
  const running = new Map<string, string>();
  const status = () => {
    const cols = stream.columns || 80;
    const names = [...running.entries()].map(([k, note]) => (note ? `${k} (${note})` : k)).join(', ');
    const line = `[${done}/${total}] ${names}`.slice(0, cols - 1);
    stream.write(`\r\x1b[2K${line}`);
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        total = e.total;
        break;
      case 'part-start':
        running.set(`${e.scanner} on ${e.target}`, '');
        status();
        break;
      case 'note':
        running.set(`${e.scanner} on ${e.target}`, e.note);
        status();
        break;
      case 'part-end': {
        done = e.done;
        running.delete(`${e.part.scanner} on ${e.part.target}`);
        const mark = e.part.status === 'complete' ? '✓' : e.part.status === 'skipped' ? '–' : '✗';
        const tail =
          e.part.status === 'complete' ? `${e.part.findings} findings` : e.part.status === 'skipped' ? (e.part.notes?.[0] ?? 'skipped') : `${e.part.status}: ${e.part.error ?? ''}`;
        stream.write(`\r\x1b[2K${mark} ${e.part.scanner} on ${e.part.target} — ${tail}\n`);
        if (running.size) status();
        break;
      }
    }
  };
}
