// "Create the refrigerated-truck example": what examples/refrigerated-truck/setup.sh does, through the REST API —
// the template (the same template.json, served from the jar), three real trucks and five simulated ones.
import { put, seg } from './api.js';

export const TEMPLATE = 'dtmi:contoso:RefrigeratedTruck;1';

export async function createExample(progress = () => {}) {
  const response = await fetch('/console/examples/refrigerated-truck/template.json');
  const template = await response.json();
  progress(`Template ${TEMPLATE}`);
  await put('/api/deviceTemplates/' + seg(TEMPLATE), template);
  for (const n of [1, 2, 3]) {
    progress(`Real device truck-0${n}`);
    await put(`/api/devices/truck-0${n}`, { displayName: `Truck 0${n}`, template: TEMPLATE, simulated: false });
  }
  for (const n of [1, 2, 3, 4, 5]) {
    progress(`Simulated device sim-truck-0${n}`);
    await put(`/api/devices/sim-truck-0${n}`, { displayName: `Simulated truck 0${n}`, template: TEMPLATE, simulated: true });
  }

}
