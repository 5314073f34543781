import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { tearDownRunDatabase } = await tsImport('./run-database.ts', import.meta.url);
  await tearDownRunDatabase();
}
