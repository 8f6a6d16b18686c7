import { t } from '../../i18n';

export interface DevicePosition {
  lon: number;
  lat: number;
  /** Radius of uncertainty, metres. */
  accuracy: number;
  source: 'device';
}

/**
 * The device's location (GPS of a phone), rounded as the server stores it (7 decimals, about 1 cm);
 * rejects with a French message when the browser has none or the person refuses.
 */
export function locateDevice(): Promise<DevicePosition> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t('map.position.unsupported')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: Math.round(p.coords.longitude * 1e7) / 1e7, lat: Math.round(p.coords.latitude * 1e7) / 1e7, accuracy: Math.round(p.coords.accuracy), source: 'device' }),
      () => reject(new Error(t('map.position.error'))),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  });
}
