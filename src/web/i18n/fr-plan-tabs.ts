// Part of the French catalogue (spread into ./fr.ts).
export const fr_plan_tabs = {
} as const;
