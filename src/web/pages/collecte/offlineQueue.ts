// Declarations typed without network: kept on the device (localStorage, per account) and sent
// when the network comes back. The server's PUT is idempotent, so sending twice is harmless.
// A queued declaration the server refuses (an unusual value to confirm, a correction without a
// reason...) stays on the device, marked, until the clerk opens it again: nothing typed is lost.

import { useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../../api/client';

const KEY = 'vigie.collecte.queue.v1';
const EVENT = 'vigie:collecte-queue';
/** Retry pace while items wait (besides the browser's `online` event). */
const RETRY_MS = 15_000;

export interface QueuedDeclaration {
  /** campaign|insee|date: one pending declaration per form. */
  id: string;
  userId: string;
  campaignId: string;
  inseeCode: string;
  date: string;
  values: Record<string, number>;
  reason?: string;
  confirmUnusual?: boolean;
  queuedAt: string;
  /** waiting: sent at the next chance; attention: the server refused it, the clerk must look. */
  state: 'waiting' | 'attention';
  error?: string;
  errorCode?: string;
  attempts: number;
}

export const queueId = (campaignId: string, inseeCode: string, date: string) => `${campaignId}|${inseeCode}|${date}`;

function read(): QueuedDeclaration[] {
  try {
    const raw = localStorage.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as QueuedDeclaration[]) : [];
  } catch {
    return [];
  }
}

function write(list: QueuedDeclaration[]): void {
  localStorage.setItem(KEY, JSON.stringify(list));
  window.dispatchEvent(new Event(EVENT));
}

export function queuedFor(userId: string): QueuedDeclaration[] {
  return read().filter((q) => q.userId === userId);
}

export function enqueue(item: Omit<QueuedDeclaration, 'queuedAt' | 'state' | 'attempts'>): QueuedDeclaration {
  const full: QueuedDeclaration = { ...item, queuedAt: new Date().toISOString(), state: 'waiting', attempts: 0 };
  write([...read().filter((q) => q.id !== item.id), full]);
  return full;
}

export function dequeue(id: string): void {
  write(read().filter((q) => q.id !== id));
}

function update(id: string, patch: Partial<QueuedDeclaration>): void {
  write(read().map((q) => (q.id === id ? { ...q, ...patch } : q)));
}

export type SentListener = (item: QueuedDeclaration) => void;
const sentListeners = new Set<SentListener>();
/** Called for each queued declaration the server accepted. */
export function onSent(listener: SentListener): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

let flushing: Promise<void> | null = null;

/** Sends the waiting declarations of this account, oldest first; stops at the first network failure. */
export function flushQueue(userId: string): Promise<void> {
  flushing ??= (async () => {
    try {
      for (const item of queuedFor(userId).filter((q) => q.state === 'waiting').sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))) {
        try {
          await api('putDeclaration', {
            params: { id: item.campaignId, inseeCode: item.inseeCode, date: item.date },
            body: { values: item.values, ...(item.reason ? { reason: item.reason } : {}), ...(item.confirmUnusual ? { confirmUnusual: true } : {}) },
          });
          dequeue(item.id);
          for (const l of sentListeners) l(item);
        } catch (err) {
          if (err instanceof ApiError && (err.code === 'network_error' || err.code === 'unavailable' || err.code === 'rate_limited' || err.status >= 500)) {
            update(item.id, { attempts: item.attempts + 1 });
            break;
          }
          if (err instanceof ApiError && (err.code === 'unauthenticated' || err.code === 'session_expired')) break;
          update(item.id, { state: 'attention', error: errorMessage(err), errorCode: err instanceof ApiError ? err.code : undefined, attempts: item.attempts + 1 });
        }
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** The account's queue, kept up to date (this tab and the others). */
export function useOfflineQueue(userId: string): QueuedDeclaration[] {
  const [items, setItems] = useState(() => queuedFor(userId));
  useEffect(() => {
    const refresh = () => setItems(queuedFor(userId));
    refresh();
    window.addEventListener(EVENT, refresh);
    window.addEventListener('storage', refresh);
    return () => {
      window.removeEventListener(EVENT, refresh);
      window.removeEventListener('storage', refresh);
    };
  }, [userId]);
  return items;
}

/** While mounted (the signed-in shell): send waiting declarations at start, when the network returns, and every RETRY_MS. */
export function useQueueRunner(userId: string | null): void {
  useEffect(() => {
    if (!userId) return;
    const run = () => {
      if (queuedFor(userId).some((q) => q.state === 'waiting')) void flushQueue(userId);
    };
    run();
    window.addEventListener('online', run);
    const timer = window.setInterval(run, RETRY_MS);
    return () => {
      window.removeEventListener('online', run);
      window.clearInterval(timer);
    };
  }, [userId]);
}
