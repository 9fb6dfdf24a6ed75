// The runtime's own messages: to --log (JSON lines {"level","msg","time"} with
// --log-format json, logrus' text format otherwise), never to the container's
// stdio. Without --log, errors go to the command's stderr as runc's do.
import * as fs from 'fs';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export class RuntimeLog {
  private fd = -1;
  constructor(readonly file: string | undefined, readonly format: 'json' | 'text', readonly debugEnabled: boolean, private readonly stderrFallback: boolean) {
    if (file) {
      try { this.fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | 0o2000000 /* O_CLOEXEC */, 0o644); } catch { this.fd = -1; }
    }
  }

  line(level: LogLevel, msg: string): string {
    const time = new Date().toISOString();
    if (this.format === 'json') return JSON.stringify({ level, msg, time }) + '\n';
    return `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
  }

  write(level: LogLevel, msg: string): void {
    if (level === 'debug' && !this.debugEnabled) return;
    if (this.fd >= 0) {
      try { fs.writeSync(this.fd, this.line(level, msg)); } catch { /* log gone */ }
    } else if (this.stderrFallback && level !== 'debug') {
      try { fs.writeSync(2, msg + '\n'); } catch { /* stderr closed */ }
    }
  }
  error(msg: string): void { this.write('error', msg); }
  warn(msg: string): void { this.write('warning', msg); }
  debug(msg: string): void { this.write('debug', msg); }
  info(msg: string): void { this.write('info', msg); }
  close(): void { if (this.fd >= 0) { try { fs.closeSync(this.fd); } catch { /* */ } this.fd = -1; } }
}
