import { defineHandlers } from '../../http/route';
import { notFound } from '../../http/errors';

export const territoryHandlers = defineHandlers({
  getDepartment: async ({ params, services }) => {
    const dep = await services.db.selectFrom('departments').select(['code', 'name']).where('code', '=', params.code).executeTakeFirst();
    if (!dep) throw notFound();
    const communes = await services.db
      .selectFrom('communes')
      .select(['insee_code', 'name', 'department_code', 'population', 'former_codes'])
      .where('department_code', '=', params.code)
      .orderBy('insee_code')
      .execute();
    return {
      code: dep.code,
      name: dep.name,
      communes: communes.map((c) => ({
        inseeCode: c.insee_code,
        name: c.name,
        departmentCode: c.department_code,
        population: c.population,
        formerCodes: c.former_codes,
      })),
    };
  },
  getDepartmentOutlines: async ({ params, reply, services }) => {
    const dep = await services.db.selectFrom('departments').select('code').where('code', '=', params.code).executeTakeFirst();
    if (!dep) throw notFound();
    const rows = await services.db
      .selectFrom('communes')
      .select(['insee_code', 'name', 'population', 'former_codes', 'outline'])
      .where('department_code', '=', params.code)
      .where('outline', 'is not', null)
      .orderBy('insee_code')
      .execute();
    reply.header('content-type', 'application/geo+json; charset=utf-8');
    reply.header('cache-control', 'private, max-age=3600');
    return {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        id: r.insee_code,
        properties: { code: r.insee_code, nom: r.name, population: r.population, anciensCodes: r.former_codes },
        geometry: r.outline,
      })),
    };
  },
});
