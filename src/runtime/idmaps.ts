// config.json's linux.uidMappings and linux.gidMappings: the user namespace's
// maps, as runc writes them to uid_map and gid_map. tsvisor keeps credentials
// inside the sandbox; the maps decide which host ids its files carry
// (kernel/idmap.ts).
import { IdMap, IDENTITY_MAPS, type IdMaps } from '../kernel/idmap';

function fail(msg: string): never { throw new Error(msg); }

function parseMap(v: unknown, field: string): IdMap | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(`config.json: linux.${field} must be an array`);
  const ranges = (v as unknown[]).map((m, i) => {
    const o = m as Record<string, unknown>;
    const u32 = (k: string) => {
      const x = o?.[k];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) fail(`config.json: linux.${field}[${i}].${k} must be an unsigned 32-bit integer`);
      return x;
    };
    return { inside: u32('containerID'), outside: u32('hostID'), count: u32('size') };
  });
  if (ranges.length === 0) return undefined;
  try { return IdMap.of(ranges); } catch (e) { fail(`config.json: linux.${field}: ${(e as Error).message}`); }
}

/** The sandbox's id maps from linux (namespaces: the validated namespace types). Mappings
 *  need a user namespace of the container's own, and a new user namespace needs both maps
 *  (runc refuses either half alone). Without a user namespace: the identity. */
export function parseIdMappings(linux: Record<string, unknown>, userNamespace: boolean): IdMaps {
  const uid = parseMap(linux.uidMappings, 'uidMappings');
  const gid = parseMap(linux.gidMappings, 'gidMappings');
  if (!userNamespace) {
    if (uid || gid) fail('config.json: uid/gid mappings need a user namespace in linux.namespaces');
    return IDENTITY_MAPS;
  }
  if (!uid || !gid) fail('config.json: a user namespace needs both linux.uidMappings and linux.gidMappings');
  return { uid, gid };
}
