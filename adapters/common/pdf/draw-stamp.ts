/**
 * Draws a seal stamp (印章印模) on a page: the seal's PNG picture when there
 * is one, otherwise a red ring with a star and the seal's name around the
 * upper arc, the way Chinese official seals look.
 */
import { BlendMode, StandardFonts, radians, rgb, type PDFDocument, type PDFPage } from 'pdf-lib';
import { toDrawableText } from './drawable-text.js';

/** Millimetres to PDF points. */
export const mmToPoints = (mm: number): number => (mm * 72) / 25.4;

/** Seal red (朱红). */
const SEAL_RED = rgb(0.86, 0.08, 0.1);

/** What to draw and where: `x`, `y` are the stamp's centre in PDF points from the page's bottom-left corner. */
export interface StampDrawing {
  x: number;
  y: number;
  /** Diameter (width for a picture) in millimetres. */
  sizeMm: number;
  text: string;
  pngImage?: Buffer;
}

/** The rectangle a stamp covers: [x1, y1, x2, y2] in points. */
export type StampRectangle = [number, number, number, number];

function fivePointedStar(radius: number): string {
  const points: string[] = [];
  for (let index = 0; index < 10; index += 1) {
    const angle = -Math.PI / 2 + (index * Math.PI) / 5; // SVG y points down: -90° is up
    const r = index % 2 === 0 ? radius : radius * 0.382;
    points.push(`${(r * Math.cos(angle)).toFixed(3)} ${(r * Math.sin(angle)).toFixed(3)}`);
  }
  return `M ${points.join(' L ')} Z`;
}

/** Draws the stamp and returns the rectangle it covers. */
export async function drawStamp(document: PDFDocument, page: PDFPage, stamp: StampDrawing): Promise<StampRectangle> {
  const width = mmToPoints(stamp.sizeMm);
  if (stamp.pngImage !== undefined) {
    const image = await document.embedPng(stamp.pngImage);
    const height = (width * image.height) / image.width;
    // Multiply: the seal's red darkens the text under it instead of hiding it, like ink on paper.
    page.drawImage(image, { x: stamp.x - width / 2, y: stamp.y - height / 2, width, height, blendMode: BlendMode.Multiply });
    return [stamp.x - width / 2, stamp.y - height / 2, stamp.x + width / 2, stamp.y + height / 2];
  }

  const radius = width / 2;
  const ring = radius * 0.06;
  page.drawCircle({ x: stamp.x, y: stamp.y, size: radius - ring / 2, borderColor: SEAL_RED, borderWidth: ring, blendMode: BlendMode.Multiply });
  page.drawSvgPath(fivePointedStar(radius * 0.3), { x: stamp.x, y: stamp.y, color: SEAL_RED, borderWidth: 0, blendMode: BlendMode.Multiply });

  // The name runs clockwise along the upper arc, each glyph upright to the outside.
  const font = await document.embedFont(StandardFonts.HelveticaBold);
  const textRadius = radius * 0.72;
  const maximumArc = (240 * Math.PI) / 180;
  let text = toDrawableText(stamp.text);
  let size = radius * 0.2;
  const arcOf = (value: string, at: number) => [...value].reduce((sum, character) => sum + font.widthOfTextAtSize(character, at) * 1.15, 0) / textRadius;
  while (arcOf(text, size) > maximumArc && size > 4) size -= 0.25;
  while (arcOf(text, size) > maximumArc && text.length > 3) text = `${text.slice(0, -4)}...`;
  let angle = Math.PI / 2 + arcOf(text, size) / 2;
  for (const character of text) {
    const characterWidth = font.widthOfTextAtSize(character, size);
    const step = (characterWidth * 1.15) / textRadius;
    const centre = angle - step / 2;
    const rotation = centre - Math.PI / 2;
    const px = stamp.x + textRadius * Math.cos(centre) - (characterWidth / 2) * Math.cos(rotation);
    const py = stamp.y + textRadius * Math.sin(centre) - (characterWidth / 2) * Math.sin(rotation);
    page.drawText(character, { x: px, y: py, size, font, color: SEAL_RED, rotate: radians(rotation), blendMode: BlendMode.Multiply });
    angle -= step;
  }
  return [stamp.x - radius, stamp.y - radius, stamp.x + radius, stamp.y + radius];
}
