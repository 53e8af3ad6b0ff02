import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { PlaceablePanel } from './panels';

/** Grafana's grid is 24 columns wide. */
export const gridWidth = 24;

/** A titled row of panels sharing one height and splitting the width evenly. */
export interface Section {
  readonly title: string;
  readonly height: number;
  readonly panels: readonly PlaceablePanel[];
}

export const statHeight = 4;
export const chartHeight = 8;

/**
 * Places sections top to bottom: a full-width row header, then its panels side by side.
 * Positions and ids are explicit, so the JSON does not depend on the SDK's auto-layout.
 */
export function layOut(dashboard: DashboardBuilder, sections: readonly Section[]): DashboardBuilder {
  let y = 0;
  let id = 1;
  for (const section of sections) {
    const count = section.panels.length;
    if (count === 0 || gridWidth % count !== 0) {
      throw new Error(`section "${section.title}" has ${count} panels; ${gridWidth} columns must split evenly`);
    }
    dashboard.withRow(new RowBuilder(section.title).id(id++).gridPos({ x: 0, y, w: gridWidth, h: 1 }));
    y += 1;
    const width = gridWidth / count;
    section.panels.forEach((panel, index) => {
      dashboard.withPanel(panel.id(id++).gridPos({ x: index * width, y, w: width, h: section.height }));
    });
    y += section.height;
  }
  return dashboard;
}
