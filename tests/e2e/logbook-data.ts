// Data of the main courante browser tests and screenshots, seeded through the HTTP API.

import zlib from 'node:zlib';
import type { Attachment, CatalogueItem, Entry, EventDetail } from '../../src/shared';
import type { ApiClient } from './support';

/** A small PNG (a map-like picture) built without any image library. */
export function samplePng(width = 240, height = 180): Uint8Array {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const o = y * (width * 3 + 1) + 1 + x * 3;
      const river = Math.abs(y - (height / 2 + Math.sin(x / 22) * 28)) < 14;
      const road = Math.abs(x - width * 0.68) < 4 || Math.abs(y - height * 0.25) < 3;
      const flooded = Math.abs(y - (height / 2 + Math.sin(x / 22) * 28)) < 34 && !river;
      const [r, g, b] = river ? [52, 105, 190] : flooded ? [126, 168, 222] : road ? [236, 236, 236] : [(150 + ((x * 7 + y * 3) % 23)) | 0, 190, 120];
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return new Uint8Array(
    Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]),
  );
}

export async function catalogue(api: ApiClient, path: '/api/event-types' | '/api/functions' | '/api/tags'): Promise<CatalogueItem[]> {
  return (await api.call<{ items: CatalogueItem[] }>('GET', path)).items;
}

/** The id of a catalogue item by name (created when missing). */
export async function itemId(api: ApiClient, path: '/api/event-types' | '/api/functions' | '/api/tags', name: string): Promise<string> {
  const found = (await catalogue(api, path)).find((i) => i.name === name && !i.archived);
  if (found) return found.id;
  return (await api.call<CatalogueItem>('POST', path, { name })).id;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/**
 * A flood crisis as a city's crisis cell would log it: an event with a sub-event, entries from
 * several functions and sources, tags, an important entry, a photo, a PDF, a correction, a
 * cancellation and the system entries written by the server.
 */
export async function seedFlood(coord: ApiClient, contributor?: ApiClient) {
  const typeId = (await catalogue(coord, '/api/event-types')).find((i) => i.name === 'Inondation')!.id;
  const fn = {
    dos: await itemId(coord, '/api/functions', 'Directeur des opérations'),
    logistique: await itemId(coord, '/api/functions', 'Logistique'),
    communication: await itemId(coord, '/api/functions', 'Cellule communication'),
  };
  const tag = {
    evacuation: await itemId(coord, '/api/tags', 'évacuation'),
    voirie: await itemId(coord, '/api/tags', 'voirie'),
    hebergement: await itemId(coord, '/api/tags', 'hébergement d’urgence'),
    population: await itemId(coord, '/api/tags', 'communication externe'),
  };
  const event = await coord.call<EventDetail>('POST', '/api/events', {
    typeId,
    title: 'Crue du Lez — quartiers Est',
    description: 'Vigilance orange crues sur le Lez. Cellule de crise communale activée en mairie, salle du conseil.',
    status: 'active',
    severity: 3,
    startsAt: minutesAgo(240),
  });
  const child = await coord.call<EventDetail>('POST', '/api/events', {
    typeId,
    parentId: event.id,
    title: 'Évacuation de l’école Jules-Ferry',
    status: 'active',
    severity: 3,
    startsAt: minutesAgo(150),
  });
  await coord.call<EventDetail>('POST', '/api/events', {
    typeId,
    parentId: event.id,
    title: 'Centre d’hébergement du gymnase Bonnet',
    status: 'watch',
    severity: 2,
    startsAt: minutesAgo(90),
  });
  const writer = contributor ?? coord;
  const post = (api: ApiClient, body: Record<string, unknown>, id = event.id) => api.call<Entry>('POST', `/api/events/${id}/entries`, body);
  await post(coord, { text: 'Activation de la cellule de crise communale. Point de situation toutes les deux heures.', functionId: fn.dos, occurredAt: minutesAgo(235), source: 'Préfecture (SIDPC)' });
  await post(writer, { text: 'Montée des eaux constatée au pont de la Pompignane : 2,10 m à l’échelle.', functionId: fn.logistique, occurredAt: minutesAgo(200), source: 'Patrouille police municipale', tagIds: [tag.voirie] });
  const wrong = await post(writer, { text: 'Fermeture de la route de Mauguio entre le rond-point Pablo-Picasso et le pont Juvénal.', functionId: fn.logistique, occurredAt: minutesAgo(180), source: 'Services techniques', tagIds: [tag.voirie] });
  await post(writer, { text: 'Fermeture de la route de Mauguio entre le rond-point Pablo-Picasso et l’avenue Pierre-Mendès-France (et non le pont Juvénal).', functionId: fn.logistique, occurredAt: minutesAgo(180), source: 'Services techniques', tagIds: [tag.voirie], corrects: wrong.id, kind: 'correction' });
  const photo = await writer.upload<Attachment>(`/api/events/${event.id}/attachments`, 'berges-pompignane.png', 'image/png', samplePng());
  await post(writer, { text: 'Photo des berges à la Pompignane : débordement en rive gauche, parking des berges sous 30 cm d’eau.', functionId: fn.logistique, occurredAt: minutesAgo(150), source: 'Patrouille police municipale', attachmentIds: [photo.id], tagIds: [tag.voirie] });
  const pdf = await writer.upload<Attachment>(`/api/events/${event.id}/attachments`, 'arrete-fermeture-voies.pdf', 'application/pdf', new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
  await post(coord, { text: 'Arrêté municipal de fermeture des voies sur berges signé.', functionId: fn.dos, occurredAt: minutesAgo(120), attachmentIds: [pdf.id] });
  const cancelled = await post(writer, { text: 'Demande de 40 lits picots au conseil départemental.', functionId: fn.logistique, occurredAt: minutesAgo(100), tagIds: [tag.hebergement] });
  await post(coord, { text: 'Demande faite en double : les lits sont déjà fournis par la Croix-Rouge.', functionId: fn.dos, occurredAt: minutesAgo(95), corrects: cancelled.id, kind: 'cancellation' });
  await post(coord, { text: 'Évacuation préventive de l’école Jules-Ferry : 212 élèves pris en charge par les bus de la TaM vers le gymnase Bonnet.', functionId: fn.dos, occurredAt: minutesAgo(60), source: 'Directrice de l’école', tagIds: [tag.evacuation, tag.hebergement], important: true });
  await post(writer, { text: 'Message diffusé sur les panneaux lumineux et les réseaux sociaux : éviter les berges du Lez.', functionId: fn.communication, occurredAt: minutesAgo(30), tagIds: [tag.population] });
  await post(writer, { text: 'Bus arrivés au gymnase : accueil par la Croix-Rouge.', occurredAt: minutesAgo(40), source: 'Croix-Rouge', tagIds: [tag.evacuation] }, child.id);
  return { event, child, fn, tag, typeId };
}
