// Part of the French catalogue (spread into ./fr.ts).
export const fr_pcs_event = {
} as const;
