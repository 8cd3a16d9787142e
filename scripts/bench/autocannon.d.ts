/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
	import type { EventEmitter } from 'node:events';

	interface Options {
		url: string;
		connections?: number;
		duration?: number;
		amount?: number;
		headers?: Record<string, string>;
		timeout?: number;
	}

	interface Histogram {
		average: number;
		mean: number;
		p50: number;
		p90: number;
		p97_5: number;
		p99: number;
		max: number;
		min: number;
		total: number;
	}

	export interface Result {
		requests: Histogram;
		latency: Histogram;
		throughput: Histogram;
		errors: number;
		timeouts: number;
		non2xx: number;
		duration: number;
	}

	interface Instance extends EventEmitter {
		stop(): void;
	}

	function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
	export default autocannon;
}
