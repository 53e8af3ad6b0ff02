import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { observabilityFiles } from '../observability-files';
import { readDashboards, readPanelQueries } from '../queries';
import { gridWidth } from './layout';
import { prometheusDatasource } from './panels';
import { buildDashboards, renderDashboard } from './render';

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: { type?: string; uid?: string };
  panels?: PanelJson[];
  targets?: { refId: string; expr: string; datasource?: { type?: string; uid?: string } }[];
  fieldConfig?: { defaults?: { links?: { title: string; url: string }[] } };
}

const committed = async () => (await readDashboards()) as unknown as { uid: string; title: string; panels: PanelJson[] }[];

describe('Grafana dashboards', () => {
  it('are committed exactly as the code generates them (run `npm run dashboards` after a change)', async () => {
    for (const [file, dashboard] of Object.entries(buildDashboards())) {
      const onDisk = await readFile(join(observabilityFiles.dashboardsDir, file), 'utf8');
      expect(onDisk, file).toBe(renderDashboard(dashboard));
    }
  });

  it("link a slow point of a service's duration to X-Ray's traces of that service at least as slow", async () => {
    const services = (await committed()).find((dashboard) => dashboard.uid === 'rtc-services')!;
    const duration = services.panels.find((panel) => panel.title === 'Duration')!;
    const [link] = duration.fieldConfig?.defaults?.links ?? [];
    expect(link?.url).toContain('xray/home#/traces');
    expect(decodeURIComponent(link!.url)).toContain('service("${__field.labels.service}") AND responsetime >= ${__value.raw}');
  });

  it('are the business and the services dashboards', async () => {
    expect((await committed()).map((dashboard) => dashboard.title).sort()).toEqual(['RTC business', 'RTC services']);
  });

  it('take the Prometheus data source as a template variable, which defaults to the provisioned default one', async () => {
    const provisioned = parse(await readFile(observabilityFiles.datasourceProvisioning, 'utf8')) as {
      datasources: { uid: string; type: string; isDefault?: boolean }[];
    };
    expect(provisioned.datasources.filter((source) => source.isDefault).map((source) => source.type)).toEqual(['prometheus']);
    expect(prometheusDatasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const dashboard of (await committed()) as unknown as { title: string; templating?: { list?: Record<string, unknown>[] } }[]) {
      expect(dashboard.templating?.list, dashboard.title).toEqual([
        expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus', current: expect.objectContaining({ value: 'default' }) }),
      ]);
    }
  });

  it('read the data source of the template variable in every panel and every query', async () => {
    for (const dashboard of await committed()) {
      for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
        expect(panel.datasource, `${dashboard.title} / ${panel.title}`).toEqual(prometheusDatasource);
        expect(panel.targets?.length, `${dashboard.title} / ${panel.title} has queries`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.datasource, `${dashboard.title} / ${panel.title} / ${target.refId}`).toEqual(prometheusDatasource);
          expect(target.expr.trim(), `${dashboard.title} / ${panel.title} / ${target.refId}`).not.toBe('');
        }
        expect(new Set(panel.targets?.map((target) => target.refId)).size).toBe(panel.targets?.length);
      }
    }
  });

  it('lay out full-width row headers, each followed by one band of equal-height panels tiling the 24 columns', async () => {
    for (const dashboard of await committed()) {
      let y = 0;
      let index = 0;
      const panels = dashboard.panels;
      while (index < panels.length) {
        const row = panels[index]!;
        expect(row.type, `${dashboard.title}: a section starts with a row at y=${y}`).toBe('row');
        expect(row.gridPos).toEqual({ x: 0, y, w: gridWidth, h: 1 });
        expect(row.panels ?? [], 'rows are expanded, their panels follow them').toEqual([]);
        y += 1;
        index += 1;
        const band: PanelJson[] = [];
        while (index < panels.length && panels[index]!.type !== 'row') band.push(panels[index++]!);
        expect(band.length, `${dashboard.title} / ${row.title} has panels`).toBeGreaterThan(0);
        const height = band[0]!.gridPos.h;
        let x = 0;
        for (const panel of band) {
          expect(panel.gridPos, `${dashboard.title} / ${panel.title}`).toEqual({ x, y, w: gridWidth / band.length, h: height });
          x += panel.gridPos.w;
        }
        expect(x).toBe(gridWidth);
        y += height;
      }
    }
  });

  it('use one height for stat bands and one for chart bands across both dashboards', async () => {
    const heights = new Map<string, Set<number>>();
    for (const dashboard of await committed()) {
      for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
        const kind = panel.type === 'stat' ? 'stat' : 'chart';
        heights.set(kind, (heights.get(kind) ?? new Set()).add(panel.gridPos.h));
      }
    }
    expect([...(heights.get('stat') ?? [])]).toHaveLength(1);
    expect([...(heights.get('chart') ?? [])]).toHaveLength(1);
  });

  it('number panels uniquely within each dashboard', async () => {
    for (const dashboard of await committed()) {
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size, dashboard.title).toBe(ids.length);
    }
  });

  it('leave no Grafana variable unresolved in the PromQL sent to Prometheus', async () => {
    const queries = await readPanelQueries();
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) expect(query.promql, `${query.dashboard} / ${query.panel}`).not.toMatch(/\$/);
  });

  it('are loaded by the dashboard provider from a folder of JSON files', async () => {
    const provider = parse(await readFile(observabilityFiles.dashboardProvisioning, 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.providers).toHaveLength(1);
    expect(provider.providers[0]!.type).toBe('file');
    expect(provider.providers[0]!.options.path).toMatch(/^\//);
  });
});
