/**
 * npm run user -- <command> [options]: manage the dashboard's accounts.
 *
 *   add --email E --role admin|auditor|consortium [--org ORG]   create an account
 *   list                                                         list the accounts
 *   disable --email E / enable --email E                         (disabling ends its sessions)
 *   reset-password --email E                                     set a new password (ends its sessions)
 *   role --email E --role R [--org ORG]                          change a role
 *   token --email E [--days N] [--label L]                       mint a Biscuit API token
 *   tokens / revoke-token --id ID                                list / revoke API tokens
 *   attenuate --public-key K [--read-only] [--path P] [--days N] narrow a token offline
 *                                                                (token from HOX_TOKEN; no database)
 *
 * Every command takes [--db PATH]. The password comes from the environment variable
 * HOX_PASSWORD, or is asked for (twice, without echo) on a terminal.
 */
import { CONSORTIUM_ORGS } from '../src/lib/domain/programme';
import {
	changeRole,
	createUser,
	disableUser,
	enableUser,
	listUsers,
	resetPassword,
	UserError,
	type Actor
} from '../src/lib/server/auth/users';
import { passwordProblem } from '../src/lib/server/auth/password';
import { attenuateToken, issueToken, listTokens, revokeToken } from '../src/lib/server/auth/tokens';
import { actor, args, main, openDatabase } from './lib/cli';

const USAGE = `Usage : npm run user -- <commande> [options]
  add --email E --role admin|auditor|consortium [--org ORG]
  list
  disable --email E
  enable --email E
  reset-password --email E
  role --email E --role R [--org ORG]
  token --email E [--days N] [--label L]       jeton d’API (Biscuit), affiché une fois
  tokens                                        jetons émis
  revoke-token --id ID                          révoque un jeton et ses dérivés
  attenuate --public-key K [--read-only] [--path P] [--days N]
                                                restreint hors ligne le jeton de HOX_TOKEN
Options communes : --db PATH (défaut : HOX_DB ou data/hox.duckdb).
Mot de passe : variable d’environnement HOX_PASSWORD, sinon demandé au terminal.
Organisations du consortium : ${Object.keys(CONSORTIUM_ORGS).join(', ')}.`;

