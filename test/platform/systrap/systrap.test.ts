// The systrap platform: the trap-platform cases (../ptrace/trap_cases.ts).
import * as path from 'path';
import { SystrapPlatform } from '../../../src/platform/systrap/systrap_platform';
import { trapPlatformCases } from '../ptrace/trap_cases';

trapPlatformCases('systrap platform', (memory) => new SystrapPlatform({ memory }),
  path.join(__dirname, '../../../src/platform/systrap/systrap_platform'), 'SystrapPlatform');
