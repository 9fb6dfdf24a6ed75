// The ptrace platform: the trap-platform cases (trap_cases.ts).
import * as path from 'path';
import { PtracePlatform } from '../../../src/platform/ptrace/ptrace_platform';
import { trapPlatformCases } from './trap_cases';

trapPlatformCases('ptrace platform', (memory) => new PtracePlatform({ memory }),
  path.join(__dirname, '../../../src/platform/ptrace/ptrace_platform'), 'PtracePlatform');
