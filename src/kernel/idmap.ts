// The sandbox's user-namespace id maps (OCI linux.uidMappings / gidMappings):
// which host uid or gid each id inside the sandbox stands for. The kernel's
// credentials and permission checks use the ids inside; only what reaches the
// host is translated: owners of host files (hostfs stat, create, chown) and
// /proc/PID/uid_map and gid_map. Without mappings the map is the identity, as
// in the initial user namespace.

/** One line of a map: count ids from inside map to outside (host) ids. */
export interface IdRange { inside: number; outside: number; count: number }

/** What an id with no mapping reads as (Linux's default overflowuid and overflowgid). */
export const OVERFLOW_ID = 65534;
/** Linux accepts at most this many lines in a map (since 4.15). */
export const MAX_ID_RANGES = 340;

export class IdMap {
  /** The initial namespace's map: every 32-bit id but (u32)-1 as itself. */
  static readonly identity = new IdMap([{ inside: 0, outside: 0, count: 4294967295 }]);

  private constructor(readonly ranges: readonly IdRange[]) {}

  /** Checks ranges as Linux checks a write to uid_map (new_idmap_permitted aside): counts
   *  of at least 1, no wrap past 2^32 - 1, no overlap inside or outside; throws why not. */
  static of(ranges: readonly IdRange[]): IdMap {
    if (ranges.length === 0) throw new Error('an id map needs at least one range');
    if (ranges.length > MAX_ID_RANGES) throw new Error(`an id map has at most ${MAX_ID_RANGES} ranges`);
    const u32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
    for (const r of ranges) {
      if (!u32(r.inside) || !u32(r.outside) || !u32(r.count) || r.count === 0) throw new Error(`bad id range ${fmt(r)}`);
      if (r.inside + r.count > 0xffffffff || r.outside + r.count > 0xffffffff) throw new Error(`id range ${fmt(r)} wraps past 4294967294`);
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const a = ranges[i]!, b = ranges[j]!;
        if (overlap(a.inside, b.inside, a.count, b.count) || overlap(a.outside, b.outside, a.count, b.count)) {
          throw new Error(`id ranges ${fmt(a)} and ${fmt(b)} overlap`);
        }
      }
    }
    return new IdMap(ranges.map((r) => ({ ...r })));
  }

  get isIdentity(): boolean { return this === IdMap.identity; }

  /** The host id for an id inside, or -1 when it has none (Linux: make_kuid gives INVALID_UID). */
  toHost(id: number): number {
    for (const r of this.ranges) if (id >= r.inside && id - r.inside < r.count) return r.outside + (id - r.inside);
    return -1;
  }

  /** The id inside for a host id; OVERFLOW_ID when it is not mapped (from_kuid_munged). */
  fromHost(id: number): number {
    for (const r of this.ranges) if (id >= r.outside && id - r.outside < r.count) return r.inside + (id - r.outside);
    return OVERFLOW_ID;
  }

  /** Does host id have an id inside? */
  mapsHost(id: number): boolean {
    for (const r of this.ranges) if (id >= r.outside && id - r.outside < r.count) return true;
    return false;
  }

  /** The text of /proc/PID/uid_map (or gid_map): "%10u %10u %10u\n" per range. */
  text(): string {
    return this.ranges.map((r) => `${pad(r.inside)} ${pad(r.outside)} ${pad(r.count)}\n`).join('');
  }
}

/** A sandbox's pair of maps. */
export interface IdMaps { uid: IdMap; gid: IdMap }
export const IDENTITY_MAPS: IdMaps = { uid: IdMap.identity, gid: IdMap.identity };

function overlap(a: number, b: number, na: number, nb: number): boolean { return a < b + nb && b < a + na; }
function pad(v: number): string { return String(v).padStart(10, ' '); }
function fmt(r: IdRange): string { return `${r.inside} ${r.outside} ${r.count}`; }
