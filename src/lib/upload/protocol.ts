/** Messages between the page and the check worker (check.worker.ts). */
import type { FileReport } from './report';

export type CheckPhase = 'waiting' | 'reading' | 'hashing' | 'decoding' | 'parsing' | 'checking' | 'done' | 'failed';

export interface CheckRequest {
	id: number;
	files: File[];
}

export type WorkerMessage =
	| { id: number; type: 'progress'; index: number; phase: CheckPhase; done: number; total: number }
	| { id: number; type: 'file'; index: number; report: FileReport; ms: number }
	| { id: number; type: 'error'; index: number; message: string }
	| { id: number; type: 'finished' };
