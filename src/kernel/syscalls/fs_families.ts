// The file-system syscall families (src/kernel/syscalls/fs_*.ts), gathered for table.ts.
import type { Handler } from './types';

export const fsFamilies: Record<string, Handler>[] = [];
