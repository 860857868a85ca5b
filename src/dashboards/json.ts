/** Plain JSON, and typed reads of it for code that walks dashboard JSON (generated or loaded from a file). */

/** Plain JSON data. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** The value when it is an object, else undefined. */
export function jsonObject(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** The value when it is an array, else an empty one. */
export function jsonArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** The value when it is a string, else undefined. */
export function jsonString(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a number, else undefined. */
export function jsonNumber(value: Json | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Every panel object of a dashboard's JSON in layout order, rows' nested panels included, with its index among its siblings. */
export function dashboardPanels(dashboard: Json): Array<{ panel: JsonObject; index: number }> {
  const out: Array<{ panel: JsonObject; index: number }> = [];
  const visit = (list: Json[]): void => {
    list.forEach((p, index) => {
      const panel = jsonObject(p);
      if (panel === undefined) return;
      out.push({ panel, index });
      visit(jsonArray(panel.panels));
    });
  };
  visit(jsonArray(jsonObject(dashboard)?.panels));
  return out;
}
