/** Markdown tables of each dashboard's panels, for docs/dashboards.md (Grafana does not run here to show them). */
import type { ResolvedConfig } from '../config/model.js';
import { dashboardModels } from './index.js';
import { type Json, type JsonObject, jsonArray, jsonObject } from './json.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function stepsText(thresholds: Json | undefined): string {
  const list = jsonArray(jsonObject(thresholds)?.steps).map(jsonObject);
  if (list.length <= 1) return '';
  return list.map((s) => (s?.value === null || s?.value === undefined ? String(s?.color) : `${String(s.color)} ≥ ${String(s.value)}`)).join(', ');
}

/** Unit and colour steps of a panel: its defaults, or for a table each value column's. */
function unitsAndColours(panel: JsonObject): { unit: string; colours: string } {
  const defaults = jsonObject(jsonObject(panel.fieldConfig)?.defaults);
  if (panel.type !== 'table') return { unit: `\`${String(defaults?.unit)}\``, colours: stepsText(defaults?.thresholds) };
  const columns = jsonArray(jsonObject(panel.fieldConfig)?.overrides)
    .map(jsonObject)
    .filter((o) => String(jsonObject(o?.matcher)?.options).startsWith('Value #'))
    .map((o) => {
      const props = new Map(jsonArray(o?.properties).map((p) => [String(jsonObject(p)?.id), jsonObject(p)?.value]));
      return { name: String(props.get('displayName')), unit: String(props.get('unit')), colours: stepsText(props.get('thresholds')) };
    });
  return {
    unit: columns.map((c) => `${c.name}: \`${c.unit}\``).join('; '),
    colours: columns
      .filter((c) => c.colours !== '')
      .map((c) => `${c.name}: ${c.colours}`)
      .join('; '),
  };
}

/** One markdown section per dashboard: a table of its panels under their rows. */
export function renderPanelTables(config: ResolvedConfig): string {
  const sections: string[] = [];
  for (const [file, model] of dashboardModels(config)) {
    const d = jsonObject(model);
    const lines = [
      `### ${String(d?.title)} (\`${file}\`, uid \`${String(d?.uid)}\`)`,
      '',
      String(d?.description),
      '',
      '| Row | Panel | Kind | What it shows | Unit | Colours |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    let rowTitle = '';
    for (const p of jsonArray(d?.panels)) {
      const panel = jsonObject(p);
      if (panel === undefined) continue;
      if (panel.type === 'row') {
        rowTitle = String(panel.title);
        continue;
      }
      const { unit, colours } = unitsAndColours(panel);
      lines.push(`| ${cell(rowTitle)} | ${cell(String(panel.title))} | ${String(panel.type)} | ${cell(String(panel.description))} | ${cell(unit)} | ${cell(colours)} |`);
    }
    sections.push(lines.join('\n'));
  }
  return sections.join('\n\n');
}
