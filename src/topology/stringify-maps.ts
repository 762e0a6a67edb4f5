// containerlab decodes `env` and `labels` into Go string maps, so `VERSION: 1.10` means the string
// "1.10" and `DEBUG: true` means "true". YAML would make those a number 1.1 and a boolean, so we
// take such values back from the source text before validation.
import type { YamlPath, YamlSource } from '../common/yaml-source.js';

const STRING_MAPS = ['env', 'labels'] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rewrites, in place, non-string scalars of every env/labels map in `data` (toJS output). */
export const stringifyStringMaps = (data: unknown, source: YamlSource): void => {
  const topology = isObject(data) ? data['topology'] : undefined;
  if (!isObject(topology)) return;
  const settings: { path: YamlPath; value: unknown }[] = [{ path: ['topology', 'defaults'], value: topology['defaults'] }];
  for (const section of ['kinds', 'groups', 'nodes']) {
    const map = topology[section];
    if (!isObject(map)) continue;
    for (const [name, value] of Object.entries(map)) settings.push({ path: ['topology', section, name], value });
  }
  for (const { path, value } of settings) {
    if (!isObject(value)) continue;
    for (const mapKey of STRING_MAPS) {
      const map = value[mapKey];
      if (!isObject(map)) continue;
      for (const [key, entry] of Object.entries(map)) {
        // Maps and lists stay as they are, for the schema to reject.
        if (typeof entry === 'string' || (typeof entry === 'object' && entry !== null)) continue;
        map[key] = source.scalarSourceAt([...path, mapKey, key]) ?? String(entry);
      }
    }
  }
};
