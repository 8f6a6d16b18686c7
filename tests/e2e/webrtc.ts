// WebRTC in Debian's Chromium for the browser tests and bench:visio (no vitest here: the bench imports it).
import type { BrowserContext } from 'playwright-core';

/** Chromium's fake devices (a test pattern and a beep), the permission prompt answered yes, loopback ICE candidates. */
export const WEBRTC_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection'];

/** Keeps every RTCPeerConnection the context's pages create in `window.__pcs`, to read their statistics from outside (the product exposes nothing for this). */
export async function watchPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = all;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        all.push(this);
      }
    };
  });
}
