/**
 * What the simulated province knows: the services one can rate (matters by
 * basic code with their department, themes by theme code) and the department
 * codes. By default read from the repository's mappings — the matters and
 * themes Tongban routes — so the gateway and the simulator agree.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import type { WireScope } from '../evaluation-api.js';

/** One service the province accepts evaluations of. */
export interface RegisteredService {
  readonly code: string;
  readonly name: string;
  readonly scope: WireScope;
  /** The implementing department of a matter; none for a theme (any department may lead it). */
  readonly deptCode?: string;
}

export interface ServiceRegistry {
  readonly services: ReadonlyMap<string, RegisteredService>;
  readonly departments: ReadonlySet<string>;
}

const MAPPINGS = new URL('../../../mappings/', import.meta.url);

function yamlFiles(folder: string): Record<string, unknown>[] {
  const directory = new URL(`${folder}/`, MAPPINGS);
  return readdirSync(directory).filter((name) => name.endsWith('.yaml')).sort()
    .map((name) => parse(readFileSync(new URL(name, directory), 'utf8')) as Record<string, unknown>);
}

/** The registry from mappings/matters, mappings/themes and mappings/departments.json. */
export function defaultServiceRegistry(): ServiceRegistry {
  const matters = yamlFiles('matters').map((file): RegisteredService => ({
    code: String(file['matter']), name: String(file['name']), scope: 'MATTER', deptCode: String(file['department']),
  }));
  const themes = yamlFiles('themes').map((file): RegisteredService => ({ code: String(file['theme']), name: String(file['name']), scope: 'THEME' }));
  const departments = (JSON.parse(readFileSync(new URL('departments.json', MAPPINGS), 'utf8')) as { departments: { code: string }[] }).departments;
  return serviceRegistry([...matters, ...themes], departments.map((department) => department.code));
}

export function serviceRegistry(services: readonly RegisteredService[], departments: readonly string[]): ServiceRegistry {
  return {
    services: new Map(services.map((service) => [`${service.scope}:${service.code}`, service])),
    departments: new Set([...departments, ...services.flatMap((service) => (service.deptCode === undefined ? [] : [service.deptCode]))]),
  };
}
