/**
 * Seal pictures (印模) as PNG, for simulators: pdf-lib embeds PNGs but cannot
 * make them, so this holds a minimal PNG encoder (RGBA, zlib from node) and a
 * drawing of a round red seal — ring, star, and a band of glyph-like marks
 * along the upper arc derived from the seal's name (no font here can draw
 * the Chinese name itself, see drawable-text.ts). Distinct names give
 * distinct pictures.
 */
import { crc32, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Encodes 8-bit RGBA pixels (row-major, `width × height × 4` bytes) as PNG.
 * @param pixelsPerMetre optional physical resolution (pHYs), so viewers know the picture's size
 */
export function encodePng(width: number, height: number, rgba: Uint8Array, pixelsPerMetre?: number): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let row = 0; row < height; row += 1) {
    raw[row * (width * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(row * width * 4, (row + 1) * width * 4), row * (width * 4 + 1) + 1);
  }
  const chunks = [chunk('IHDR', header)];
  if (pixelsPerMetre !== undefined) {
    const physical = Buffer.alloc(9);
    physical.writeUInt32BE(Math.round(pixelsPerMetre), 0);
    physical.writeUInt32BE(Math.round(pixelsPerMetre), 4);
    physical[8] = 1; // unit: metre
    chunks.push(chunk('pHYs', physical));
  }
  chunks.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

/** Settings of {@link makeSealPicturePng}. */
export interface SealPictureOptions {
  /** The seal's name; shapes the marks along the arc. */
  name: string;
  /** Diameter in millimetres (written as the PNG's resolution); default 42. */
  sizeMm?: number;
  /** Width and height in pixels; default 240. */
  sizePx?: number;
  /** RGB colour; default seal red. */
  color?: [number, number, number];
}

/** Draws a round seal picture: transparent background, anti-aliased (3×3 samples per pixel). */
export function makeSealPicturePng(options: SealPictureOptions): Buffer {
  const size = options.sizePx ?? 240;
  const sizeMm = options.sizeMm ?? 42;
  const [red, green, blue] = options.color ?? [220, 20, 26];
  const centre = size / 2;
  const outer = size * 0.49;
  const ringWidth = size * 0.035;
  const starOuter = size * 0.15;
  const starInner = starOuter * 0.382;
  const star = Array.from({ length: 10 }, (_, index) => {
    const angle = -Math.PI / 2 + (index * Math.PI) / 5;
    const radius = index % 2 === 0 ? starOuter : starInner;
    return [centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)] as const;
  });
  const characters = [...options.name].slice(0, 18);
  const glyphSize = size * 0.085;
  const glyphRadius = outer - ringWidth - glyphSize * 0.9;
  const span = Math.min((240 * Math.PI) / 180, (characters.length * glyphSize * 1.25) / glyphRadius);
  const glyphs = characters.map((character, index) => {
    // Image y points down: the upper arc is around -90°, running clockwise (left to right).
    const angle = -Math.PI / 2 - span / 2 + (span * (index + 0.5)) / Math.max(1, characters.length);
    let hash = Math.imul(character.codePointAt(0)! ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    hash ^= hash >>> 13;
    return { x: centre + glyphRadius * Math.cos(angle), y: centre + glyphRadius * Math.sin(angle), angle, cells: hash | 0x10 };
  });

  const insideStar = (x: number, y: number): boolean => {
    let inside = false;
    for (let index = 0, previous = star.length - 1; index < star.length; previous = index, index += 1) {
      const [xi, yi] = star[index]!;
      const [xj, yj] = star[previous]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const insideGlyph = (x: number, y: number): boolean => glyphs.some((glyph) => {
    const dx = x - glyph.x;
    const dy = y - glyph.y;
    const along = dx * -Math.sin(glyph.angle) + dy * Math.cos(glyph.angle);
    const across = dx * Math.cos(glyph.angle) + dy * Math.sin(glyph.angle);
    if (Math.abs(along) >= glyphSize / 2 || Math.abs(across) >= glyphSize / 2) return false;
    const column = Math.min(2, Math.floor(((along + glyphSize / 2) / glyphSize) * 3));
    const row = Math.min(2, Math.floor(((across + glyphSize / 2) / glyphSize) * 3));
    return ((glyph.cells >>> (row * 3 + column)) & 1) === 1;
  });
  const inside = (x: number, y: number): boolean => {
    const distance = Math.hypot(x - centre, y - centre);
    if (distance <= outer && distance >= outer - ringWidth) return true;
    if (distance < starOuter) return insideStar(x, y);
    // Glyphs sit in a band along the ring: skip the polygon tests elsewhere.
    return Math.abs(distance - glyphRadius) < glyphSize * 0.75 && insideGlyph(x, y);
  };

  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let covered = 0;
      for (let sy = 0; sy < 3; sy += 1) for (let sx = 0; sx < 3; sx += 1) if (inside(x + (sx + 0.5) / 3, y + (sy + 0.5) / 3)) covered += 1;
      if (covered === 0) continue;
      const offset = (y * size + x) * 4;
      rgba[offset] = red;
      rgba[offset + 1] = green;
      rgba[offset + 2] = blue;
      rgba[offset + 3] = Math.round((covered / 9) * 235); // a touch of transparency, like ink
    }
  }
  return encodePng(size, size, rgba, (size / sizeMm) * 1000);
}
