/** What the page tells its reader about the scope of its figures (no secrets: ids and names only). */
export interface ScopeInfo {
	/** A consortium member: figures narrowed to its bricks, details to lauréats using them. */
	consortium: boolean;
	orgName: string | null;
	bricks: readonly string[];
}
