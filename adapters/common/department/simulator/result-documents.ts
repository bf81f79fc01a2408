/**
 * Results a simulated department hands back on completion (办结): a small
 * but valid PDF notice and an electronic licence identifier.
 */
import { makeLicenceIdentifier } from '../../../../src/domain/identifiers/index.js';
import type { DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';

/** Licence type defined by the national licence authority (credit code from GB/T 36904 examples) + sequence. */
const LICENCE_TYPE = '11100000000013338W011';
/** Issuer credit code used for simulated licences (a real, checkable code from docs/domain.md). */
const ISSUER = '11430000006122244L';

/** The default results of a completed sub-application: one licence with its PDF notice. */
export function defaultResults(delivery: SubApplicationDelivery, acceptanceNumber: string): DepartmentResult[] {
  return [{
    name: `${delivery.matterName}结果`,
    licenceIdentifier: makeLicenceIdentifier({ typeCode: LICENCE_TYPE, issuerCreditCode: ISSUER, serial: acceptanceNumber.replace(/[^0-9A-Z]/g, '').slice(-32), version: 1 }),
    documentBase64: resultPdf([`Department: ${delivery.departmentCode}`, `Sub-application: ${delivery.subApplicationId}`, `Acceptance number: ${acceptanceNumber}`]).toString('base64'),
  }];
}

/**
 * A one-page PDF 1.4 with the given ASCII lines (Helvetica). Written by hand
 * so it is synchronous and byte-for-byte repeatable; viewers and pdf-lib open it.
 */
export function resultPdf(lines: readonly string[]): Buffer {
  const escape = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
  const content = ['BT', '/F1 12 Tf', '72 770 Td', '16 TL', ...lines.map((line) => `(${escape(line)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
