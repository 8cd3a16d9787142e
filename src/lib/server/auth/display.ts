/** Times of the audit trail and the accounts, shown in Paris time (`15/04/2026 14:32`). */
export function parisTime(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
	const parts = new Intl.DateTimeFormat('fr-FR', {
		timeZone: 'Europe/Paris',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(new Date(ms));
	const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
	return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** A password to hand over once: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
	const bytes = new Uint8Array(20);
	let out = '';
	while (out.length < 20) {
		crypto.getRandomValues(bytes);
		for (const b of bytes) if (b < 216 && out.length < 20) out += alphabet[b % 54];
	}
	return out.replace(/(.{5})(?!$)/g, '$1-');
}
