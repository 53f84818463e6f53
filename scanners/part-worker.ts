/**
 * The worker entry of an isolated part (runScan's `partWorker`): the runner starts this module on
 * a worker thread and sends it parts; the scanner registry lives here, on the shell's side, so the
 * runner itself never imports a scanner.
 */
import { servePart } from '../src/runner/part-host.js';
import { createScanner } from './index.js';

servePart((id) => createScanner(id));