/** Read a line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const stdin = process.stdin;
		process.stderr.write(prompt);
		stdin.setRawMode(true);
		stdin.resume();
		stdin.setEncoding('utf8');
		let value = '';
		const done = (fn: () => void) => {
			stdin.setRawMode(false);
			stdin.pause();
			stdin.removeListener('data', onData);
			process.stderr.write('\n');
			fn();
		};
		const onData = (chunk: string) => {
			for (const ch of chunk) {
				if (ch === '\r' || ch === '\n') return done(() => resolve(value));
				if (ch === '\u0003') return done(() => reject(new Error('interrompu')));
				if (ch === '\u0004' && !value) return done(() => reject(new Error('interrompu')));
				if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
				else if (ch >= ' ') value += ch;
			}
		};
		stdin.on('data', onData);
	});
}

async function askPassword(email: string): Promise<string> {
	const fromEnv = process.env.HOX_PASSWORD;
	if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
	if (!process.stdin.isTTY) {
		throw new UserError('no_password', {
			fr: 'Aucun mot de passe : définissez HOX_PASSWORD, ou lancez la commande dans un terminal pour le saisir.',
			en: 'No password: set HOX_PASSWORD, or run the command in a terminal to type it.'
		});
	}
	for (;;) {
		const first = await readHidden(`Mot de passe pour ${email} : `);
		const problem = passwordProblem(first, email);
		if (problem) {
			console.error(problem.fr);
			continue;
		}
		const second = await readHidden('Confirmez le mot de passe : ');
		if (first === second) return first;
		console.error('Les deux saisies diffèrent ; recommencez.');
	}
}

const when = (ms: number | null) =>
	ms === null
		? '—'
		: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(ms));

main(async () => {
	const { values, positionals } = args({
		email: { type: 'string' },
		role: { type: 'string' },
		org: { type: 'string' },
		json: { type: 'boolean' },
		days: { type: 'string' },
		label: { type: 'string' },
		id: { type: 'string' },
		'public-key': { type: 'string' },
		'read-only': { type: 'boolean' },
		path: { type: 'string' },
		help: { type: 'boolean', short: 'h' }
	});
	const command = positionals[0];
	if (values.help || !command) {
		console.log(USAGE);
		return values.help ? 0 : 2;
	}
	const needEmail = () => {
		if (!values.email) {
			console.error(`« ${command} » demande --email.\n\n${USAGE}`);
			process.exit(2);
		}
		return values.email;
	};
	const known = ['add', 'list', 'disable', 'enable', 'reset-password', 'role', 'token', 'tokens', 'revoke-token', 'attenuate'];
	if (!known.includes(command)) {
		console.error(`Commande inconnue : « ${command} ».\n\n${USAGE}`);
		return 2;
	}
	if (command === 'attenuate') {
		// Offline, as any token holder would: no database, no secret.
		const token = process.env.HOX_TOKEN?.trim();
		const key = values['public-key'];
		if (!token || !key) {
			console.error('« attenuate » demande le jeton dans HOX_TOKEN et --public-key (GET /api/v1/tokens/public-key).');
			return 2;
		}
		const days = values.days === undefined ? undefined : Number(values.days);
		if (days !== undefined && !(days > 0)) {
			console.error('--days doit être un nombre de jours positif.');
			return 2;
		}
		console.log(
			await attenuateToken(token, key, {
				readOnly: values['read-only'],
				pathPrefix: values.path,
				expiresAt: days === undefined ? undefined : new Date(Date.now() + days * 24 * 3600 * 1000)
			})
		);
		return 0;
	}
	const by: Actor = { actor: actor() };
	// Ask for the password before opening the database (which another process may hold).
	let password = '';
	if (command === 'add' || command === 'reset-password') {
		if (command === 'add' && !values.role) {
			console.error(`« add » demande --role (admin, auditor ou consortium).\n\n${USAGE}`);
			return 2;
		}
		try {
			password = await askPassword(needEmail());
		} catch (error) {
			if (error instanceof UserError) {
				console.error(error.text.fr);
				return 1;
			}
			throw error;
		}
	}
	const db = await openDatabase(values.db);
	try {
		switch (command) {
			case 'add': {
				const user = await createUser(db, { email: needEmail(), role: values.role!, org: values.org ?? null, password }, by);
				console.log(`Compte créé : ${user.email} (${user.role}${user.org ? `, ${user.org}` : ''}).`);
				break;
			}
			case 'list': {
				const users = await listUsers(db);
				if (values.json) {
					console.log(JSON.stringify(users, null, 2));
					break;
				}
				if (!users.length) {
					console.log('Aucun compte. Créez-en un : npm run user -- add --email E --role admin');
					break;
				}
				const rows = users.map((u) => [u.email, u.role, u.org ?? '', u.disabled ? 'désactivé' : 'actif', String(u.sessions), when(u.lastSignIn)]);
				const head = ['e-mail', 'rôle', 'organisation', 'état', 'sessions', 'dernière connexion'];
				const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
				for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
				break;
			}
			case 'disable':
				await disableUser(db, needEmail(), by);
				console.log(`Compte désactivé : ${values.email} (ses sessions sont fermées).`);
				break;
			case 'enable':
				await enableUser(db, needEmail(), by);
				console.log(`Compte réactivé : ${values.email}.`);
				break;
			case 'reset-password':
				await resetPassword(db, needEmail(), password, by);
				console.log(`Mot de passe changé pour ${values.email} (ses sessions sont fermées).`);
				break;
			case 'token': {
				const issued = await issueToken(db, { email: needEmail(), days: values.days === undefined ? undefined : Number(values.days), label: values.label ?? null }, by);
				console.error(`Jeton d’API pour ${issued.email}, valable jusqu’au ${when(issued.expiresAt.getTime())} (id ${issued.id}).`);
				console.error(`Clé publique du serveur (pour le restreindre) : ${issued.publicKey}`);
				console.error('Usage : Authorization: Bearer <jeton>. Le jeton (sur la sortie standard) ne sera plus affiché :');
				console.log(issued.token);
				break;
			}
			case 'tokens': {
				const tokens = await listTokens(db);
				if (values.json) console.log(JSON.stringify(tokens, null, 2));
				else if (!tokens.length) console.log('Aucun jeton émis.');
				else
					for (const t of tokens) {
						const state = t.revokedAt !== null ? 'révoqué' : t.expiresAt <= Date.now() ? 'expiré' : 'valide';
						console.log(`${t.id}  ${t.email}  ${state}  fin ${when(t.expiresAt)}${t.label ? `  « ${t.label} »` : ''}`);
					}
				break;
			}
			case 'revoke-token':
				if (!values.id) {
					console.error(`« revoke-token » demande --id.\n\n${USAGE}`);
					return 2;
				}
				await revokeToken(db, values.id, by);
				console.log(`Jeton ${values.id} révoqué.`);
				break;
			case 'role':
				if (!values.role) {
					console.error(`« role » demande --role.\n\n${USAGE}`);
					return 2;
				}
				await changeRole(db, needEmail(), values.role, values.org ?? null, by);
				console.log(`Rôle de ${values.email} : ${values.role}${values.org ? ` (${values.org})` : ''}.`);
				break;
		}
		return 0;
	} catch (error) {
		if (error instanceof UserError) {
			console.error(error.text.fr);
			return 1;
		}
		throw error;
	} finally {
		db.close();
	}
});
