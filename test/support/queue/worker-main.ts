import { loadConfig } from '../../../bootstrap/config.js';
import { createWorker, exitOnSignal } from '../../../bootstrap/worker-process.js';
import { RecordJobsInFile, TEST_PROCESSORS } from './recording-handler.js';

/** `npm run worker` with the test processor table (JOB_LOG_FILE: where it records). */
const config = loadConfig(process.env, () => 'generated-secret-generated-secret-generated');
const worker = await createWorker(
  config,
  { processors: TEST_PROCESSORS },
  {
    setUp: (container) =>
      container.bind(RecordJobsInFile).toConstantValue(new RecordJobsInFile(process.env.JOB_LOG_FILE!)),
  },
);
exitOnSignal(worker, config);
console.log(JSON.stringify({ ready: 'worker' }));
