/** A chart rendered on the server at two widths (see src/lib/server/figures/dashboard/render.ts). */
export interface RenderedChart {
	wide: string;
	/** The same chart laid out for a phone (≈ 360 px). */
	narrow?: string;
}
