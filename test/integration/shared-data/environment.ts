/** The licence environment (test/integration/licences/environment.ts) with the data-sharing exchange's simulator, on a mappings folder. */
import { DEFAULT_DATA_SHARING_CREDENTIALS, startDataSharingSimulator, type DataSharingSimulator } from '../../../adapters/data-sharing/simulator/index.js';
import type { StoreFixture } from '../../helpers/stores.js';
import { startLicenceEnvironment, type LicenceEnvironment } from '../licences/environment.js';

export async function startSharedDataEnvironment(fixture: StoreFixture, mappingsDir: string): Promise<{ exchange: DataSharingSimulator; env: LicenceEnvironment }> {
  const exchange = await startDataSharingSimulator();
  const env = await startLicenceEnvironment(fixture, {
    env: {
      TONGBAN_MAPPINGS_DIR: mappingsDir,
      TONGBAN_DATA_SHARING_URL: exchange.url,
      TONGBAN_DATA_SHARING_APP_KEY: DEFAULT_DATA_SHARING_CREDENTIALS.appKey,
      TONGBAN_DATA_SHARING_APP_SECRET: DEFAULT_DATA_SHARING_CREDENTIALS.appSecret,
    },
  });
  return { exchange, env };
}
