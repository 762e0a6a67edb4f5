// containerlab's inheritance, defaults < kind < group < node, as one merge over layers. How each
// setting combines is data (a strategy per key), so adding a setting cannot forget a layer.
import type { YamlPath } from '../common/yaml-source.js';

export interface Layer<S> {
  /** Where the layer's settings sit in the file, for pointing errors at an inherited value. */
  path: YamlPath;
  settings: S;
}

/** Combines a value from a more general layer with one from a more specific layer. */
export type Combine<T> = (general: T, specific: T) => T;
export type Strategies<S> = { readonly [K in keyof S]-?: Combine<NonNullable<S[K]>> };

export interface Merged<S> {
  value: Partial<S>;
  /** For each setting, the path of the most specific layer that set it. */
  origin: { [K in keyof S]?: YamlPath };
}

/** Merges `layers`, ordered from most general to most specific. */
export const mergeLayers = <S extends object>(layers: readonly Layer<S>[], strategies: Strategies<S>): Merged<S> => {
  const value: Partial<S> = {};
  const origin: Merged<S>['origin'] = {};
  for (const layer of layers) {
    // Strategies has exactly the keys of S; the casts only restate what the checks above them prove.
    for (const key of Object.keys(strategies) as (keyof S)[]) {
      const specific = layer.settings[key];
      if (specific === undefined) continue;
      const general = value[key];
      value[key] =
        general === undefined ? specific : strategies[key](general as NonNullable<S[keyof S]>, specific as NonNullable<S[keyof S]>);
      origin[key] = layer.path;
    }
  }
  return { value, origin };
};

export const mostSpecific = <T>(_general: T, specific: T): T => specific;

export const mergeMaps = <T>(general: Readonly<Record<string, T>>, specific: Readonly<Record<string, T>>): Record<string, T> => ({
  ...general,
  ...specific,
});

/** Concatenates lists, dropping general items that a specific item replaces (same identity). */
export const mergeListBy =
  <T>(identity: (item: T) => string): Combine<T[]> =>
  (general, specific) => {
    const replaced = new Set(specific.map(identity));
    return [...general.filter((item) => !replaced.has(identity(item))), ...specific];
  };
