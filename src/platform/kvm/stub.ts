// The supervisor stub: the only ring-0 code in the guest. On PVM every ring-0
// instruction is emulated by KVM, so it is a handful of plain integer
// instructions: each vector's entry exits to the VMM with one `out` (the port
// names the vector; the CPU has already pushed the exception frame), and the VMM
// resumes at `iret_entry` (or `apply_iret` when page-table stores are queued)
// with RSP at an iret frame it wrote. Every byte is listed beside its assembly.
import { PORT_APPLIED, PORT_SYSCALL, PORT_UNEXPECTED, QUEUE_VA, STUB_VA, VECTOR_PORT_BASE } from './layout';

/** Offsets inside the stub page. */
export const VECTOR_ENTRY_SIZE = 4;
export const UNEXPECTED_OFF = 0x80;
export const IRET_OFF = 0x90;
export const APPLY_IRET_OFF = 0xa0;
export const APPLY_EXIT_OFF = 0xc0;
export const APPLY_OFF = 0xd0;
/** Offset of apply_iret's own iretq from APPLY_IRET_OFF (4 pushes, call, 4 pops). */
export const APPLY_IRETQ_AT = 4 + 5 + 4;

/** Assembles into a page-sized buffer; rel8/rel32 fixups by label. */
class Emitter {
  readonly buf = new Uint8Array(4096);
  pos = 0;
  private labels = new Map<string, number>();
  private fixups: { at: number; size: 1 | 4; label: string; base: number }[] = [];
  at(off: number): this { this.pos = off; return this; }
  label(name: string): this { this.labels.set(name, this.pos); return this; }
  b(...bytes: number[]): this { for (const x of bytes) this.buf[this.pos++] = x; return this; }
  rel8(label: string): this { this.fixups.push({ at: this.pos, size: 1, label, base: this.pos + 1 }); return this.b(0); }
  rel32(label: string): this { this.fixups.push({ at: this.pos, size: 4, label, base: this.pos + 4 }); return this.b(0, 0, 0, 0); }
  /** A rel32 to an absolute address outside the page (the queue). */
  rel32abs(target: number, pageVa: number): this {
    const d = target - (pageVa + this.pos + 4);
    new DataView(this.buf.buffer).setInt32(this.pos, d, true);
    this.pos += 4;
    return this;
  }
  finish(): Uint8Array {
    for (const f of this.fixups) {
      const t = this.labels.get(f.label);
      if (t === undefined) throw new Error(`stub label ${f.label}`);
      const d = t - f.base;
      if (f.size === 1) {
        if (d < -128 || d > 127) throw new Error(`stub rel8 out of range: ${f.label}`);
        this.buf[f.at] = d & 0xff;
      } else new DataView(this.buf.buffer).setInt32(f.at, d, true);
    }
    return this.buf;
  }
}

/** Builds the stub page for STUB_VA. */
export function buildStub(): Uint8Array {
  const e = new Emitter();
  // Vector entries 0..31: `out VECTOR_PORT_BASE+v, al` (e6 ib); `ud2` (0f 0b) guards the fall-through.
  for (let v = 0; v < 32; v++) e.at(v * VECTOR_ENTRY_SIZE).b(0xe6, VECTOR_PORT_BASE + v, 0x0f, 0x0b);
  // Any other vector: out PORT_UNEXPECTED, al ; ud2
  e.at(UNEXPECTED_OFF).b(0xe6, PORT_UNEXPECTED, 0x0f, 0x0b);
  // iret_entry: iretq                                   48 cf
  e.at(IRET_OFF).b(0x48, 0xcf);
  // apply_iret: apply the store queue, keeping the user's registers, then iretq.
  e.at(APPLY_IRET_OFF)
    .b(0x50)                  // push rax               50
    .b(0x51)                  // push rcx               51
    .b(0x52)                  // push rdx               52
    .b(0x56)                  // push rsi               56
    .b(0xe8).rel32('apply')   // call apply             e8 rel32
    .b(0x5e)                  // pop rsi                5e
    .b(0x5a)                  // pop rdx                5a
    .b(0x59)                  // pop rcx                59
    .b(0x58)                  // pop rax                58
    .b(0x48, 0xcf);           // iretq                  48 cf
  // apply_exit: apply the queue, then exit so the VMM can queue more (a full queue).
  e.at(APPLY_EXIT_OFF)
    .b(0xe8).rel32('apply')   // call apply             e8 rel32
    .b(0xe6, PORT_APPLIED)    // out PORT_APPLIED, al   e6 a1
    .b(0x0f, 0x0b);           // ud2                    0f 0b
  // apply: for each (pte, value, va): *pte = value; invlpg [va]. pte == 0: reload CR3.
  e.at(APPLY_OFF).label('apply')
    .b(0x48, 0x8d, 0x15).rel32abs(QUEUE_VA, STUB_VA) // lea rdx, [rip+queue]   48 8d 15 rel32
    .b(0x48, 0x8b, 0x0a)      // mov rcx, [rdx]         48 8b 0a   (count)
    .b(0x48, 0x83, 0xc2, 0x08) // add rdx, 8            48 83 c2 08
    .label('loop')
    .b(0x48, 0x85, 0xc9)      // test rcx, rcx          48 85 c9
    .b(0x74).rel8('done')     // jz done                74 rel8
    .b(0x48, 0x8b, 0x02)      // mov rax, [rdx]         48 8b 02   (pte address)
    .b(0x48, 0x85, 0xc0)      // test rax, rax          48 85 c0
    .b(0x74).rel8('reload')   // jz reload              74 rel8
    .b(0x48, 0x8b, 0x72, 0x08) // mov rsi, [rdx+8]      48 8b 72 08 (value)
    .b(0x48, 0x89, 0x30)      // mov [rax], rsi         48 89 30
    .b(0x48, 0x8b, 0x42, 0x10) // mov rax, [rdx+16]     48 8b 42 10 (va)
    .b(0x0f, 0x01, 0x38)      // invlpg [rax]           0f 01 38
    .b(0xeb).rel8('next')     // jmp next               eb rel8
    .label('reload')
    .b(0x0f, 0x20, 0xd8)      // mov rax, cr3           0f 20 d8
    .b(0x0f, 0x22, 0xd8)      // mov cr3, rax           0f 22 d8
    .label('next')
    .b(0x48, 0x83, 0xc2, 0x18) // add rdx, 24           48 83 c2 18
    .b(0x48, 0xff, 0xc9)      // dec rcx                48 ff c9
    .b(0xeb).rel8('loop')     // jmp loop               eb rel8
    .label('done')
    .b(0xc3);                 // ret                    c3
  return e.finish();
}

/** The trampoline page (user-executable, LSTAR target): out PORT_SYSCALL, al ; sysretq.
 *  On PVM the `out` runs in ring 3 and raises #GP, which vector 13's entry turns
 *  into an exit; on VMX/SVM it runs in ring 0 and exits directly. */
export const TRAMPOLINE_OUT_OFF = 0;
export const TRAMPOLINE_SYSRET_OFF = 2;
export function buildTrampoline(): Uint8Array {
  const p = new Uint8Array(4096);
  p.set([
    0xe6, PORT_SYSCALL,       // out PORT_SYSCALL, al   e6 a0
    0x48, 0x0f, 0x07,         // sysretq                48 0f 07
  ]);
  return p;
}
