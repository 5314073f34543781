// jest loads global setup outside its module system (no TypeScript transform, no
// `.js` → `.ts` mapping), so hand the TypeScript to tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setUpRunDatabase } = await tsImport('./run-database.ts', import.meta.url);
  await setUpRunDatabase();
}
