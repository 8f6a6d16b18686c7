/**
 * Writes docs/API.md from the route table (src/shared/routes.ts): the API report. A unit test
 * (scripts/api-doc.test.ts) fails when the file is stale, so a change of the API shows in review.
 *   npx tsx scripts/api-doc.ts            rewrite docs/API.md
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { routes, routeIds, REALTIME_PATH } from '../src/shared/routes';

export const API_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/API.md');

function fields(schema: z.ZodType | undefined): string {
  if (!schema) return '';
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
  const props = json.properties ?? {};
  return Object.entries(props)
    .map(([k, v]) => {
      const t = v.enum ? v.enum.map((e) => JSON.stringify(e)).join(' \\| ') : (v.type ?? 'valeur');
      return `\`${k}\`${json.required?.includes(k) ? '' : '?'}: ${t}`;
    })
    .join(', ');
}

export function renderApiDoc(): string {
  const lines = [
    '# API de Vigie',
    '',
    'Généré depuis `src/shared/routes.ts` par `npx tsx scripts/api-doc.ts` ; un test échoue si ce fichier est périmé.',
    '',
    'Toutes les réponses sont en JSON. Une erreur a la forme `{ "error": { "code", "message", "details"? } }` :',
    '`code` est stable (liste dans `src/shared/errors.ts`), `message` est en français. Les requêtes qui modifient',
    'des données portent l’en-tête `X-CSRF-Token` (jeton renvoyé par la connexion et par `GET /api/auth/session`)',
    'et, depuis un navigateur, viennent de la même origine.',
    '',
    '| méthode | chemin | accès | objet | paramètres | requête | corps |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const id of routeIds) {
    const r = routes[id] as (typeof routes)[typeof id] & { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
    const access = r.access.kind === 'permission' ? `\`${r.access.permission}\`` : r.access.kind === 'public' ? 'public' : 'connecté';
    lines.push(`| ${r.method} | \`${r.path}\` | ${access} | ${r.summary} | ${fields(r.params)} | ${fields(r.query)} | ${fields(r.body)} |`);
  }
  lines.push(
    '',
    `## Temps réel : \`${REALTIME_PATH}\` (WebSocket)`,
    '',
    'Authentifié par le cookie de session, même origine. Le client envoie `{"type":"subscribe","topic":"announcements:<id>","since":<seq>?}`,',
    '`{"type":"unsubscribe","topic":…}` ou `{"type":"ping"}` ; le serveur répond `subscribed`, puis des trames `message` numérotées',
    '(`seq` croissant par sujet), `resync` (trop de retard : recharger par HTTP), `error` et `session.ended` (fermeture 4401).',
    'Salles virtuelles (signalisation WebRTC, hors sujets) : le client envoie `visio.join` (`eventId`, `participantId`, `media`), `visio.leave`,',
    '`visio.media` et `visio.signal` (`to` : un participant de la même salle ; `data` : `description` SDP ou `candidate` ICE) ; le serveur répond',
    '`visio.joined` (soi, les présents, `resumed`), `visio.peer` (`joined` / `updated` / `left`), `visio.signal` (`from`), `visio.left` (raison) et',
    '`visio.error` (code stable). Voir docs/visio.md.',
    'Types exacts : `clientFrameSchema` et `serverFrameSchema` dans `src/shared/realtime.ts`.',
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(API_DOC, renderApiDoc());
  console.log(`écrit : ${path.relative(process.cwd(), API_DOC)}`);
}
