/**
 * What a material file is, decided by its own first bytes — never by the
 * name or the `Content-Type` it was sent with, which the sender chooses.
 */
import type { MaterialMediaType } from '../domain/materials.js';

/** Media types a material may have, as `Content-Type` names them. */
export const MATERIAL_MEDIA_TYPES: readonly MaterialMediaType[] = ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'];

/** How many first bytes {@link sniffMaterialType} needs to decide (fewer when the file is shorter). */
export const SNIFF_BYTES = 64;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** GB/T 33190 §7.2: the package's entry point, named `OFD.xml` at its root. */
const OFD_ENTRY = Buffer.from('OFD.xml', 'latin1');

/** How each type is spoken of in an answer's detail. */
const DESCRIBED: Readonly<Record<MaterialMediaType, string>> = {
  'application/pdf': 'a PDF document',
  'application/ofd': 'an OFD document',
  'image/jpeg': 'a JPEG image',
  'image/png': 'a PNG image',
};

/** What the first bytes say: one of the material types, or what else they are. */
export type SniffedType =
  | { readonly mediaType: MaterialMediaType; readonly description: string }
  | { readonly mediaType: undefined; readonly description: string };

/**
 * Decides a file's type from its first bytes (`prefix`: at least
 * {@link SNIFF_BYTES} of them, or the whole file when shorter):
 * PDF `%PDF-`; PNG's 8-byte signature; JPEG `FF D8 FF` (SOI and the next
 * marker); OFD a ZIP whose first local file header names `OFD.xml` (the
 * package's entry point, GB/T 33190) — any other ZIP is not OFD.
 */
export function sniffMaterialType(prefix: Uint8Array): SniffedType {
  const bytes = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const known = (mediaType: MaterialMediaType): SniffedType => ({ mediaType, description: DESCRIBED[mediaType] });
  if (startsWith(bytes, PDF_HEADER)) return known('application/pdf');
  if (startsWith(bytes, PNG_SIGNATURE)) return known('image/png');
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return known('image/jpeg');
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) {
    // Local file header: name length at offset 26 (LE), name from offset 30.
    if (bytes.length >= 30 + OFD_ENTRY.length && bytes.readUInt16LE(26) === OFD_ENTRY.length && bytes.subarray(30, 30 + OFD_ENTRY.length).equals(OFD_ENTRY)) {
      return known('application/ofd');
    }
    return { mediaType: undefined, description: `a ZIP archive whose first entry is not OFD.xml, so no OFD document (starts with ${hexOf(bytes)})` };
  }
  return { mediaType: undefined, description: `no PDF, OFD, JPEG or PNG (starts with ${hexOf(bytes)})` };
}

/** The media type named by a `Content-Type` header (parameters dropped, lower case), or undefined for none. */
export function declaredMediaType(header: string | undefined): string | undefined {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** Whether `type` is one a material may be sent as. */
export function isMaterialMediaType(type: string | undefined): type is MaterialMediaType {
  return MATERIAL_MEDIA_TYPES.includes(type as MaterialMediaType);
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

/** Up to the first 8 bytes in hex, for a detail (`50 4B 03 04 14 00 00 00`). */
function hexOf(bytes: Buffer): string {
  if (bytes.length === 0) return 'nothing';
  return [...bytes.subarray(0, 8)].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
