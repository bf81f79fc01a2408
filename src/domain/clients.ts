/**
 * Glossary — who calls Tongban:
 * - client 客户端: a system holding a key registered with Tongban.
 * - platform 申办平台: the application platform (portal, app, service-hall window).
 * - department 部门: a department system, bound to one department code.
 * - ops 运维: operations staff and their tools.
 * - counter 窗口: a service-hall window terminal (一窗受理), bound to one hall;
 *   its staff act for an applicant only after scanning the applicant's QR code.
 */

/** The role a client acts in. */
export type Role = 'platform' | 'department' | 'ops' | 'counter';

export const ROLES: readonly Role[] = ['platform', 'department', 'ops', 'counter'];

/** An authenticated caller, as attached to a request. */
export interface AuthenticatedClient {
  readonly id: string;
  readonly role: Role;
  /** For department clients: the department code they act for. */
  readonly department?: string;
  /** For counter clients: the service hall (办事大厅) they stand in. */
  readonly hall?: string;
}
