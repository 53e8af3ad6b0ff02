import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { observabilityFiles } from '../observability-files';
import { buildDashboards, renderDashboard } from './render';

for (const [file, dashboard] of Object.entries(buildDashboards())) {
  const path = join(observabilityFiles.dashboardsDir, file);
  await writeFile(path, renderDashboard(dashboard));
  console.log(`wrote ${path}`);
}
